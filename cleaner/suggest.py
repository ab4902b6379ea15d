"""Mine a corpus for repeated chrome and draft rules for a person to review.

Site chrome repeats: the same follow prompt, disclaimer or footer stands in
thousands of documents of a site, with only numbers and dates changing. Each
line is reduced to a *template* (dates, times, numbers and URLs become
placeholders, whitespace folded), and templates are counted by the number of
documents they occur in, not lines. Counting folds character width too, so
``更多精彩，尽在XX网`` and ``更多精彩,尽在XX网`` count together; the regex is
built from the lines as they were written (full-width punctuation stays
full-width, a character class where variants differ), so a draft matches the
lines it was mined from byte for byte. A template above the thresholds becomes
a draft rule: an anchored, escaped regex that generalises the placeholders, a
``within`` zone learned from where it sits, or a ``rest`` rule when it heads a
list that runs to the end. Templates that sit mostly in the middle of long
bodies are written as ``# review:`` comments, not rules.

With a baseline (``--baseline default``), each document is cleaned by it first
and the lines it removes there are not counted: a line is judged in its own
document, where zones and neighbours decide, not on its own. Rule ids say what
the line is (``alpha-copyright``, ``beta-posted-on``) from a small lexicon of
chrome words in several languages, else from the line's own words.

Memory stays bounded: when the table grows past ``max_templates``, templates
seen in only one document so far are dropped (a lossy count that never drops
a template that is frequent). The result depends only on the corpus order.
"""

from __future__ import annotations

import difflib
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

from cleaner.pipeline import Pipeline

# Placeholders, most specific first. Each: (pattern on the folded line, placeholder, regex it becomes).
_PLACEHOLDERS = [
    (re.compile(r"https?://\S+|www\.\S+"), "\ue000", r"\S+"),
    (re.compile(r"\d{4}\s?[-/.年]\s?\d{1,2}\s?[-/.月]\s?\d{1,2}日?"), "\ue001", r"\d{4}\s?[-/.年]\s?\d{1,2}\s?[-/.月]\s?\d{1,2}日?"),  # noqa: E501
    (re.compile(r"\d{1,2}\s?[:：]\s?\d{2}(?:\s?[:：]\s?\d{2})?"), "\ue002", r"\d{1,2}\s?[:：]\s?\d{2}(?:\s?[:：]\s?\d{2})?"),  # noqa: E501
    (re.compile(r"\d+(?:[.,]\d+)*"), "\ue003", r"\d+(?:[.,]\d+)*"),
]
_PLACEHOLDER_REGEX = {mark: pattern for _, mark, pattern in _PLACEHOLDERS}
_SPACES = re.compile(r"\s+")
_SENTENCE_END = regex.compile(r"[。！？.!?]\s*$")
#: Spellings of one template kept for its regex (another width of the same punctuation).
MAX_VARIANTS = 4


def template(line: str) -> str:
    """A line with its varying parts replaced by placeholders, width and whitespace folded: the counting key."""
    return raw_template(unicodedata.normalize("NFKC", line))


def raw_template(line: str) -> str:
    """A line with its varying parts replaced by placeholders and whitespace folded; width kept as written."""
    text = _SPACES.sub(" ", line).strip()
    for pattern, mark, _ in _PLACEHOLDERS:
        text = pattern.sub(mark, text)
    return text


def template_regex(tmpl: str, *variants: str) -> str:
    """An anchored regex for a template: literal parts escaped as written, placeholders generalised.

    ``variants`` are other spellings of the same template (another character width):
    where they differ from ``tmpl`` position by position, the regex takes a class of
    the characters seen; variants of another length are alternatives.

    >>> print(template_regex(raw_template("更多精彩，尽在XX网"), raw_template("更多精彩,尽在XX网")))
    ^\\s*更多精彩[，,]尽在XX网\\s*$
    """
    others = [v for v in dict.fromkeys(variants) if v != tmpl]
    same_length = [v for v in others if len(v) == len(tmpl)]
    if len(same_length) != len(others):
        bodies = [_template_body(t, []) for t in [tmpl, *others]]
        return rf"^\s*(?:{'|'.join(dict.fromkeys(bodies))})\s*$"
    return rf"^\s*{_template_body(tmpl, same_length)}\s*$"


