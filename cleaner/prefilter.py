"""Literal prefilters: strings one of which every match of a pattern must contain.

Most rules cannot fire on most documents, but a regex scan still reads the
whole text, and the ``regex`` module scans slowly. A plain substring test
(``"阅读" in text``) runs at memory speed, so each rule carries the literal
strings its matches cannot do without; when none is in the document the regex
is not run at all. The strings come from the pattern's parse tree: a run of
literal characters, a small character class, or an alternation whose every
branch has such strings. A pattern the standard parser cannot read (``\\p{Han}``)
simply has no prefilter.

Checking each rule's literals with ``in`` costs one pass over the document per
literal, hundreds per document with the shipped rules. ``TextLiterals`` answers
the same question for every rule from one Aho–Corasick pass per document
(pyahocorasick), falling back to ``in`` when that package is missing.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from cleaner.sre import parser_and_constants

try:
    import ahocorasick
except ImportError:  # pragma: no cover - optional speed-up: the ``in`` checks give the same answers
    ahocorasick = None


#: The ``regex`` module's fuzzy-matching constraints ("{e<=1}", "{i<2,d<2}"): no literal is required.
_FUZZY = re.compile(r"\{[edis]\s*[<=]")
#: A character class of at most this many characters can serve as a prefilter.
_SMALL_CLASS = 8


def required_literals(source: str, flags: int = 0) -> tuple[tuple[str, ...], bool] | None:
    """(literals, ignore_case): every match contains one of ``literals``; None when none can be proven.

    >>> required_literals("^[\\\\s|]*(?:阅读|评论)\\\\s*\\\\d+$")
    (('阅读', '评论'), False)
    >>> required_literals("(?i)all rights reserved|^copyright")
    (('all rights reserved', 'copyright'), True)
    """
    if _FUZZY.search(source):
        return None  # the standard parser reads "(?:chrome){e<=1}" as the literal "chrome{e<=1}"
    parser, c = parser_and_constants()
    try:
        tree = parser.parse(source, flags & 0xFF)
    except Exception:  # noqa: BLE001 - syntax only the regex module knows: no prefilter
        return None
    found = _sequence(list(tree), c)
    if not found or any(not s for s in found):
        return None
    ignore_case = bool(tree.state.flags & c.SRE_FLAG_IGNORECASE)
    return tuple(dict.fromkeys(found)), ignore_case


def _sequence(items: list[Any], c: Any) -> list[str] | None:
    """The best literal set among the mandatory elements of a sequence."""
    candidates: list[list[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op is c.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            candidates.append(["".join(run)])
            run = []
        found = _element(op, arg, c)
        if found:
            candidates.append(found)
    if run:
        candidates.append(["".join(run)])
    if not candidates:
        return None
    return max(candidates, key=lambda strings: (min(len(s) for s in strings), -len(strings)))


def _element(op: Any, arg: Any, c: Any) -> list[str] | None:
    if op is c.SUBPATTERN:
        return _sequence(list(arg[-1]), c)
    if op is c.BRANCH:
        branches = [_sequence(list(branch), c) for branch in arg[1]]
        if all(branches):
            return [s for branch in branches for s in branch]  # type: ignore[union-attr]
        return None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
        return _sequence(list(arg[2]), c)
    if op is c.IN:
        chars = [chr(a) for o, a in arg if o is c.LITERAL]
        if len(chars) == len(arg) and 0 < len(chars) <= _SMALL_CLASS:
            return chars
    return None


class LiteralIndex:
    """Every literal rules have asked about in this process, in one Aho–Corasick automaton.

    The engine sees one document at a time and rules one after another, not the rule set
    as a whole, so the index learns the literals as they are asked about and rebuilds its
    automaton between documents: after the first document of a run it holds the rule set's
    literals. Literals are kept casefolded: ``literal in text`` implies
    ``literal.casefold() in text.casefold()`` (Python folds character by character), so
    one scan of the folded text serves case-sensitive and case-insensitive rules alike.

    Rebuilds are rationed (when the unlearned literals are a quarter of the learned ones,
    or after ``REBUILD_EVERY`` scans), and the index stops learning at ``MAX_LITERALS``,
    so a process that tries thousands of candidate rules stays fast; a literal the
    automaton does not hold is simply checked with ``in``.
    """

    MAX_LITERALS = 20_000
    REBUILD_EVERY = 64

    def __init__(self) -> None:
        #: (automaton or None, the folded literals it holds); replaced as a whole, never mutated
        self.state: tuple[Any, frozenset[str]] = (None, frozenset())
        self._pending: set[str] = set()
        self._scans = 0
        self._lock = threading.Lock()

    def learn(self, folded: str) -> None:
        if folded and ahocorasick is not None and len(self.state[1]) + len(self._pending) < self.MAX_LITERALS:
            self._pending.add(folded)

    def scan(self, folded_text: str) -> tuple[set[str], frozenset[str]]:
        """(literals found in ``folded_text``, literals the automaton held): one pass."""
        self._scans += 1
        if self._pending and (len(self._pending) * 4 >= len(self.state[1]) or self._scans >= self.REBUILD_EVERY):
            self._rebuild()
        automaton, known = self.state
        if automaton is None:
            return set(), known
        return {found for _, found in automaton.iter(folded_text)}, known

    def _rebuild(self) -> None:
        with self._lock:
            known = self.state[1] | self._pending
            self._pending = set()
            self._scans = 0
            automaton = ahocorasick.Automaton()
            for literal in known:
                automaton.add_word(literal, literal)
            automaton.make_automaton()
            self.state = (automaton, known)


#: The process-wide index the engine uses.
LITERALS = LiteralIndex()


class TextLiterals:
    """Which rule literals one document contains, answered from a single scan of it.

    ``holds_any(literals, folded)`` is exactly ``any(literal in haystack for literal in
    literals)``, where the haystack is the text, or its casefolded copy when ``folded``
    (case-insensitive rules carry casefolded literals). The scan runs on the first question.
    """

    __slots__ = ("text", "_folded", "_found", "_known", "_index")

    def __init__(self, text: str, index: LiteralIndex = LITERALS) -> None:
        self.text = text
        self._index = index
        self._folded: str | None = None
        self._found: set[str] | None = None
        self._known: frozenset[str] = frozenset()

    def folded_text(self) -> str:
        if self._folded is None:
            self._folded = self.text.casefold()
        return self._folded

    def holds_any(self, literals: tuple[str, ...], folded: bool) -> bool:
        if not literals:
            return True
        if ahocorasick is None:
            haystack = self.folded_text() if folded else self.text
            return any(literal in haystack for literal in literals)
        if self._found is None:
            # A one-character ASCII literal (a "-" or "/" of a date pattern) is in the folded text
            # exactly when it is in the text, and ``in`` finds it far quicker than the scan
            # below reads the whole text: answer from it while the text is not scanned yet.
            if any(len(literal) == 1 and literal.isascii() and literal in self.text for literal in literals):
                return True
            self._found, self._known = self._index.scan(self.folded_text())
        for literal in literals:
            key = literal if folded else _casefold(literal)
            if key in self._found:
                if folded or literal in self.text:  # the folded form is there; a case-sensitive literal may not be
                    return True
            elif key not in self._known:  # not in the automaton when this text was scanned
                self._index.learn(key)
                if literal in (self.folded_text() if folded else self.text):
                    return True
        return False


_FOLDED: dict[str, str] = {}


def _casefold(literal: str) -> str:
    """``literal.casefold()``, remembered: rules ask about the same literals for every document."""
    folded = _FOLDED.get(literal)
    if folded is None:
        folded = literal.casefold()
        if len(_FOLDED) < LiteralIndex.MAX_LITERALS:
            _FOLDED[literal] = folded
    return folded
