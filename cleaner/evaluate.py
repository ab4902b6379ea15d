"""Measure a pipeline on labelled pages: how much article it keeps, how much chrome it removes, and who did it.

A labelled folder holds one directory per document with ``raw.txt`` (as
scraped) and ``gold.txt`` (the raw text minus its chrome lines), and
optionally ``labels.tsv`` (per raw line: number, ``K``/``R``, chrome
category). Both sides are compared after the same light normalisation (NFKC,
one kind of quote, lower case), token by token: each CJK character is a
token, each run of other letters or digits is one. Tokens are aligned by
longest common subsequence, so order matters and leftover duplicated chrome
is not forgiven.

- content kept   = matched tokens / gold tokens
- chrome removed = 1 - leftover tokens / chrome tokens (chrome = raw - gold)
- precision      = matched tokens / predicted tokens

These are the definitions of ``shared/tools/score.py``; figures agree with it.

Per rule, every removed line is attributed to content or chrome: by its
``labels.tsv`` label (removals of every round point into the input), else by
whether the gold holds more copies of the line than the output and the
removals before it kept (the same multiset test as the lost lines).

This module only computes; ``cleaner eval`` prints.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cleaner.errors import CleanerError, RuleTimeoutError
from cleaner.io import read_text
from cleaner.model import CleanResult
from cleaner.pipeline import Pipeline

# stdlib ``re``, as in score.py: its \w differs from the ``regex`` module's on combining marks
# (Indic vowel signs and viramas, in language menus of en and ko pages), so counts would disagree
_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"  # one CJK character
    r"|[^\W_]+"  # a run of other letters or digits
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})

#: Where ``cleaner eval`` looks for the dev set's split by default, relative to the project root.
SPLIT_FILE = Path("eval") / "devset-split.tsv"
HALVES = ("tune", "check")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).translate(_QUOTES).lower())


def _matched(predicted: list[str], gold: list[str]) -> int:
    matcher = difflib.SequenceMatcher(None, predicted, gold, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


# -- per rule ---------------------------------------------------------------------------------


@dataclass
class RuleStats:
    """What one rule removed: on one page, or summed over a set of pages.

    ``lines`` counts the non-blank lines it removed or cut a span from; a line is content
    when the gold keeps it (a ``K`` line). ``pages`` is the pages it removed anything on,
    ``content_pages`` those where it took content.
    """

    rule: str
    pages: int = 0
    lines: int = 0
    chrome_tokens: int = 0
    content_lines: int = 0
    content_tokens: int = 0
    content_pages: int = 0

    def add(self, other: RuleStats) -> None:
        self.pages += other.pages
        self.lines += other.lines
        self.chrome_tokens += other.chrome_tokens
        self.content_lines += other.content_lines
        self.content_tokens += other.content_tokens
        self.content_pages += other.content_pages

    @property
    def sort_key(self) -> tuple[int, int, int, int, str]:
        """Rules that took content first (most content tokens first), then by chrome removed."""
        return (-self.content_tokens, -self.content_lines, -self.content_pages, -self.chrome_tokens, self.rule)


def _line_key(line: str) -> tuple[str, ...]:
    return tuple(tokens(line))


class _Attributor:
    """Decides, removed line by removed line, whether it was content, and sums per rule."""

    def __init__(self, raw_lines: list[str], labels: list[str] | None, gold: str, output: str) -> None:
        if labels is not None and len(labels) != len(raw_lines):
            labels = None  # labelled against another version of the page: trust only the gold
        self.labels = labels
        if labels is not None:
            kept = (line for line, label in zip(raw_lines, labels) if label == "K")
        else:
            kept = iter(gold.split("\n"))
        # content lines the output does not hold: each removal of a copy uses one up
        self.missing = Counter(key for key in map(_line_key, kept) if key)
        self.missing.subtract(key for key in map(_line_key, output.split("\n")) if key)
        self.stats: dict[str, RuleStats] = {}

    def _stats(self, rule_id: str) -> RuleStats:
        if rule_id not in self.stats:
            self.stats[rule_id] = RuleStats(rule_id, pages=1)
        return self.stats[rule_id]

    def _label(self, origin: int | None) -> str | None:
        """``K`` or ``R`` for a raw line, None when unknown."""
        if self.labels is None or origin is None:
            return None
        label = self.labels[origin]
        return label if label in ("K", "R") else None

    def _is_content(self, line: str, origin: int | None) -> bool:
        key = _line_key(line)
        label = self._label(origin)
        content = label == "K" if label is not None else self.missing[key] > 0
        if content and key and self.missing[key] > 0:
            self.missing[key] -= 1
        return content

    def line(self, rule_id: str, line: str, origin: int | None) -> None:
        """A whole line removed; ``origin`` is its raw line index when known."""
        if not line.strip():
            return
        stats = self._stats(rule_id)
        stats.lines += 1
        count = len(tokens(line))
        if self._is_content(line, origin):
            stats.content_lines += 1
            stats.content_tokens += count
            stats.content_pages = 1
        else:
            stats.chrome_tokens += count

    def span(self, rule_id: str, cut: str, line: str, origin: int | None) -> None:
        """Part of a line cut; its tokens are content when the whole line is."""
        stats = self._stats(rule_id)
        stats.lines += 1
        count = len(tokens(cut))
        label = self._label(origin)
        content = label == "K" if label is not None else self.missing[_line_key(line)] > 0
        if content and count:
            stats.content_lines += 1
            stats.content_tokens += count
            stats.content_pages = 1
        else:
            stats.chrome_tokens += count


def _split_lines(text: str) -> list[str]:
    """Lines as the engine numbers them: a final newline ends the last line."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def _raw_lines(raw: str) -> list[str]:
    """A page's raw lines as its removals number them: the engine reads every line ending as "\\n"."""
    return _split_lines(raw.replace("\r\n", "\n").replace("\r", "\n"))


