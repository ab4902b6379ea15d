"""What a rule's regex lets the engine skip: facts about a pattern, worked out once per process.

``regex``'s per-call timeout costs two CPU-clock system calls, more than most line matches, and
a candidate line confirmed by a search in the whole text may read far past the line. Both guard
against what a pattern's shape can rule out: catastrophic backtracking (``clock_free``) and
context beyond the line (``line_alone_decides``). The engine asks; these answer from the pattern
alone, and give a document's budget back the time the analysis took.
"""

from __future__ import annotations

import time
from typing import Any

import regex

#: A search of at most this many characters with a pattern ``clock_free`` clears runs without
#: ``regex``'s own timeout: see ``clock_free``.
CLOCK_FREE_CHARS = 300
#: A pattern is analysed for ``clock_free`` after this many short searches in the process: the
#: analysis costs about as much as 2,000 timeouts, and most patterns are seldom searched.
CLOCK_FREE_AFTER = 200
#: id(pattern) -> [the pattern (kept alive, so the id stays its own), short searches before the
#: analysis, the verdict (None: not analysed yet)]
_CLOCK_FREE: dict[int, list[Any]] = {}
#: Verdicts kept per process, at most (a process that loads rule sets again and again starts over).
MAX_VERDICTS = 10_000


def clock_free(pattern: regex.Pattern[str], budget: float | None = None) -> bool:
    """Whether a search with ``pattern`` over a short string (``CLOCK_FREE_CHARS``) may go without
    ``regex``'s timeout.

    The timeout reads the process's CPU clock twice per call, a system call each: about 2 µs,
    more than most line matches take, and the engine makes tens of thousands of such calls per
    MB. What the timeout guards against is catastrophic backtracking, and its shapes are known
    (``cleaner.backtracking``): a pattern the analysis can read and finds none in takes at most
    polynomial time in the length searched, so a few hundred characters cannot hang a run. A
    pattern it flags, or cannot read, keeps the timeout on every call; so does every long search,
    and every search before the pattern's ``CLOCK_FREE_AFTER``-th (the analysis is worth it only
    for a pattern searched often). The document's budget is still checked before each call; the
    analysis is not the document's regex time: ``budget``, a ``DocumentBudget``, gets it back.
    """
    entry = _CLOCK_FREE.get(id(pattern))
    if entry is None:
        if len(_CLOCK_FREE) >= MAX_VERDICTS:
            _CLOCK_FREE.clear()
        entry = _CLOCK_FREE[id(pattern)] = [pattern, CLOCK_FREE_AFTER, None]
    if entry[2] is None:
        entry[1] -= 1
        if entry[1] > 0:
            return False
        started = time.monotonic()
        entry[2] = _cleared_of_backtracking(pattern)
        _give_back(budget, started)
    return entry[2]  # type: ignore[no-any-return]


def _cleared_of_backtracking(pattern: regex.Pattern[str]) -> bool:
    """Whether ``cleaner.backtracking`` reads ``pattern`` and finds no catastrophic shape in it."""
    from cleaner.backtracking import catastrophic  # here: only patterns searched often need it

    return _standard_tree(pattern) is not None and catastrophic(pattern.pattern, pattern.flags) is None


