"""Literal prefilters: strings one of which every match of a pattern must contain.

Most rules cannot fire on most documents, but a regex scan still reads the
whole text, and the ``regex`` module scans slowly. A plain substring test
(``"阅读" in text``) runs at memory speed, so each rule carries the literal
strings its matches cannot do without; when none is in the document the regex
is not run at all. The strings come from the pattern's parse tree: a run of
literal characters, a small character class, or an alternation whose every
branch has such strings. A pattern the standard parser cannot read (``\\p{Han}``)
simply has no prefilter.
"""

from __future__ import annotations

from typing import Any

from cleaner.sre import parser_and_constants


#: A character class of at most this many characters can serve as a prefilter.
_SMALL_CLASS = 8


def required_literals(source: str, flags: int = 0) -> tuple[tuple[str, ...], bool] | None:
    """(literals, ignore_case): every match contains one of ``literals``; None when none can be proven.

    >>> required_literals("^[\\\\s|]*(?:阅读|评论)\\\\s*\\\\d+$")
    (('阅读', '评论'), False)
    >>> required_literals("(?i)all rights reserved|^copyright")
    (('all rights reserved', 'copyright'), True)
    """
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
