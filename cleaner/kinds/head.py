"""``remove: head``: the last line the rule fires on and everything before it.

For chrome that ends where the article starts ("Skip to content", a breadcrumb): the lines
above such a marker are the site's, however many and whatever they say.
"""

from __future__ import annotations

from collections.abc import Iterable

from cleaner.engine import _firing_lines, _Lines
from cleaner.kinds import Kind, register
from cleaner.model import Rule


def ranges(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    hits = _firing_lines(rule, lines, timeout)
    return [(0, hits[-1])] if hits else []


KIND = register(Kind(name="head", doc="the matching line and everything before it", rank=3, ranges=ranges))