def _standard_tree(pattern: regex.Pattern[str]) -> Any:
    """The standard parser's tree of ``pattern``, each ``\\p{…}`` class read as one character that
    matches a newline exactly when the class does; None when the parser cannot read it."""
    from cleaner.sre import parser_and_constants

    parser, _ = parser_and_constants()

    def stand_in(m: regex.Match[str]) -> str:
        try:
            newline = regex.compile(m.group()).match("\n") is not None
        except regex.error:
            newline = True
        return "\\n" if newline else "a"

    try:
        return parser.parse(regex.sub(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]", stand_in, pattern.pattern), pattern.flags & 0xFF)
    except Exception:  # noqa: BLE001 - syntax only the regex module knows
        return None


#: What lets a match's context outside its own text matter: lookarounds (unless ``_lookarounds_in_line``
#: clears them), ``\\G``, ``\\K``, string anchors (``\\A``, ``\\Z``), a conditional (it may test a
#: lookaround), fuzzy matching (its errors may take the newline), a scoped flag turning something off
#: (``(?-m:^)``).
_CONTEXT_SYNTAX = regex.compile(r"\\[GKAZz]|\(\?\(|\{[^}]*[edis]\s*[<=]|\(\?[a-zA-Z]*-")
_LOOKAROUND = regex.compile(r"\(\?<?[=!]")
#: id(pattern) -> (the pattern, kept alive so the id stays its own; ``line_alone_decides``'s verdict)
_ALONE_DECIDES: dict[int, tuple[regex.Pattern[str], bool]] = {}


def line_alone_decides(pattern: regex.Pattern[str], budget: float | None = None) -> bool:
    """Whether, for ``pattern``, a candidate line is a hit (``_confirmed_in_text``) exactly when the
    line alone matches.

    A hit: the leftmost match searched from the line's start in the text begins on the line, and
    it ends within the line or the line alone matches. So a hit's line alone matches: a match
    within the line holds the line's characters only, and with none of ``_CONTEXT_SYNTAX`` nothing
    outside them decides it (``^``/``$`` under MULTILINE and ``\\b`` see a newline or the string's
    edge alike; a lookaround that cannot read a newline sees the line only). Conversely a match of
    the line alone is, at the same place, a match in the text, so the search from the line's start
    finds one on the line. The search in the text can read far past the line; the line alone is a
    short string (and memoised per document). Worked out once per pattern and process; as in
    ``clock_free``, a document's ``budget`` is given that time back.
    """
    known = _ALONE_DECIDES.get(id(pattern))
    if known is not None:
        return known[1]
    started, source, flags = time.monotonic(), pattern.pattern, pattern.flags
    found = not (flags & (regex.WORD | regex.REVERSE)) and _CONTEXT_SYNTAX.search(source) is None
    found = found and (bool(flags & regex.MULTILINE) or not any(anchor in source for anchor in "^$"))
    found = found and (_LOOKAROUND.search(source) is None or _lookarounds_in_line(pattern))
    if len(_ALONE_DECIDES) >= MAX_VERDICTS:
        _ALONE_DECIDES.clear()
    _ALONE_DECIDES[id(pattern)] = (pattern, found)
    _give_back(budget, started)
    return found


def _lookarounds_in_line(pattern: regex.Pattern[str]) -> bool:
    """Whether every lookaround of ``pattern`` is read within the line: nothing in it can match a
    newline, and it holds no anchor and no lookaround of its own (``^\\W*(?=[^\\n]*?举报)``).

    Such a lookaround, at a place on a line, sees the same characters in the text and in the line
    alone, so it succeeds in both or in neither. Read from the standard parser's tree (a ``\\p{…}``
    class stands in as a character that matches a newline exactly when the class does); a pattern
    it cannot read is not cleared.
    """
    from cleaner.sre import parser_and_constants

    tree = _standard_tree(pattern)
    if tree is None:
        return False
    _, c = parser_and_constants()
    # ``.`` may match a newline under DOTALL, set for the pattern or (any inline flag and an "s") maybe for a part
    dotall = bool(pattern.flags & regex.DOTALL) or ("(?" in pattern.pattern and "s" in pattern.pattern)
    return _InLine(c, dotall).asserts_in_line(list(tree))


class _InLine:
    """A walk over a standard-parser tree for ``_lookarounds_in_line``."""

    def __init__(self, c: Any, dotall: bool) -> None:
        self.c, self.dotall = c, dotall
        self.newline_categories = {
            getattr(c, name) for name in ("CATEGORY_SPACE", "CATEGORY_NOT_DIGIT", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK")
        }
        self.line_categories = {
            getattr(c, name) for name in ("CATEGORY_NOT_SPACE", "CATEGORY_DIGIT", "CATEGORY_WORD", "CATEGORY_NOT_LINEBREAK")
        }

    def asserts_in_line(self, items: list[Any]) -> bool:
        """Whether each lookaround among ``items`` (at any depth) has a body ``body_in_line`` clears."""
        c = self.c
        for op, arg in items:
            if op in (c.ASSERT, c.ASSERT_NOT):
                if not self.body_in_line(list(arg[1])):
                    return False
            elif not all(self.asserts_in_line(list(part)) for part in self.parts(op, arg)):
                return False
        return True

    def body_in_line(self, items: list[Any]) -> bool:
        """Whether ``items`` cannot match a newline and hold no anchor and no lookaround."""
        c = self.c
        for op, arg in items:
            if op is c.LITERAL:
                ok = arg != 10
            elif op is c.ANY:
                ok = not self.dotall
            elif op is c.IN:
                ok = not self.set_takes_newline(arg)
            elif op in (c.BRANCH, c.SUBPATTERN, c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None) or op is getattr(c, "ATOMIC_GROUP", None):  # noqa: E501
                ok = all(self.body_in_line(list(part)) for part in self.parts(op, arg))
            else:  # NOT_LITERAL, AT (anchors), ASSERT, GROUPREF...: not cleared
                ok = op is c.NOT_LITERAL and arg == 10
            if not ok:
                return False
        return True

    def parts(self, op: Any, arg: Any) -> list[Any]:
        """The sub-sequences of a compound item (none for an atom)."""
        c = self.c
        if op is c.BRANCH:
            return list(arg[1])
        if op is c.SUBPATTERN:
            return [arg[-1]]
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
            return [arg[2]]
        if op is getattr(c, "ATOMIC_GROUP", None):
            return [arg]
        return []

    def set_takes_newline(self, items: list[Any]) -> bool:
        """Whether a ``[...]`` set matches a newline (an unknown member counts as one that does)."""
        c = self.c
        negate, takes = False, False
        for op, arg in items:
            if op is c.NEGATE:
                negate = True
            elif op is c.LITERAL:
                takes = takes or arg == 10
            elif op is c.RANGE:
                takes = takes or arg[0] <= 10 <= arg[1]
            elif op is c.CATEGORY and arg in self.line_categories:
                continue
            elif op is c.CATEGORY and arg in self.newline_categories:
                takes = True
            else:
                return True
        return takes != negate


def _give_back(budget: float | None, started: float) -> None:
    """Return the analysis time to a document's budget (an ``engine.DocumentBudget``): it is not the document's regex time."""
    if budget is not None and hasattr(budget, "deadline"):
        budget.deadline += time.monotonic() - started  # type: ignore[attr-defined]
