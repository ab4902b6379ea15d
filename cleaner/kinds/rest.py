"""``remove: rest``: the first line the rule fires on and everything after it.

For the heading that starts the page's end (comments, "Related articles", a footer): below it
nothing is the article's. ``resume: true`` is for headings that may sit inside or above the
article instead (a related-reading box, a menu): the removal stops where the article goes on.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

import yaml

from cleaner.engine import BODY_GAP, _barest_above_body, _firing_lines, _Lines, _whole_copies
from cleaner.kinds import Checker, Common, Fields, Kind, register
from cleaner.model import Rule


def ranges(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    """From the first firing line to the end, unless the article resumes below it.

    With ``resume``, a heading with more than twice as much prose below it as above, and no copy
    of the headline above it, is a menu over the article: the removal ends at the next line of
    prose. And a "Related" box inside the body (prose close above and below the heading)
    ends where two lines of prose follow one another again, at most ``BODY_GAP`` lines below:
    the article goes on there, and the box alone is chrome. Comment sections have no ``resume``:
    a comment is prose too. But a heading of theirs with three lines of prose right under it is a
    subheading of the article, and the rule looks for its next firing line.
    """
    hits = _firing_lines(rule, lines, timeout)
    if not rule.resume:
        hits = [i for i in hits if not _article_goes_on(lines, i)]
    if not hits:
        return []
    first, last = hits[0], len(lines.lines) - 1
    more_below = rule.resume and lines.prose_chars(first, last + 1) > 2 * lines.prose_chars(0, first)
    if more_below and not _headline_above(lines, first):
        # far more prose below than above: the heading sits in a menu over the article, which starts
        # at the next line of prose
        prose = next((i for i in lines.non_empty if i > first and lines.is_prose_at(i)), None)
        return [(first, prose - 1)] if prose is not None else []
    if rule.resume and lines.in_body()[first]:
        resumed = lines.prose_pair_after(first, BODY_GAP)
        if resumed is not None:
            last = resumed - 1
    return [(first, last)]


#: So many lines of prose in a row right under a heading are the article going on, not comments.
#: On the dev set no comment heading a `rest` rule took has more than two (zh-201: two, then a
#: stamp); comments alternate with names, stamps and buttons.
_PROSE_RUN = 3


def _article_goes_on(lines: _Lines, i: int) -> bool:
    """Whether the ``_PROSE_RUN`` non-empty lines under line ``i`` are all prose: a subheading that
    happens to read "Comments" or "网友评论" inside the article, with the article below it."""
    below = lines.non_empty[bisect_right(lines.non_empty, i) :][:_PROSE_RUN]
    return len(below) == _PROSE_RUN and all(lines.is_prose_at(j) for j in below)


def _headline_above(lines: _Lines, i: int) -> bool:
    """Whether the article's own copy of the page title's headline sits above line ``i``: it starts there."""
    copies = _whole_copies(lines.headline_copies(), lines)
    return len(copies) > 1 and _barest_above_body(copies, lines) < i


def parse(checker: Checker, node: yaml.Node, fields: Fields, common: Common, rid: str | None) -> dict[str, Any]:
    """``resume: true|false``."""
    return {"resume": bool("resume" in fields and checker.boolean(fields["resume"][1], "resume", rid))}


KIND = register(Kind(
    name="rest",
    doc="the matching line and everything after it",
    rank=3,
    ranges=ranges,
    keys=("resume",),
    parse=parse,
))
