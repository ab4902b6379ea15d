"""``remove: line``: each line the rule fires on.

The commonest kind: a counter, a byline, a follow prompt is one line, and taking only that
line cannot take the article's text around it. With ``echo: title`` or ``echo: below`` the
lines are chosen by what they repeat instead of by a pattern (see ``engine._firing_lines``).
"""

from __future__ import annotations

from collections.abc import Iterable

from cleaner.engine import _firing_lines, _Lines
from cleaner.kinds import Kind, register
from cleaner.model import Rule


def ranges(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    return ((i, i) for i in _firing_lines(rule, lines, timeout))


KIND = register(Kind(name="line", doc="each matching line", rank=0, ranges=ranges))