def attribute(raw: str, result: CleanResult, gold: str, labels: list[str] | None = None) -> dict[str, RuleStats]:
    """Per rule, the lines and tokens of content and chrome it removed from one page.

    Every removal, of any round, points into the input (its line numbers and offsets), so each
    maps to its raw lines and their labels directly; a removal whose text is not where it says
    (which would be a bug) falls back to the multiset test on the line's text.
    """
    raw_lines = _raw_lines(raw)
    judge = _Attributor(raw_lines, labels, gold, result.text)
    for r in result.removals:
        first, last = r.first_line - 1, r.last_line - 1
        pieces = r.text.split("\n")
        if 0 <= first <= last < len(raw_lines) and pieces == raw_lines[first : last + 1]:
            for origin in range(first, last + 1):
                judge.line(r.rule_id, raw_lines[origin], origin)
        elif 0 <= first == last < len(raw_lines) and r.text in raw_lines[first]:
            judge.span(r.rule_id, r.text, raw_lines[first], first)
        else:
            for line in pieces:
                judge.line(r.rule_id, line, None)
    return judge.stats


# -- per document -----------------------------------------------------------------------------


@dataclass
class DocScore:
    """Token counts for one document, which rules removed gold lines, and what each rule removed."""

    name: str
    raw: int
    gold: int
    predicted: int
    matched: int
    lost_lines: list[tuple[str, str]] = field(default_factory=list)  # (rule id, line)
    rules: dict[str, RuleStats] = field(default_factory=dict)
    #: Chrome tokens the output still holds, by the chrome category of their raw line (labels.tsv's
    #: third column): what the rules leave, for rule writers to aim at. Empty without categories.
    left: dict[str, int] = field(default_factory=dict)

    @property
    def group(self) -> str:
        """The prefix before the first '-': the language, in the dev set."""
        return self.name.split("-")[0]

    @property
    def chrome(self) -> int:
        return max(self.raw - self.gold, 0)

    @property
    def leftover(self) -> int:
        return max(self.predicted - self.matched, 0)

    @property
    def kept(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def removed(self) -> float:
        return 1 - self.leftover / self.chrome if self.chrome else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def loses_content(self) -> bool:
        return self.matched < self.gold

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "raw": self.raw,
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "chrome": self.chrome,
            "leftover": self.leftover,
            "content_kept": self.kept,
            "chrome_removed": self.removed,
            "precision": self.precision,
            "lost_lines": [{"rule": rule, "line": line} for rule, line in self.lost_lines],
            "rules": {rule: asdict(stats) for rule, stats in sorted(self.rules.items())},
            "left_by_category": dict(sorted(self.left.items())),
        }


