"""Catastrophic backtracking, decided from a pattern's structure rather than from a timed run.

A timed run says more about the machine than about the pattern: ``^(a+)+$`` takes
0.1 s on one CPU and 0.4 s on another, so a verdict from a stopwatch flips between
machines. The shapes that blow up are known, and readable from the parse tree. All
concern a repeated group whose iterations can split the same text in more than one
way, which costs about ``ways ** iterations`` when the match finally fails:

- what one iteration can end with (``a+``, ``\\w+`` before an optional ``\\s?``, an
  optional ``(?:|a)``) can also start the next one: ``(a+)+``, ``(\\w+\\s?)*``,
  ``(\\s*\\S+){3,}``, ``(\\d{1,3},?)+``;
- an unbounded item that can swallow whole iterations: ``(.*a){12}``, ``(.*a){3}x``;
- two one-item alternatives that match the same character: ``(ab|a.)+`` (the parser
  already turns ``(a|aa)+`` into ``(aa?)+``, caught by the first shape);

flagged when the group is unbounded or counted ``MIN_EXPONENTIAL_COUNT`` times, or
counted at least ``MIN_EXPLOSIVE_COUNT`` times with something after it that can fail.
Also three or more unbounded repeats in a row, each overlapping the next, before
something that can fail (``.*.*.*x``: cubic on a line that does not match).

Overlap is tested on probe characters: every literal and range end of the pattern,
plus ASCII, CJK and full-width samples, so ``\\d`` and ``[0-9０-９]`` overlap and ``\\s``
and ``\\S`` do not. ``\\p{…}`` classes, which the standard parser lacks, stand in as
private-use characters and are tested with the ``regex`` module itself. A pattern the
standard parser cannot read gets no verdict (``None``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from cleaner.sre import in_class, parser_and_constants

Predicate = Callable[[str], bool]

_UNICODE_PROPERTY = re.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")
#: ``\p{…}`` classes become private-use characters from here on in the text the standard parser reads.
_MARK_BASE = 0x10FF00
_STANDARD_PROBES = (
    [chr(c) for c in range(0x20, 0x7F)]
    + list("\t\u00a0\u3000éßж关注。，！？：“”（）１Ａあア한\u200b")
)
_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}  # fmt: skip
#: A counted repeat of at least this many iterations backtracks like an unbounded one.
MIN_EXPLOSIVE_COUNT = 3
#: A group whose iterations can split text two ways, counted this many times, makes at least
#: 2**(n-1) attempts per start position even with nothing after the group to fail.
MIN_EXPONENTIAL_COUNT = 8
#: Adjacent overlapping unbounded repeats: this many make a cubic (or worse) search.
MIN_CHAIN = 3


def catastrophic(source: str, flags: int = 0) -> str | None:
    """Why ``source`` backtracks catastrophically, or None (also when the parser cannot read it).

    >>> catastrophic(r"^(a+)+$")
    "'a+' at the end of a repeated group can give characters to 'a+' at its start"
    >>> catastrophic(r"^(?:\\d+,)+$") is None
    True
    """
    import regex

    parser, c = parser_and_constants()
    properties: dict[str, Predicate] = {}

    def mark(m: re.Match[str]) -> str:
        try:
            prop = regex.compile(m.group())
        except regex.error:
            prop = regex.compile(r"[\s\S]")
        marker = chr(_MARK_BASE + len(properties))
        properties[marker] = lambda ch, prop=prop: bool(prop.match(ch))  # type: ignore[misc]
        return marker if in_class(source, m.start()) else f"[{marker}]"

    try:
        text = _UNICODE_PROPERTY.sub(mark, source)
        tree = parser.parse(text, flags & 0xFF)
    except Exception:  # noqa: BLE001 - syntax only the regex module knows: no static verdict
        return None
    return _Analysis(c, _probes(text), properties).walk(list(tree))


def _probes(text: str) -> list[str]:
    own = (ch for ch in text if ch not in "\\^$.|?*+()[]{}" and ord(ch) < _MARK_BASE)
    return list(dict.fromkeys([*_STANDARD_PROBES, *own]))


class _Analysis:
    def __init__(self, constants: Any, probes: list[str], properties: dict[str, Predicate]) -> None:
        self.c = constants
        self.probes = probes
        self.properties = properties
        self.repeats = tuple(
            getattr(constants, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(constants, name)
        )

    # -- what an item matches ------------------------------------------------------------------

    def min_width(self, item: tuple[Any, Any]) -> int:
        op, arg = item
        c = self.c
        if op in self.repeats:
            return arg[0] * sum(self.min_width(i) for i in arg[2])
        if op is c.SUBPATTERN:
            return sum(self.min_width(i) for i in arg[-1])
        if op is c.BRANCH:
            return min(sum(self.min_width(i) for i in b) for b in arg[1])
        if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
            return 1
        return 0  # anchors, lookarounds, group references

    def unbounded(self, item: tuple[Any, Any]) -> bool:
        op, arg = item
        if op in self.repeats:
            return arg[1] is self.c.MAXREPEAT or (arg[1] > 50 and self.matches_any_width(arg[2]))
        if op is self.c.SUBPATTERN:
            return any(self.unbounded(i) for i in arg[-1])
        return False

    def matches_any_width(self, items: Iterable[tuple[Any, Any]]) -> bool:
        return any(self.min_width(i) > 0 or self.unbounded(i) for i in items)

    def chars(self, items: Iterable[tuple[Any, Any]]) -> Predicate:
        """A predicate true for every character some part of ``items`` can match."""
        atoms = [self.atom(i) for i in self.flatten_atoms(items)]
        return lambda ch: any(a(ch) for a in atoms)

    def flatten_atoms(self, items: Iterable[tuple[Any, Any]]) -> Iterable[tuple[Any, Any]]:
        c = self.c
        for op, arg in items:
            if op in self.repeats:
                yield from self.flatten_atoms(arg[2])
            elif op is c.SUBPATTERN:
                yield from self.flatten_atoms(arg[-1])
            elif op is c.BRANCH:
                for branch in arg[1]:
                    yield from self.flatten_atoms(branch)
            elif op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
                yield op, arg

    def atom(self, item: tuple[Any, Any]) -> Predicate:
        op, arg = item
        c = self.c
        if op is c.LITERAL:
            ch = chr(arg)
            return self.properties.get(ch) or (lambda x: x == ch)
        if op is c.NOT_LITERAL:
            return lambda x: x != chr(arg)
        if op is c.ANY:
            return lambda x: x != "\n"
        negate = any(o is c.NEGATE for o, _ in arg)
        parts: list[Predicate] = []
        for o, a in arg:
            if o is c.LITERAL:
                ch = chr(a)
                parts.append(self.properties.get(ch) or (lambda x, ch=ch: x == ch))  # type: ignore[misc]
            elif o is c.RANGE:
                parts.append(lambda x, lo=a[0], hi=a[1]: lo <= ord(x) <= hi)  # type: ignore[misc]
            elif o is c.CATEGORY:
                pattern = re.compile(_CATEGORIES.get(str(a), "."), re.S)
                parts.append(lambda x, p=pattern: bool(p.match(x)))  # type: ignore[misc]
        if negate:
            return lambda x: not any(p(x) for p in parts)
        return lambda x: any(p(x) for p in parts)

    def overlap(self, a: Predicate, b: Predicate) -> bool:
        return any(a(ch) and b(ch) for ch in self.probes)

    # -- the shapes ----------------------------------------------------------------------------

    def sequence(self, items: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        """Items in match order, with plain (unquantified) groups opened up; anchors dropped."""
        out = []
        for op, arg in items:
            if op is self.c.SUBPATTERN:
                out.extend(self.sequence(list(arg[-1])))
            elif op is not self.c.AT:
                out.append((op, arg))
        return out

    def walk(self, items: list[tuple[Any, Any]]) -> str | None:
        seq = self.sequence(items)
        reason = self.chain(seq)
        if reason:
            return reason
        for index, (op, arg) in enumerate(seq):
            if op in self.repeats:
                count = float("inf") if arg[1] is self.c.MAXREPEAT else arg[1]
                if count >= MIN_EXPLOSIVE_COUNT:
                    reason = self.repeated_body(self.sequence(list(arg[2])), count, seq[index + 1 :])
                    if reason:
                        return reason
                reason = self.walk(list(arg[2]))
            elif op is self.c.BRANCH:
                reason = next((r for b in arg[1] if (r := self.walk(list(b)))), None)
            else:
                reason = None
            if reason:
                return reason
        return None

    def repeated_body(self, body: list[tuple[Any, Any]], count: float, after: list[tuple[Any, Any]]) -> str | None:
        """Ways a repeated body lets its iterations split the same text differently.

        Each such split multiplies the attempts by the number of iterations' choices, so the
        cost grows like ``ways ** count``: flagged when ``count`` is unbounded or at least
        ``MIN_EXPONENTIAL_COUNT``, or at least ``MIN_EXPLOSIVE_COUNT`` with something ``after``
        the group that can fail (which makes the engine try every split).
        """
        can_fail_after = any(self.min_width(i) > 0 or (i[0] is self.c.AT and self.is_end(i)) for i in after)
        if count < MIN_EXPONENTIAL_COUNT and not can_fail_after:
            return None
        for op, arg in body:
            reason = self.ambiguous_branches(arg[1]) if op is self.c.BRANCH else None
            if reason:
                return reason
        required = next((item for item in body if self.min_width(item) > 0), None)
        if required is not None:
            for item in self.trailing(body):  # what one iteration can leave to the next one's start
                if self.overlap(self.give_up(item), self.first(required)):
                    return f"{_show(item)!r} at the end of a repeated group can give characters to {_show(required)!r} at its start"  # noqa: E501
        every = self.chars(body)
        for item in body:
            if self.unbounded(item) and self.covers(self.chars([item]), every):
                times = "an unbounded number of times" if count == float("inf") else f"{count:g} times"
                return f"{_show(item)!r} can absorb whole iterations of a group repeated {times}"
        return None

    def trailing(self, items: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        """The items that can end a match of ``items``: the last required one and the optional ones after it."""
        last_required = max((i for i, item in enumerate(items) if self.min_width(item) > 0), default=0)
        return items[last_required:]

    def give_up(self, item: tuple[Any, Any]) -> Predicate:
        """Characters that ``item`` can match or leave to what follows: the first of a repeat's extra iterations."""
        op, arg = item
        c = self.c
        if op in self.repeats:
            if arg[0] != arg[1]:
                return self.first_of(list(arg[2]))
            return self.give_up_seq(list(arg[2]))
        if op is c.SUBPATTERN:
            return self.give_up_seq(list(arg[-1]))
        if op is c.BRANCH:
            branches = [list(b) for b in arg[1]]
            parts = [self.give_up_seq(b) for b in branches]
            if any(sum(self.min_width(i) for i in b) == 0 for b in branches):
                parts += [self.first_of(b) for b in branches if b]  # an empty branch: the others are optional
            return lambda ch: any(p(ch) for p in parts)
        return lambda ch: False

    def give_up_seq(self, items: list[tuple[Any, Any]]) -> Predicate:
        parts = [self.give_up(i) for i in self.trailing(items)]
        return lambda ch: any(p(ch) for p in parts)

    def is_end(self, item: tuple[Any, Any]) -> bool:
        return str(item[1]) in ("AT_END", "AT_END_STRING", "AT_END_LINE")

    def covers(self, big: Predicate, small: Predicate) -> bool:
        return all(big(ch) for ch in self.probes if small(ch))

    def first(self, item: tuple[Any, Any]) -> Predicate:
        """Characters ``item`` can start with."""
        op, arg = item
        c = self.c
        if op in self.repeats:
            return self.first_of(list(arg[2]))
        if op is c.SUBPATTERN:
            return self.first_of(list(arg[-1]))
        if op is c.BRANCH:
            firsts = [self.first_of(list(b)) for b in arg[1]]
            return lambda ch: any(f(ch) for f in firsts)
        if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
            return self.atom(item)
        return lambda ch: False

    def first_of(self, items: list[tuple[Any, Any]]) -> Predicate:
        firsts = []
        for item in items:
            firsts.append(self.first(item))
            if self.min_width(item) > 0:
                break
        return lambda ch: any(f(ch) for f in firsts)

    def ambiguous_branches(self, branches: list[list[tuple[Any, Any]]]) -> str | None:
        """Two one-item branches (a class, or a repeat of one) that match the same character."""
        simple = [b for b in branches if len(b) == 1 and len(list(self.flatten_atoms(b))) == 1]
        for i, first in enumerate(simple):
            for second in simple[i + 1 :]:
                if self.overlap(self.chars(first), self.chars(second)):
                    return f"alternatives {_show_seq(first)!r} and {_show_seq(second)!r} of a repeated group match the same text"  # noqa: E501
        return None

    def chain(self, seq: list[tuple[Any, Any]]) -> str | None:
        """``MIN_CHAIN`` unbounded repeats in a row, each overlapping the next, before something that can fail.

        ``^\\s*(.*?)\\s*$`` never fails on a line (``.*?`` reaches the end), so it is not flagged.
        """
        run: list[tuple[Any, Any]] = []
        for index, item in enumerate(seq):
            if self.unbounded(item) and (not run or self.overlap(self.chars([run[-1]]), self.chars([item]))):
                run.append(item)
            elif self.unbounded(item):
                run = [item]
            else:
                run = []
            if len(run) >= MIN_CHAIN and any(self.min_width(i) > 0 for i in seq[index + 1 :]):
                return f"{len(run)} unbounded repeats in a row over the same characters ({' '.join(_show(i) for i in run)})"  # noqa: E501
        return None


