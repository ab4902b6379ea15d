"""The immutable data cleaner passes around.

Rules and rule sets are frozen and hold only tuples, compiled patterns and
NamedTuples, so a loaded rule set can be shared between threads, pickled to
worker processes and shipped to Ray workers without being rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import regex
from ftfy import TextFixerConfig


def __getattr__(name: str) -> object:
    """``REMOVAL_KINDS`` (kind -> what it drops), as this module used to define it; kinds live in ``cleaner.kinds``."""
    if name == "REMOVAL_KINDS":
        from cleaner.kinds import KINDS  # not at the top: the kinds import this module

        return {kind.name: kind.doc for kind in KINDS.values()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class Removal:
    """One stretch of text a rule removed.

    ``first_line``/``last_line`` are 1-based and inclusive; ``start``/``end`` are
    character offsets. Both refer to the text the removal was made in: the
    input for round 1, the output of round ``round - 1`` for later rounds
    (a later round only happens when removing chrome exposed more chrome).
    """

    rule_id: str
    first_line: int
    last_line: int
    start: int
    end: int
    text: str
    round: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "first_line": self.first_line,
            "last_line": self.last_line,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "round": self.round,
        }


@dataclass(frozen=True, slots=True)
class CleanResult:
    """What cleaning one document gives: the text and why it changed."""

    text: str
    removals: tuple[Removal, ...] = ()
    #: True when the over-removal guard (``max_removed``) kept the document as it was.
    flagged: bool = False
    #: Share of the input's non-whitespace characters the rules wanted removed (0..1), even when flagged.
    removed_fraction: float = 0.0
    #: True when the normaliser (ftfy) changed the text.
    normalized: bool = False
    #: Names of the rule sets that applied to this document.
    rule_sets: tuple[str, ...] = ()

    @property
    def removed_chars(self) -> int:
        return sum(len(r.text) for r in self.removals)


@dataclass(frozen=True, slots=True)
class Within:
    """A zone guard: only the first or last N non-empty lines (or a fraction of them)."""

    side: Literal["first", "last"]
    count: int | None = None
    fraction: float | None = None

    def size(self, non_empty_lines: int) -> int:
        if self.count is not None:
            return self.count
        assert self.fraction is not None
        return max(1, round(self.fraction * non_empty_lines))


@dataclass(frozen=True, slots=True)
class RunShape:
    """The shape of a line that can be part of a menu or link-list run."""

    min_lines: int = 4
    max_chars: int = 12
    #: Display width limit, a CJK (wide) character counting two: one limit for menus in any script.
    max_width: int | None = None
    #: When False, a line with sentence punctuation breaks the run.
    punctuated: bool = False
    #: A run may carry up to this many consecutive lines that do not fit (a longer menu item), when
    #: they are unpunctuated, at most twice the width limit, and the run goes on after them.
    max_gap: int = 0
    #: Every line of the run appears again further down, by itself and spread out: a table of
    #: contents over the headings it lists (a block repeated whole, like a chorus, is not one).
    repeated_below: bool = False
    #: The run starts below the article's main stretch of prose (``_Lines.main_body``): other
    #: stories' headlines follow the article; unpunctuated lines above or inside it may be verse.
    below_body: bool = False
    #: A run whose lines share on average more than this of their words with the article's main
    #: stretch (``_Lines.body_overlap``) is the article's own list, not other stories' headlines.
    max_overlap: float | None = None


@dataclass(frozen=True, slots=True)
class TailShape:
    """Where the article ends and what may follow it: the last prose line, then chrome-sized lines."""

    #: A prose line is at least this wide (columns, CJK counting two) and ends like a sentence.
    prose_width: int = 60
    #: Lines after it narrower than this, and not ending like a sentence, are removed.
    max_width: int = 60


@dataclass(frozen=True, slots=True)
class Examples:
    """A rule's own unit tests: lines it must remove, lines it must keep, known gaps."""

    remove: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    todo_remove: tuple[str, ...] = ()
    todo_keep: tuple[str, ...] = ()
    #: YAML line of each remove/keep example, for error messages.
    lines: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule. Built only by the loader, which validates every field."""

    id: str
    kind: str
    doc: str = ""
    #: Compiled from ``match:`` or ``contains:``; MULTILINE, applied to one line at a time.
    pattern: regex.Pattern[str] | None = None
    #: The source of ``pattern`` as written, for messages.
    pattern_source: str = ""
    #: Literal strings one of which every match contains (see ``cleaner.prefilter``), and whether
    #: they compare case-insensitively (then they are stored casefolded); empty when none could be derived.
    literals: tuple[str, ...] = ()
    literals_ignore_case: bool = False
    #: A line matching this never fires (and breaks a run): the rule's exceptions.
    unless: regex.Pattern[str] | None = None
    within: Within | None = None
    #: Only below the first line of prose: a heading that starts a comment section is chrome there
    #: and may be a widget button above the article.
    after_prose: bool = False
    #: A post's stamp: the next non-empty line after each line this rule fires on is a post's text,
    #: which the shape kinds never take (a one-line forum reply between its stamp and its buttons).
    protects_next: bool = False
    #: ``rest`` only: a box inside the body ends where the article resumes (two lines of prose in a row).
    resume: bool = False
    #: The next non-empty line must match this: a feed item above its "source ⋅ 55评论" meta
    #: line, an ad above its "×" close button.
    next: regex.Pattern[str] | None = None
    #: Literals one of which every ``next`` match contains, like ``literals`` for ``match``.
    next_literals: tuple[str, ...] = ()
    next_literals_ignore_case: bool = False
    max_chars: int | None = None
    min_chars: int | None = None
    #: ``title``: the line repeats the headline plus at most ``max_extra`` characters;
    #: ``below``: the line appears again further down (the last copy is the one that stays).
    echo: str | None = None
    max_extra: int = 24
    #: For ``block``: a terminator pattern, or None with ``until_blank``/``lines``.
    until: regex.Pattern[str] | None = None
    until_blank: bool = False
    lines: int | None = None
    run: RunShape | None = None
    tail: TailShape | None = None
    #: Settings of a kind that has no field of its own above, as (key, value) pairs (see ``cleaner.kinds``).
    options: tuple[tuple[str, Any], ...] = ()
    examples: Examples = field(default_factory=Examples)
    #: Where the rule was written: file path and YAML line.
    source: str = ""
    line: int = 0
    rule_set: str = ""

    def option(self, key: str, default: Any = None) -> Any:
        """One of ``options``: a kind's own setting."""
        return next((value for name, value in self.options if name == key), default)

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def line_local(self) -> bool:
        """Whether the rule's verdict on a line depends on that line alone (not on zones or neighbours).

        Such a rule cannot fire again once the lines it fired on are gone, so a confirming
        round can skip it unless some line's content changed.
        """
        from cleaner.kinds import KINDS  # not at the top: the kinds import this module

        neighbour_free = (
            self.within is None and not self.after_prose and self.next is None and self.echo is None and not self.resume
        )
        return neighbour_free and KINDS[self.kind].by_pattern


@dataclass(frozen=True, slots=True)
class AppliesTo:
    """Which documents a rule set is for; a document must match every given condition."""

    url: regex.Pattern[str] | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class SetTest:
    """A rule-set-level test case: an input and its exact expected output."""

    name: str
    input: str
    expect: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A validated, compiled rule set, with the rules of everything it extends."""

    name: str
    description: str = ""
    rules: tuple[Rule, ...] = ()
    #: ftfy options; None turns the normaliser off.
    normalize: TextFixerConfig | None = None
    #: Over-removal guard: a document losing more than this share is left as it was and flagged.
    max_removed: float | None = None
    applies_to: AppliesTo | None = None
    tests: tuple[SetTest, ...] = ()
    extends: tuple[str, ...] = ()
    path: str = ""

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


@dataclass(slots=True)
class Document:
    """One document to clean: an id for reports, its text, and everything else it came with."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
