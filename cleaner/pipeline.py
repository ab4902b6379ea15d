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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftfy import TextFixerConfig

from cleaner.engine import DEFAULT_TIMEOUT, document_budget, strip, tidy_lines
from cleaner.errors import RuleError, RuleIssue, RuleTimeoutError
from cleaner.loader import load_builtin, load_rules
from cleaner.model import CleanResult, Removal, Rule, RuleSet
from cleaner.normalize import Normalizer

#: More rounds than this means something oscillates; stop and return the last text.
MAX_ROUNDS = 8

_KEEP = object()


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
        normalize: TextFixerConfig | None | object = _KEEP,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.rule_sets: tuple[RuleSet, ...] = tuple(rule_sets)
        if normalize is _KEEP:
            normalize = self.rule_sets[0].normalize if self.rule_sets else Normalizer().config
        self.normalizer = Normalizer(normalize)  # type: ignore[arg-type]
        self.timeout = timeout
        self._plans: dict[tuple[int, ...], _Plan] = {}
        self._plan(tuple(range(len(self.rule_sets))))  # fail now, not mid-corpus, on clashing rule ids

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def default(cls) -> Pipeline:
        """The shipped ``default`` rule set: what ``cleaner clean`` runs without ``-r``."""
        return cls([load_builtin("default")])

    @classmethod
    def from_rules(cls, *names_or_paths: str | Path, **kwargs: Any) -> Pipeline:
        """Built-in set names (``zh-news``) and/or YAML paths, in order."""
        if not names_or_paths:
            return cls.default() if not kwargs else cls([load_builtin("default")], **kwargs)
        return cls([load_rules(item) for item in names_or_paths], **kwargs)

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
        budget = document_budget(self.timeout, text, len(rules))  # one regex budget for the whole document
        for round_no in range(1, MAX_ROUNDS + 1):
            stripped = strip(current, rules, budget, round_no)
            fixed = self.normalizer(stripped.text)
            normalized = normalized or fixed != stripped.text
            removals.extend(stripped.removals)
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
        names = tuple(self.rule_sets[i].name for i in chosen)
        total = _visible_len(text)
        fraction = sum(_visible_len(r.text) for r in removals) / total if total else 0.0
        if cap is not None and fraction > cap:
            tidy = tidy_lines(text.split("\n"))
            kept = self.normalizer(tidy)
            return CleanResult(kept, (), True, fraction, kept != tidy, names)
        return CleanResult(current, tuple(removals), False, fraction, normalized, names)

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


def _visible_len(text: str) -> int:
    """Characters that are not whitespace: what "share of a document" is measured in."""
    return len("".join(text.split()))


def _glob_match(path: str, pattern: str) -> bool:
    path = path.replace("\\", "/")
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase("/" + path, pattern)