def _label_column(path: Path, column: int, missing: str, normalise: Callable[[str], str]) -> list[str] | None:
    """One column of a labels.tsv (line number, label, category) as a list by raw line; None if absent.

    Lines the file skips, or rows without the column, get ``missing``.
    """
    if not path.is_file():
        return None
    cells_by_line: dict[int, str] = {}
    for row in read_text(path).splitlines():
        cells = row.split("\t")
        if len(cells) >= 2 and cells[0].strip().isdigit():
            cells_by_line[int(cells[0])] = normalise(cells[column].strip()) if len(cells) > column else missing
    if not cells_by_line:
        return None
    return [cells_by_line.get(i, missing) for i in range(1, max(cells_by_line) + 1)]


def read_labels(path: Path) -> list[str] | None:
    """``K``/``R`` per raw line from a labels.tsv (``?`` where it says nothing); None if absent."""
    return _label_column(path, 1, "?", str.upper)


def read_categories(path: Path) -> list[str] | None:
    """The chrome category per raw line from a labels.tsv (its third column, '' when absent); None if no file."""
    return _label_column(path, 2, "", str)


def _removed_lines(raw_lines: list[str], result: CleanResult) -> set[int]:
    """Raw line indexes a removal took whole (a cut span leaves its line)."""
    removed: set[int] = set()
    for r in result.removals:
        first, last = r.first_line - 1, r.last_line - 1
        if 0 <= first <= last < len(raw_lines) and r.text.split("\n") == raw_lines[first : last + 1]:
            removed.update(range(first, last + 1))
    return removed


def left_by_category(
    raw: str, result: CleanResult, labels: list[str], categories: list[str]
) -> dict[str, int]:
    """Tokens of the chrome lines (label ``R``) no removal took, summed by their category."""
    raw_lines = _raw_lines(raw)
    if len(labels) != len(raw_lines) or len(categories) != len(raw_lines):
        return {}  # labelled against another version of the page
    removed = _removed_lines(raw_lines, result)
    left: Counter[str] = Counter()
    for i, (line, label, category) in enumerate(zip(raw_lines, labels, categories)):
        if label == "R" and i not in removed:
            count = len(tokens(line))
            if count:
                left[category or "?"] += count
    return dict(left)


def score_document(
    name: str,
    raw: str,
    gold: str,
    pipeline: Pipeline,
    labels: list[str] | None = None,
    categories: list[str] | None = None,
) -> DocScore:
    try:
        result = pipeline.clean(raw)
    except RuleTimeoutError as exc:
        raise exc.for_document(name) from None
    gold_t = tokens(gold)
    predicted_t = tokens(result.text)
    score = DocScore(name, len(tokens(raw)), len(gold_t), len(predicted_t), _matched(predicted_t, gold_t))
    if score.matched < score.gold:
        # a removed line is lost when the gold has more copies of it than the output kept
        missing = Counter(line.strip() for line in gold.splitlines() if line.strip())
        missing.subtract(line.strip() for line in result.text.splitlines() if line.strip())
        for removal in result.removals:
            for line in removal.text.splitlines():
                if missing[line.strip()] > 0:
                    missing[line.strip()] -= 1
                    score.lost_lines.append((removal.rule_id, line.strip()))
    score.rules = attribute(raw, result, gold, labels)
    if labels is not None and categories is not None:
        score.left = left_by_category(raw, result, labels, categories)
    return score


def labelled_documents(root: Path) -> list[Path]:
    """Folders under ``root`` that hold both raw.txt and gold.txt, sorted."""
    return sorted(p for p in root.iterdir() if (p / "raw.txt").is_file() and (p / "gold.txt").is_file())