def _template_body(tmpl: str, variants: list[str]) -> str:
    parts = []
    for i, ch in enumerate(tmpl):
        seen = list(dict.fromkeys([ch, *(v[i] for v in variants)]))
        if ch in _PLACEHOLDER_REGEX:
            parts.append(_PLACEHOLDER_REGEX[ch])
        elif ch == " ":
            between_words = 0 < i < len(tmpl) - 1 and tmpl[i - 1].isalnum() and tmpl[i + 1].isalnum()
            parts.append(r"\s+" if between_words else r"\s*")
        elif len(seen) > 1 and not any(c in _PLACEHOLDER_REGEX or c == " " for c in seen):
            parts.append("[" + "".join(_class_escape(c) for c in seen) + "]")
        else:
            parts.append(regex.escape(ch) if not ch.isalnum() else ch)
    body = "".join(parts)
    return re.sub(r"(?:\\s[*+]){2,}", r"\\s*", body)


def _class_escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


@dataclass
class _Stats:
    docs: int = 0
    head: int = 0  # occurrences in the first 30 % of a document's lines
    tail: int = 0  # occurrences in the last 30 %
    max_from_start: int = 0
    max_from_end: int = 0
    followed: int = 0  # occurrences with 3+ lines after them, in the tail half
    long_body: int = 0  # occurrences in the middle of a document of 20+ lines
    examples: list[str] = field(default_factory=list)
    #: The template as written (before width folding), by occurrences; a few at most.
    variants: dict[str, int] = field(default_factory=dict)
    last_doc: int = -1


@dataclass
class Candidate:
    template: str
    group: str
    kind: str  # "line" | "rest" | "review"
    docs: int
    share: float
    examples: list[str]
    within: dict[str, int | float] | None = None
    keep: str | None = None
    variants: tuple[str, ...] = ()

    @property
    def pattern(self) -> str:
        if not self.variants:
            return template_regex(self.template)
        return template_regex(self.variants[0], *self.variants[1:])