def _show(item: tuple[Any, Any]) -> str:
    """A short rendering of a parsed item, for messages."""
    return _show_seq([item])


def _show_seq(items: Iterable[tuple[Any, Any]]) -> str:
    parser, c = parser_and_constants()
    out = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(re.escape(chr(arg)) if arg < _MARK_BASE else r"\p{…}")
        elif op is c.ANY:
            out.append(".")
        elif op is c.IN:
            out.append(_show_class(arg, c))
        elif op is c.SUBPATTERN:
            out.append(f"({_show_seq(arg[-1])})")
        elif op is c.BRANCH:
            out.append("(" + "|".join(_show_seq(b) for b in arg[1]) + ")")
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
            low, high, body = arg
            body = list(body)
            inner = _show_seq(body) if len(body) == 1 else f"({_show_seq(body)})"
            quant = {(0, c.MAXREPEAT): "*", (1, c.MAXREPEAT): "+", (0, 1): "?"}.get(
                (low, high), f"{{{low},}}" if high is c.MAXREPEAT else f"{{{low},{high}}}" if low != high else f"{{{low}}}"
            )
            out.append(inner + quant + ("?" if op is c.MIN_REPEAT else ""))
        elif op is c.NOT_LITERAL:
            out.append(f"[^{re.escape(chr(arg))}]")
        else:
            out.append("…")
    return "".join(out)


def _show_class(arg: list[tuple[Any, Any]], c: Any) -> str:
    names = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
             "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}  # fmt: skip
    if len(arg) == 1 and arg[0][0] is c.CATEGORY:
        return names.get(str(arg[0][1]), "[…]")
    parts = []
    for op, a in arg:
        if op is c.NEGATE:
            parts.append("^")
        elif op is c.LITERAL:
            parts.append(r"\p{…}" if a >= _MARK_BASE else re.escape(chr(a)))
        elif op is c.RANGE:
            parts.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
        elif op is c.CATEGORY:
            parts.append(names.get(str(a), "…"))
    return "[" + "".join(parts) + "]"