class _WorkerError(CleanerError):
    """A CleanerError raised in a worker process, carried back as message and exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message, exit_code)
        self.exit_code = exit_code

    def __str__(self) -> str:
        return str(self.args[0])


def _score_folder(doc: Path, pipeline: Pipeline) -> DocScore:
    labels = doc / "labels.tsv"
    return score_document(
        doc.name, read_text(doc / "raw.txt"), read_text(doc / "gold.txt"), pipeline,
        read_labels(labels), read_categories(labels),
    )  # fmt: skip


_WORKER_PIPELINE: Pipeline | None = None


def _start_worker(pipeline: Pipeline) -> None:
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = pipeline


def _score_in_worker(doc: Path) -> DocScore:
    assert _WORKER_PIPELINE is not None
    try:
        return _score_folder(doc, _WORKER_PIPELINE)
    except CleanerError as exc:
        raise _WorkerError(str(exc), exc.exit_code) from None


#: With ``jobs=None``, fewer pages than this are scored in this process: a pool costs more than it saves.
POOL_MIN_PAGES = 16


def evaluate(
    root: Path, pipeline: Pipeline, jobs: int | None = 1, names: Iterable[str] | None = None
) -> list[DocScore]:
    """Score every labelled document under ``root`` (only ``names``, when given), in name order.

    ``jobs`` > 1 scores pages in that many processes; the result is the same, in the same order.
    ``None``: one process per usable core, when there are at least ``POOL_MIN_PAGES`` pages.
    """
    docs = labelled_documents(root)
    if names is not None:
        wanted = set(names)
        docs = [doc for doc in docs if doc.name in wanted]
    if jobs is None:
        jobs = default_jobs() if len(docs) >= POOL_MIN_PAGES else 1
    jobs = min(jobs, len(docs))
    if jobs <= 1:
        return [_score_folder(doc, pipeline) for doc in docs]
    # largest pages first so that one long page does not finish last; results go back in name order
    order = sorted(range(len(docs)), key=lambda i: -(docs[i] / "raw.txt").stat().st_size)
    scores: list[DocScore | None] = [None] * len(docs)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(pipeline,)) as pool:
        for i, score in zip(order, pool.map(_score_in_worker, [docs[i] for i in order])):
            scores[i] = score
    return [s for s in scores if s is not None]


def default_jobs() -> int:
    """Processes to score with when not told: the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


# -- groups and halves ------------------------------------------------------------------------


@dataclass
class Summary:
    documents: int
    content_kept: float
    chrome_removed: float
    docs_losing_content: int
    worst_kept: float
    precision: float = 1.0


def summarise(scores: Iterable[DocScore]) -> Summary:
    """Micro-averaged figures over documents."""
    scores = list(scores)
    total: Counter[str] = Counter()
    for s in scores:
        total.update(gold=s.gold, matched=s.matched, chrome=s.chrome, leftover=s.leftover, predicted=s.predicted)
    return Summary(
        documents=len(scores),
        content_kept=total["matched"] / total["gold"] if total["gold"] else 1.0,
        chrome_removed=1 - total["leftover"] / total["chrome"] if total["chrome"] else 1.0,
        docs_losing_content=sum(1 for s in scores if s.loses_content),
        worst_kept=min((s.kept for s in scores), default=1.0),
        precision=total["matched"] / total["predicted"] if total["predicted"] else 1.0,
    )


def read_split(path: Path) -> dict[str, str]:
    """Document name -> half (``tune``/``check``) from a split TSV (doc, half, ...; '#' comments, a header)."""
    split: dict[str, str] = {}
    for row in read_text(path).splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        cells = row.split("\t")
        if len(cells) < 2 or cells[0] == "doc":
            continue
        half = cells[1].strip()
        if half not in HALVES:
            raise CleanerError(f"{path}: {cells[0]}: half must be one of {', '.join(HALVES)}, not {half!r}")
        split[cells[0].strip()] = half
    return split


