"""``Pipeline``: rule sets plus the normaliser; what users import.

``clean`` repeats (rule pass, then ftfy) until the text stops changing, so
``clean(clean(x)) == clean(x)`` holds by construction: removing chrome can
bring more chrome into a rule's zone (``within: {first: 8}``) or join two
short menu runs into one long one, and ftfy can repair text a rule then
recognises. A text the first round leaves untouched is done after one round;
a text with chrome needs a second, confirming round.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from ftfy import TextFixerConfig

from cleaner import scan
from cleaner.engine import DEFAULT_TIMEOUT, document_budget, strip_round, tidy_lines
from cleaner.errors import RuleError, RuleIssue, RuleTimeoutError
from cleaner.loader import load_builtin, load_rules
from cleaner.model import CleanResult, Removal, Rule, RuleSet
from cleaner.normalize import Normalizer

#: More rounds than this means something oscillates; stop and return the last text.
MAX_ROUNDS = 8

#: ``normalize="rules"``: normalise as the first rule set's ``normalize:`` block says.
FROM_RULES: Literal["rules"] = "rules"


class Pipeline:
    """Rule sets + normaliser. Immutable after construction, picklable, safe to share.

    >>> from cleaner import Pipeline
    >>> pipe = Pipeline.default()
    >>> pipe("标题\\n\\n\\n点个“关注”,每天为您更新\\n正文。")
    '标题\\n\\n正文。\\n'
    """

    def __init__(
        self,
        rule_sets: Sequence[RuleSet],
        normalize: TextFixerConfig | None | Literal["rules"] = FROM_RULES,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Combine ``rule_sets`` (from ``load_rules``) in order.

        normalize: ftfy options for the normalising step; ``None`` skips it; ``"rules"`` (the
            default) takes the first rule set's ``normalize:`` block (cleaner's CJK-safe options).
        timeout: seconds of regex time one document may use across every rule (a runaway pattern
            fails with an error naming its rule instead of hanging a corpus run).
        """
        self.rule_sets: tuple[RuleSet, ...] = tuple(rule_sets)
        config: TextFixerConfig | None
        if normalize == FROM_RULES:
            config = self.rule_sets[0].normalize if self.rule_sets else Normalizer().config
        else:
            config = normalize  # type: ignore[assignment]
        self.normalizer = Normalizer(config)
        self.timeout = timeout
        self._plans: dict[tuple[int, ...], _Plan] = {}
        self._plan(tuple(range(len(self.rule_sets))))  # fail now, not mid-corpus, on clashing rule ids

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def default(cls) -> Pipeline:
        """The shipped ``default`` rule set: what ``cleaner clean`` runs without ``-r``."""
        return cls([load_builtin("default")])

    @classmethod
    def from_rules(
        cls,
        *names_or_paths: str | Path,
        normalize: TextFixerConfig | None | Literal["rules"] = FROM_RULES,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Pipeline:
        """Built-in set names (``zh-news``) and/or YAML paths, in order; none means ``default``.

        ``normalize`` and ``timeout`` are passed to ``Pipeline(...)``.
        """
        rule_sets = [load_rules(item) for item in names_or_paths] or [load_builtin("default")]
        return cls(rule_sets, normalize=normalize, timeout=timeout)

    def __getstate__(self) -> dict[str, Any]:
        return {"rule_sets": self.rule_sets, "normalize": self.normalizer.config, "timeout": self.timeout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["rule_sets"], state["normalize"], state["timeout"])  # type: ignore[misc]

    def __repr__(self) -> str:
        names = ", ".join(rs.name for rs in self.rule_sets)
        return f"Pipeline([{names}], rules={sum(len(rs.rules) for rs in self.rule_sets)})"

    # -- which rules apply -----------------------------------------------------------------

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule of every set, each once."""
        return self._plan(tuple(range(len(self.rule_sets)))).rules

    def prepare(self) -> None:
        """Compile, or load from the disk cache, the multi-pattern scan of every rule (``cleaner.scan``).

        The first document would do it anyway; a command calls this first so that it can say why it
        waits (compiling the shipped rules takes seconds, once per machine).
        """
        scan.for_rules(self.rules)

    def applicable(self, url: str | None = None, path: str | None = None) -> tuple[int, ...]:
        """Indices of the rule sets whose ``applies_to`` admits a document with this url and path."""
        chosen = []
        for index, rule_set in enumerate(self.rule_sets):
            cond = rule_set.applies_to
            if cond is not None:
                if cond.url is not None and (url is None or not _url_ok(cond.url, url, rule_set.name, self.timeout)):
                    continue
                if cond.path is not None and (path is None or not _glob_match(path, cond.path)):
                    continue
            chosen.append(index)
        return tuple(chosen)

    def _plan(self, chosen: tuple[int, ...]) -> _Plan:
        plan = self._plans.get(chosen)
        if plan is None:
            plan = self._plans[chosen] = _Plan.of([self.rule_sets[i] for i in chosen])
        return plan

    # -- cleaning ----------------------------------------------------------------------------

    def clean(self, text: str, *, url: str | None = None, path: str | None = None) -> CleanResult:
        """Strip chrome and normalise; ``url``/``path`` choose which site-targeted sets apply."""
        chosen = self.applicable(url, path)
        plan = self._plan(chosen)
        cap = plan.max_removed
        if "\r" in text:  # one line-ending convention, like Python's universal newlines
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        removals: list[Removal] = []
        normalized = False
        current = text
        rules = plan.rules
        seen: list[str] = []  # the text each round started from, to map later rounds' removals back
        kept_lines: list[tuple[int | None, ...] | None] = []  # per round, where its output lines came from
        budget = document_budget(self.timeout, text, len(rules))  # one regex budget for the whole document
        scanned = None  # the multi-pattern scan of ``current``, when carried over from the round before
        for round_no in range(1, MAX_ROUNDS + 1):
            seen.append(current)
            stripped, source_scan = strip_round(current, rules, budget, round_no, scanned)
            fixed = self.normalizer(stripped.text)
            normalized = normalized or fixed != stripped.text
            removals.extend(stripped.removals)
            kept_lines.append(stripped.origins if fixed == stripped.text else None)  # ftfy may split a line
            if fixed == current or (not stripped.removals and fixed == stripped.text):
                current = fixed
                break
            # what can still fire next round: only zone- and neighbour-dependent rules, unless a
            # line's content changed (a span was cut, or ftfy fixed something)
            content_changed = fixed != stripped.text or any(
                r.first_line == r.last_line and r.text != _line_of(current, r) for r in stripped.removals
            )
            rules = plan.rules if content_changed else plan.sensitive
            current = fixed
            if not rules:
                break
            # the next round's scan comes from this one's, unless the normaliser changed lines
            carry = source_scan is not None and fixed == stripped.text
            scanned = source_scan.carried(stripped.origins) if carry else None  # type: ignore[union-attr]
        names = tuple(self.rule_sets[i].name for i in chosen)
        total = _visible_len(text)
        fraction = sum(_visible_len(r.text) for r in removals) / total if total else 0.0
        if cap is not None and fraction > cap:
            tidy = tidy_lines(text.split("\n"))
            kept = self.normalizer(tidy)
            return CleanResult(kept, (), True, fraction, kept != tidy, names)
        return CleanResult(current, tuple(_onto_input(removals, seen, kept_lines)), False, fraction, normalized, names)

    def __call__(self, text: str) -> str:
        """The clean text alone: ``pipeline(text)``."""
        return self.clean(text).text

    def clean_batch(
        self, batch: dict[str, list[Any]], text_column: str = "text", url_column: str | None = "url"
    ) -> dict[str, list[Any]]:
        """For ``datasets.Dataset.map(pipeline.clean_batch, batched=True)``: replaces the text column.

        A ``url_column`` in the batch chooses the site-targeted sets per row, as ``--url-field`` does.
        """
        urls = batch.get(url_column) if url_column else None
        if urls is None:
            return {**batch, text_column: [self(text) for text in batch[text_column]]}
        texts = [
            self.clean(text, url=url if isinstance(url, str) else None).text
            for text, url in zip(batch[text_column], urls, strict=True)
        ]
        return {**batch, text_column: texts}


@dataclass(frozen=True)
class _Plan:
    """The rules for one combination of applicable sets, and the subset a confirming round needs."""

    rules: tuple[Rule, ...]
    sensitive: tuple[Rule, ...]
    max_removed: float | None

    @classmethod
    def of(cls, rule_sets: Iterable[RuleSet]) -> _Plan:
        """The rules of several sets, each rule once; two different rules may not share an id."""
        merged: dict[str, Rule] = {}
        caps = []
        for rule_set in rule_sets:
            if rule_set.max_removed is not None:
                caps.append(rule_set.max_removed)
            for rule in rule_set.rules:
                seen = merged.setdefault(rule.id, rule)
                if (seen.source, seen.line) != (rule.source, rule.line):
                    issue = RuleIssue(rule.source, rule.line, None, f"duplicate rule id (also at {seen.location})", rule.id)  # noqa: E501
                    raise RuleError(issue)
        rules = tuple(sorted(merged.values(), key=lambda r: r.id))
        return cls(rules, tuple(r for r in rules if not r.line_local), min(caps) if caps else None)


def _onto_input(
    removals: list[Removal], texts: list[str], kept_lines: list[tuple[int | None, ...] | None] | None = None
) -> list[Removal]:
    """Removals of every round with line numbers and offsets of the input (``texts[0]``).

    A round after the first works on the previous round's output, so its removals name
    lines of an intermediate text. Each round's lines are traced to the previous round's:
    by the engine's own record of which lines it kept (``kept_lines``, per round), or, when
    the normaliser changed the text after the round, by aligning them (``difflib`` on whole
    lines: rules only delete lines or cut spans, ftfy edits a line in place); either maps them
    onto input lines. A removal whose lines came
    apart in the input (earlier rounds removed lines between them) becomes one removal
    per contiguous input stretch, each with ``input[start:end] == text``. Only documents
    with later-round removals pay for the alignment.
    """
    if all(r.round == 1 for r in removals):
        return removals
    origins = [list(range(texts[0].count("\n") + 1))]
    for k, (before, after) in enumerate(zip(texts, texts[1:], strict=False)):
        kept = kept_lines[k] if kept_lines is not None and k < len(kept_lines) else None
        if kept is not None:
            origins.append([origins[-1][i] if i is not None else None for i in kept])
        else:
            origins.append(_align(before.split("\n"), after.split("\n"), origins[-1]))
    source = texts[0].split("\n")
    starts = _starts(source)
    mapped: list[Removal] = []
    for r in removals:
        if r.round == 1:
            mapped.append(r)
            continue
        current = texts[r.round - 1].split("\n")
        origin, cur_starts = origins[r.round - 1], _starts(current)
        rows = [(origin[i], i) for i in range(r.first_line - 1, r.last_line) if origin[i] is not None and current[i].strip()]
        for run in _contiguous(rows, source):
            (a, ca), (b, cb) = run[0], run[-1]
            start = starts[a] + max(r.start - cur_starts[ca], 0)
            end = starts[b] + min(r.end - cur_starts[cb], len(source[b]))
            mapped.append(replace(r, first_line=a + 1, last_line=b + 1, start=start, end=end, text=texts[0][start:end]))
    return mapped


def _align(before: list[str], after: list[str], origin: list[int | None]) -> list[int | None]:
    """For each line of ``after``, the input line it came from (via ``before``'s origins), if known."""
    import difflib

    out: list[int | None] = [None] * len(after)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):  # same lines, or edited in place
            out[j1:j2] = origin[i1:i2]
    return out


def _starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return starts


def _contiguous(rows: list[tuple[int, int]], source: list[str]) -> list[list[tuple[int, int]]]:
    """(input line, current line) pairs split where the input has non-blank lines between them."""
    runs: list[list[tuple[int, int]]] = []
    for row in sorted(rows):
        if runs and all(not source[k].strip() for k in range(runs[-1][-1][0] + 1, row[0])):
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def _url_ok(pattern: Any, url: str, set_name: str, timeout: float) -> bool:
    """``applies_to.url`` on one url, with the same budget as a rule's regex (a long url must not hang a run)."""
    try:
        return pattern.search(url, timeout=timeout) is not None
    except TimeoutError:
        raise RuleTimeoutError(f"{set_name}/applies_to.url", timeout) from None


def _line_of(text: str, removal: Removal) -> str:
    """The whole input line a single-line removal was made in (to tell a span cut from a line removal)."""
    start = text.rfind("\n", 0, removal.start) + 1
    end = text.find("\n", removal.end)
    return text[start : end if end != -1 else len(text)]


#: In the share of a document that rules removed, one line weighs at most this many characters: a
#: page whose single 400,000-character spam line is most of its text must still be cleaned, while
#: a runaway rule that eats many lines is still caught.
_LINE_WEIGHT_CAP = 5_000


def _visible_len(text: str) -> int:
    """Characters that are not whitespace, at most ``_LINE_WEIGHT_CAP`` a line.

    This is what "share of a document" is measured in.
    """
    if len(text) <= _LINE_WEIGHT_CAP:  # no line can reach the cap: count the whole text at once
        return len("".join(text.split()))
    return sum(min(len("".join(line.split())), _LINE_WEIGHT_CAP) for line in text.split("\n"))


def _glob_match(path: str, pattern: str) -> bool:
    path = path.replace("\\", "/")
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase("/" + path, pattern)
