"""``remove: line``: each line the rule fires on.

The commonest kind: a counter, a byline, a follow prompt is one line, and taking only that
line cannot take the article's text around it. With ``echo: title`` or ``echo: below`` the
lines are chosen by what they repeat instead of by a pattern (see ``engine._firing_lines``).
With ``next``, the line goes with the line that proved it (an ad with its close button "×"):
left behind, that line would prove the line above it in the next round, and the next, up into
the article.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from cleaner.engine import _firing_lines, _Lines
from cleaner.kinds import Kind, register
from cleaner.model import Rule


def ranges(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    firing = _firing_lines(rule, lines, timeout)
    if rule.next is None:
        return ((i, i) for i in firing)
    return sorted({(j, j) for i in firing for j in (i, _next_non_empty(lines, i))})


def _next_non_empty(lines: _Lines, i: int) -> int:
    """The line ``next`` matched: the first non-empty line below ``i`` (there is one, or ``i`` did not fire)."""
    return lines.non_empty[bisect_right(lines.non_empty, i)]


KIND = register(Kind(name="line", doc="each matching line", rank=0, ranges=ranges))