@dataclass
class Miner:
    """Counts templates per group of documents; ``candidates`` proposes rules."""

    min_docs: int = 20
    min_share: float = 0.05
    max_templates: int = 200_000
    sample_size: int = 5_000
    seed: int = 13
    _stats: dict[tuple[str, str], _Stats] = field(default_factory=dict)
    _group_docs: dict[str, int] = field(default_factory=dict)
    _sample: list[str] = field(default_factory=list)
    _seen_lines: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def add(self, text: str, group: str = "", known: frozenset[int] = frozenset()) -> None:
        """Count one document's lines; ``known`` are 1-based line numbers a baseline already removes."""
        doc_no = self._group_docs.get(group, 0)
        self._group_docs[group] = doc_no + 1
        numbered = [(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
        n = len(numbered)
        for index, (number, line) in enumerate(numbered):
            if number in known:
                continue
            self._keep_sample(line)
            key = (group, template(line))
            stats = self._stats.get(key)
            if stats is None:
                stats = self._stats[key] = _Stats()
            _count_variant(stats, line)
            if stats.last_doc == doc_no:
                continue  # documents, not lines
            stats.last_doc = doc_no
            stats.docs += 1
            position = index / max(n - 1, 1)
            stats.head += position <= 0.3
            stats.tail += position >= 0.7
            stats.max_from_start = max(stats.max_from_start, index + 1)
            stats.max_from_end = max(stats.max_from_end, n - index)
            stats.followed += position >= 0.5 and n - index - 1 >= 3
            stats.long_body += n >= 20 and 0.3 < position < 0.7
            if len(stats.examples) < 3 and line not in stats.examples:
                stats.examples.append(line)
        if len(self._stats) > self.max_templates:
            self._prune()

    def _keep_sample(self, line: str) -> None:
        """A reservoir of lines, for the keep example most similar to a rule."""
        self._seen_lines += 1
        if len(self._sample) < self.sample_size:
            self._sample.append(line)
        else:
            slot = self._rng.randrange(self._seen_lines)
            if slot < self.sample_size:
                self._sample[slot] = line

    def _prune(self) -> None:
        for key in [k for k, s in self._stats.items() if s.docs <= 1]:
            del self._stats[key]

    def candidates(self) -> list[Candidate]:
        found = []
        for (group, tmpl), stats in self._stats.items():
            total = self._group_docs[group]
            share = stats.docs / total if total else 0.0
            if stats.docs < self.min_docs or share < self.min_share or len(tmpl) < 2:
                continue
            found.append(self._propose(group, tmpl, stats, share))
        found.sort(key=lambda c: (c.group, c.kind == "review", -c.docs, c.template))
        return found

    def _propose(self, group: str, tmpl: str, stats: _Stats, share: float) -> Candidate:
        examples = list(stats.examples)
        if stats.long_body * 2 > stats.docs:
            return Candidate(tmpl, group, "review", stats.docs, share, examples)
        within: dict[str, int | float] | None = None
        kind = "line"
        if stats.followed * 10 >= stats.docs * 9 and len(tmpl) <= 24 and not _SENTENCE_END.search(tmpl):
            kind, within = "rest", {"last": 0.5}
        elif stats.head * 10 >= stats.docs * 9:
            within = {"first": stats.max_from_start + 2}
        elif stats.tail * 10 >= stats.docs * 9:
            within = {"last": stats.max_from_end + 2}
        variants = tuple(v for v, _ in sorted(stats.variants.items(), key=lambda kv: (-kv[1], kv[0])))
        candidate = Candidate(tmpl, group, kind, stats.docs, share, examples, within, variants=variants)
        candidate.keep = self._most_similar_kept(candidate)
        return candidate

    def _most_similar_kept(self, candidate: Candidate) -> str | None:
        pattern = regex.compile(candidate.pattern)
        target = candidate.examples[0]
        best, best_score = None, 0.0
        for line in sorted(set(self._sample)):
            if pattern.search(unicodedata.normalize("NFKC", line)) or pattern.search(line):
                continue
            score = difflib.SequenceMatcher(None, target, line, autojunk=False).quick_ratio()
            if score > best_score:
                best, best_score = line, score
        return best


def _count_variant(stats: _Stats, line: str) -> None:
    written = raw_template(line)
    if written in stats.variants or len(stats.variants) < MAX_VARIANTS:
        stats.variants[written] = stats.variants.get(written, 0) + 1


def known_lines(baseline: Pipeline, text: str, url: str | None = None, path: str | None = None) -> frozenset[int]:
    """1-based numbers of the lines ``baseline`` removes whole from this document, judged in the document."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    known: set[int] = set()
    for r in baseline.clean(text, url=url, path=path).removals:
        span = range(r.first_line, r.last_line + 1)
        if r.first_line != r.last_line or (r.first_line <= len(lines) and r.text.strip() == lines[r.first_line - 1].strip()):
            known.update(span)
    return frozenset(known)


def draft_yaml(candidates: list[Candidate], group: str, totals: int, name: str, prefix: str = "site") -> str:
    """One rule set as YAML text, each rule with a comment: document count, share, example lines."""
    out = [
        f"name: {name}",
        f"description: Draft rules mined by cleaner suggest from {totals} documents{f' of {group}' if group else ''}; review before use.",  # noqa: E501
    ]
    if group.startswith("host:"):
        out.append(f"applies_to: {{url: {_quote('(^|[./])' + regex.escape(group[5:]) + '(/|$)')}}}")
    elif group.startswith("dir:"):
        out.append(f"applies_to: {{path: {_quote(group[4:] + '/**')}}}")
    out.append("rules:")
    used: set[str] = set()
    reviews = []
    for c in candidates:
        if c.kind == "review":
            reviews.append(c)
            continue
        rule_id = _rule_id(c, prefix, used)
        out.append(f"  # {c.docs} documents ({c.share:.0%}); e.g. " + " | ".join(repr(e)[:80] for e in c.examples[:3]))
        out.append(f"  - id: {rule_id}")
        out.append(f"    doc: Repeated in {c.docs} documents ({c.share:.0%}) of the corpus.")
        out.append(f"    remove: {c.kind}")
        out.append(f"    match: {_quote(c.pattern)}")
        if c.within:
            (side, value), = c.within.items()
            out.append(f"    within: {{{side}: {value}}}")
        out.append("    examples:")
        out.append(f"      remove: [{_quote(c.examples[0])}]")
        if c.keep is not None:
            out.append(f"      keep: [{_quote(c.keep)}]")
    if not used:
        out[-1] = "rules: []"
    for c in reviews:
        out.append(f"# review: {c.docs} documents ({c.share:.0%}), mostly mid-body of long documents: {_quote(c.pattern)}")  # noqa: E501
        out.extend(f"#   e.g. {e!r}" for e in c.examples[:3])
    return "\n".join(out) + "\n"


def _quote(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, default_style="'", width=10_000).strip().removesuffix("\n...")


#: Chrome words in several languages -> the English word a rule id uses for them, first match first.
_ROLES = [
    (regex.compile(p, regex.I), word)
    for p, word in (
        (r"©|版权|copyright|all rights reserved|著作権", "copyright"),
        (r"ICP|备案", "icp"),
        (r"免责|disclaimer|声明", "disclaimer"),
        (r"来源|出处|转载|source|via\b", "source"),
        (r"责编|编辑|editor", "editor"),
        (r"作者|记者|posted\s+(on|by)|written\s+by|\bby\b|author", "byline"),
        (r"阅读|浏览|views?\b|评论|comments?\b|点赞|likes?\b|コメント", "counter"),
        (r"关注|follow|フォロー", "follow"),
        (r"分享|share|tweet|シェア", "share"),
        (r"广告|advert|sponsored|広告", "ad"),
        (r"上一篇|下一篇|previous|next|page\s*\S+\s*of|第\s*\S+\s*页", "pager"),
        (r"推荐|相关|related|more stories|更多|関連", "more"),
        (r"订阅|subscribe|newsletter", "subscribe"),
        (r"cookie", "cookie"),
        (r"登录|注册|log\s?in|sign\s?(in|up)|ログイン", "login"),
        (r"updated|更新", "updated"),
        (r"\s[>＞›»/]\s|当前位置|you are here", "breadcrumb"),
    )
]


def _rule_id(candidate: Candidate, prefix: str, used: set[str]) -> str:
    """``<site>-<what the line is>``: chrome words first, else the line's own words, else where it sits."""
    text = unicodedata.normalize("NFKC", candidate.examples[0] if candidate.examples else candidate.template)
    roles = list(dict.fromkeys(word for pattern, word in _ROLES if pattern.search(text)))[:2]
    if not roles:
        roles = re.findall(r"[a-z0-9]+", re.sub(r"[\ue000-\ue003]", " ", template(text)).lower())[:3]
    if not roles:
        roles = ["header" if candidate.within and "first" in candidate.within else "footer" if candidate.within else "repeated", "line"]  # noqa: E501
    base = "-".join([prefix, *roles])[:48].strip("-")
    rule_id, n = base, 2
    while rule_id in used:
        rule_id, n = f"{base}-{n}", n + 1
    used.add(rule_id)
    return rule_id


def group_of(group_by: str | None, relative: str, url: str | None) -> str:
    if group_by == "url-host":
        match = re.match(r"^[a-z][a-z0-9+.-]*://([^/:?#]+)", url or "")
        return f"host:{match.group(1).lower()}" if match else "host:unknown"
    if group_by == "dir":
        parts = Path(relative).parts
        return f"dir:{parts[0]}" if len(parts) > 1 else "dir:."
    return ""


def documents(inputs: list[Path], text_field: str = "text", url_field: str = "url") -> Iterator[tuple[str, str, str | None]]:  # noqa: E501
    """(relative path, text, url) for every readable document of the inputs, in any format ``clean`` reads."""
    from cleaner.formats import documents as read_documents
    from cleaner.formats.jsonl import Fields
    from cleaner.io import discover

    for doc in read_documents(discover(inputs), Fields(text=text_field, url=url_field)):
        if doc.error is None:
            yield doc.source, doc.text, doc.url


def suggest(
    inputs: list[Path],
    min_docs: int = 20,
    min_share: float = 0.05,
    group_by: str | None = None,
    against: Pipeline | None = None,
    text_field: str = "text",
    url_field: str = "url",
) -> dict[str, str]:
    """Group name -> draft YAML text; ``against`` is the baseline whose removals are not proposed again."""
    miner = Miner(min_docs=min_docs, min_share=min_share)
    for relative, text, url in documents(inputs, text_field, url_field):
        known = known_lines(against, text, url, relative) if against is not None else frozenset()
        miner.add(text, group_of(group_by, relative, url), known)
    by_group: dict[str, list[Candidate]] = {}
    for candidate in miner.candidates():
        by_group.setdefault(candidate.group, []).append(candidate)
    drafts = {}
    for group in sorted(miner._group_docs):
        slug = re.sub(r"[^a-z0-9]+", "-", group.split(":", 1)[-1].lower()).strip("-") or "corpus"
        name = f"draft-{slug}" if group else "draft"
        prefix = slug.removeprefix("www-") if group else "site"
        drafts[group] = draft_yaml(by_group.get(group, []), group, miner._group_docs[group], name, prefix)
    return drafts

