"""The removal kinds (``remove: NAME``): one module each, and the registry everything else reads.

A kind's module holds all of its meaning: what it removes and why, its own YAML keys and
their validation, its rank among kinds, whether it yields to the article's body, its
matcher, and how its examples are judged. The loader, ``engine.strip``, ``cleaner test``,
``cleaner lint`` and the docs test look kinds up here instead of naming them one by one,
so adding a kind is adding a module (listed in ``_MODULES``) and its tests.

Kinds import the shared line machinery from ``cleaner.engine``; the engine (in ``strip``) and
the model (in ``Rule.line_local``) import this registry inside the function, so there is no
import cycle.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import regex
    import yaml

    from cleaner.engine import _Lines
    from cleaner.model import Rule

#: A rule's keys as the loader found them: key -> (key node, value node).
Fields = dict[str, tuple["yaml.Node", "yaml.Node"]]
#: The common keys' values as the loader read them (``Rule`` field names, and ``ignore_case``).
Common = dict[str, Any]
#: Inclusive (first, last) line ranges a rule takes.
RangeMatcher = Callable[["Rule", "_Lines", float], Iterable[tuple[int, int]]]
#: (line, start, end) character spans a rule cuts out of lines.
SpanMatcher = Callable[["Rule", "_Lines", float], list[tuple[int, int, int]]]


class Checker(Protocol):
    """What a kind's validation may call: the loader's helpers, which report ``file:line:col``."""

    def issue(self, node: yaml.Node | None, message: str, rule_id: str | None = None, **kw: Any) -> None: ...
    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...], rule_id: str | None = None) -> Fields: ...
    def string(self, node: yaml.Node, what: str, rule_id: str | None = None, allow_empty: bool = False) -> str | None: ...  # noqa: E501
    def integer(self, node: yaml.Node, what: str, rule_id: str | None, minimum: int = 0) -> int | None: ...
    def boolean(self, node: yaml.Node, what: str, rule_id: str | None) -> bool | None: ...
    def compile(self, node: yaml.Node, source: str, rule_id: str | None, ignore_case: bool = False) -> regex.Pattern[str] | None: ...  # noqa: E501


@dataclass(frozen=True)
class Kind:
    """One removal kind, as its module defines it."""

    name: str
    #: What it removes, in one line ("each matching line"); the module docstring says why.
    doc: str
    #: Which rule owns a line several rules remove: the lowest rank (the most specific kind), then the rule id.
    rank: int
    #: The matcher: a rule's line ranges in a text. A kind has this or ``spans``.
    ranges: RangeMatcher | None = None
    #: The matcher of a kind that cuts text out of lines instead of taking whole lines.
    spans: SpanMatcher | None = None
    #: True for kinds that judge a line by its shape or place, not its words: they never take a
    #: line inside the article's body (``_Lines.in_body``). Phrase kinds may: a disclaimer
    #: between two paragraphs is chrome whatever surrounds it.
    shape: bool = False
    #: True for kinds that run the rule's ``match``/``unless`` on a line's stripped text: the
    #: multi-pattern scan (``cleaner.scan``) then looks for those patterns on stripped lines too.
    matches_stripped: bool = False
    #: True when the rule's lines are the ones its ``match``/``contains`` (or ``echo``, ``next``)
    #: fire on: it needs one of them, and its verdict on a line depends on that line alone.
    #: False for kinds that find lines by their shape or place (``next`` does not apply).
    by_pattern: bool = True
    #: The rule keys only this kind takes; the loader refuses them on other kinds.
    keys: tuple[str, ...] = ()
    #: Validates the kind's own keys: called with the loader, the rule's node, its fields, the
    #: common values read so far (``Common``) and the rule's id; returns ``Rule`` field values.
    #: Problems go through ``Checker.issue``.
    parse: Callable[[Checker, yaml.Node, Fields, Common, str | None], dict[str, Any]] | None = None
    #: Extra checks on the common keys, called right after they are read: a key the kind refuses.
    check: Callable[[Checker, Fields, Common, str | None], None] | None = None
    #: The rule's own patterns among its keys, labelled by key, for ``cleaner lint``.
    patterns: Callable[[Rule], Iterable[tuple[str, regex.Pattern[str]]]] | None = None
    #: Which lines of a ``remove`` example must go: (rule, the example's lines, the 1-based numbers of
    #: its non-empty lines) -> line numbers. None: the default (``cleaner.testing``).
    judged: Callable[[Rule, list[str], list[int]], list[int]] | None = None
    #: True for a shape kind whose optional ``match`` picks the lines it may take (a run's items, a
    #: feed's markers): without a candidate line for it, the rule takes nothing. With the
    #: multi-pattern scan, a rule one of whose needed patterns (``needed_patterns``) has no candidate
    #: line in a document is not run on it at all (``cleaner.scan.Scanner.live``).
    needs_match: bool = False

    def __post_init__(self) -> None:
        if (self.ranges is None) == (self.spans is None):
            raise ValueError(f"kind {self.name!r} needs exactly one matcher: ranges or spans")


#: Kind name -> kind, in the order messages and docs list them.
KINDS: dict[str, Kind] = {}
#: The modules that define the shipped kinds, in that order.
_MODULES = ("line", "span", "rest", "head", "block", "run", "tail", "masthead", "feed")


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (each kind's module calls this once); returns it."""
    if kind.name in KINDS and KINDS[kind.name] is not kind:
        raise ValueError(f"removal kind {kind.name!r} is already registered")
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests that register a toy kind clean up with this)."""
    del KINDS[name]


def needed_patterns(rule: Rule) -> list[tuple[regex.Pattern[str], bool]]:
    """The patterns ``rule`` needs a candidate line of to take anything, as (pattern, on stripped
    lines): ``match`` for a kind that ``needs_match`` (on the lines it judges), ``match`` and ``next``
    for a ``by_pattern`` kind, nothing for the others (they always run)."""
    kind = KINDS[rule.kind]
    if kind.needs_match:
        return [(rule.pattern, kind.matches_stripped)] if rule.pattern is not None else []
    if kind.by_pattern:  # its lines are those ``match`` fires on, and ``next`` must fire below each
        return [(pattern, False) for pattern in (rule.pattern, rule.next) if pattern is not None]
    return []


def owner_of(key: str) -> Kind | None:
    """The kind whose own key ``key`` is, if any."""
    return next((kind for kind in KINDS.values() if key in kind.keys), None)


for _module in _MODULES:
    importlib.import_module(f"{__name__}.{_module}")