def default_split(start: Path | None = None) -> Path | None:
    """``eval/devset-split.tsv`` of the project holding ``start`` (the current directory), if it exists.

    The project is the nearest directory up from ``start`` with a ``pyproject.toml``.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            candidate = folder / SPLIT_FILE
            return candidate if candidate.is_file() else None
    return None


def groups(
    scores: Sequence[DocScore],
    split: dict[str, str] | None = None,
    by_language: bool = True,
    apart: str = "zh",
) -> dict[str, list[DocScore]]:
    """The sets figures are given for, in report order.

    ``all``; with ``by_language``, each language (name prefix) and every language but
    ``apart`` as ``not-<apart>``; with a split, each half (``tune``, ``check``) and, with
    ``by_language``, ``<half>-<apart>`` and ``<half>-not-<apart>``. Empty sets are left out.
    """
    out: dict[str, list[DocScore]] = {"all": list(scores)}
    if by_language:
        for s in scores:
            out.setdefault(s.group, []).append(s)
        if apart in out:
            out[f"not-{apart}"] = [s for s in scores if s.group != apart]
    if split:
        for half in HALVES:
            out[half] = [s for s in scores if split.get(s.name) == half]
        if by_language and apart in out:
            for half in HALVES:
                out[f"{half}-{apart}"] = [s for s in out[half] if s.group == apart]
            for half in HALVES:
                out[f"{half}-not-{apart}"] = [s for s in out[half] if s.group != apart]
    return {name: members for name, members in out.items() if members}


def rule_table(scores: Iterable[DocScore]) -> list[RuleStats]:
    """Per rule, summed over ``scores``; rules that took content first."""
    total: dict[str, RuleStats] = {}
    for s in scores:
        for rule_id, stats in s.rules.items():
            total.setdefault(rule_id, RuleStats(rule_id)).add(stats)
    return sorted(total.values(), key=lambda stats: stats.sort_key)


def category_table(sets: dict[str, list[DocScore]]) -> list[tuple[str, dict[str, tuple[int, float]]]]:
    """Per chrome category, for each set: the tokens left and their share of the set's chrome.

    Most left first (summed over the sets). Empty when no page had categories.
    """
    cells: dict[str, dict[str, tuple[int, float]]] = {}
    for name, members in sets.items():
        chrome = sum(s.chrome for s in members)
        left: Counter[str] = Counter()
        for s in members:
            left.update(s.left)
        for category, count in left.items():
            cells.setdefault(category, {})[name] = (count, count / chrome if chrome else 0.0)
    return sorted(cells.items(), key=lambda item: (-sum(count for count, _ in item[1].values()), item[0]))


def report(
    scores: Sequence[DocScore], sets: dict[str, list[DocScore]], split: dict[str, str] | None = None
) -> dict[str, Any]:
    """Everything, machine-readable: per page, per set of pages, per rule."""
    documents = []
    for s in scores:
        doc = s.to_dict()
        doc["group"] = s.group
        if split:
            doc["half"] = split.get(s.name)
        documents.append(doc)
    return {
        "documents": documents,
        "groups": {name: asdict(summarise(members)) for name, members in sets.items()},
        "rules": [asdict(stats) for stats in rule_table(scores)],
        "left_by_category": {
            category: {name: {"tokens": count, "share": share} for name, (count, share) in by_set.items()}
            for category, by_set in category_table(sets)
        },
    }


# -- probing content out of its page ----------------------------------------------------------

#: The paragraphs a probed line is put between: plain prose that no rule takes, in the line's script.
PROBE_PARAGRAPHS = {
    "zh": "白俄罗斯既不想与俄罗斯过于紧密地捆绑在一起，也不想与西方彻底决裂，需要在二者之间寻找平衡点。",
    "other": "The council will meet again next month to decide how the new lanes will be paid for, officials said.",
}
#: So many paragraphs above and below the probed line: it sits well inside an article.
PROBE_DEPTH = 3
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass
class ProbeHit:
    """A content line some rule took when put between paragraphs of prose."""

    rule: str
    page: str
    line: str


def probe_content(root: Path, pipeline: Pipeline, names: Iterable[str] | None = None) -> tuple[int, list[ProbeHit]]:
    """Put each content line (label ``K``) of each page between paragraphs of prose; who takes it there?

    The dev set shows what the rules take from its pages as they are; an article elsewhere puts
    the same kind of line in other company. Between paragraphs, nothing in the page protects the
    line but the line itself, so a rule that takes it judges by its words alone. Returns the
    number of lines probed and the hits, page by page.
    """
    wanted = set(names) if names is not None else None
    probed, hits = 0, []
    for doc in labelled_documents(root):
        if wanted is not None and doc.name not in wanted:
            continue
        labels = read_labels(doc / "labels.tsv")
        raw_lines = _raw_lines(read_text(doc / "raw.txt"))
        if labels is None or len(labels) != len(raw_lines):
            continue
        for line, label in zip(raw_lines, labels):
            if label != "K" or not line.strip():
                continue
            probed += 1
            paragraph = PROBE_PARAGRAPHS["zh" if _HAN.search(line) else "other"]
            text = "\n".join([paragraph] * PROBE_DEPTH + [line] + [paragraph] * PROBE_DEPTH) + "\n"
            at = PROBE_DEPTH + 1  # the probed line's number, counting from 1
            taker = next((r.rule_id for r in pipeline.clean(text).removals if r.first_line <= at <= r.last_line), None)
            if taker is not None:
                hits.append(ProbeHit(taker, doc.name, line.strip()))
    return probed, hits
