"""``remove: feed``: lists of other stories whose items each end in a marker line (``feed:``).

Teaser lists put a date, a time or "Source · 3 hours ago" under every headline, often with a
standfirst between; slideshows put "3/14" there. One such line says little; three or more, a few
lines apart, make a list whatever the headlines' language. Not a shape kind: a standfirst reads
like prose, so the body's protection would keep every teaser list. The kind protects the article
its own way (see ``ranges``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from cleaner.engine import _Lines, _pattern_lines, display_width, visible_text
from cleaner.kinds import Checker, Common, Fields, Kind, register
from cleaner.model import Rule

#: The keys of ``feed:``.
FEED_KEYS = ("min_items", "max_item_lines", "headlines")


@dataclass(frozen=True, slots=True)
class FeedShape:
    """A list of other stories: items of a few lines, each closed by a marker line (a date, a time)."""

    #: So many marker lines at least: one date under a headline is a byline, three make a list.
    min_items: int = 3
    #: At most so many non-empty lines between two markers: a headline, a standfirst, a source.
    max_item_lines: int = 3
    #: Whether most items must open with a headline. False for a comment thread, whose items are
    #: what readers wrote: there the markers (a commenter's time, place and buttons) must say it.
    headlines: bool = True


#: A headline's width in columns (CJK counting two), from the teaser lists of the tuning half: their
#: headlines run 24 - 98 columns; an infobox label ("• Dominion") is narrower, a comment wider.
_HEADLINE_WIDTH = (20, 100)
#: An item opening this way (a sentence or a clause ends here) is not a headline: see ``_items_open_with_headlines``.
_SENTENCE_OR_CLAUSE_END = re.compile(r"[.。．!！?？;；:：,，]\s*[\"”」』’')）]?\s*$")


def ranges(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    """From the first item to the last marker of each run of marker lines (the rule's pattern).

    Three markers or more (``min_items``), at most ``max_item_lines`` lines apart, make a list.
    What protects the article: the list must lie wholly above or below the main
    stretch of prose (``_Lines.main_body``: a live blog's or a diary's dated entries are that
    stretch); most items must open with a headline (a line not ending like a sentence), so a
    timeline ("May 3" over a sentence, "May 9" over the next) stays; and the first item never
    reaches above a line of prose. A comment thread (``headlines: false``) is the exception: its
    comments are prose and join the stretch of the article they follow, so it need only start
    below the start of that stretch; its markers alone must be specific enough.
    """
    shape: FeedShape = rule.option("feed", FeedShape())
    markers = _pattern_lines(rule, lines, timeout)
    if len(markers) < shape.min_items:
        return []
    position = {line: k for k, line in enumerate(lines.non_empty)}
    found = []
    body = lines.main_body()
    for group in _marker_groups(markers, position, shape.max_item_lines):
        if len(group) < shape.min_items or (shape.headlines and not _items_open_with_headlines(group, lines, position)):
            continue
        first, last = _first_item_start(group, lines, position, set(markers)), group[-1]
        if not shape.headlines:  # a stamp may open a comment as well as close it
            last = _last_item_end(group, lines, position, set(markers))
        if body is None or last < body[0] or first > body[1]:  # never inside the article's main stretch
            found.append((first, last))
        elif not shape.headlines and group[0] > body[0]:
            found.append((first, last))  # comments read like prose: they lengthen the stretch they follow
    return found


def _marker_groups(markers: list[int], position: dict[int, int], max_item_lines: int) -> list[list[int]]:
    """Marker lines split where more than ``max_item_lines`` non-empty lines separate two of them."""
    groups: list[list[int]] = []
    for line in markers:
        if groups and position[line] - position[groups[-1][-1]] - 1 <= max_item_lines:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _items_open_with_headlines(group: list[int], lines: _Lines, position: dict[int, int]) -> bool:
    """Whether at least half the items (the lines after each marker but the last) open with a headline.

    A headline is ``_HEADLINE_WIDTH`` columns wide and does not end like a sentence: an infobox's
    labels ("Dominion" over its date) are narrower, a comment's text is wider or ends in a full stop.
    """
    openers = [lines.non_empty[position[marker] + 1] for marker in group[:-1]]
    openers = [i for i in openers if i not in group]
    if not openers:
        return False  # markers back to back: dates in a row, which line rules judge one by one
    low, high = _HEADLINE_WIDTH
    headlines = sum(
        1 for i in openers
        if not _SENTENCE_OR_CLAUSE_END.search(lines.stripped(i))
        and low <= display_width(visible_text(lines.stripped(i))) <= high
    )  # fmt: skip
    return headlines * 2 >= len(openers)


def _first_item_start(group: list[int], lines: _Lines, position: dict[int, int], markers: set[int]) -> int:
    """The first item reaches up as far as the longest other item, but never over a line of prose."""
    size = max(position[b] - position[a] - 1 for a, b in zip(group, group[1:]))
    k = position[group[0]]
    while size > 0 and k > 0:
        above = lines.non_empty[k - 1]
        if above in markers or lines.is_prose_at(above):
            break
        k, size = k - 1, size - 1
    return lines.non_empty[k]


def _last_item_end(group: list[int], lines: _Lines, position: dict[int, int], markers: set[int]) -> int:
    """Below a comment thread's last stamp, as many lines as its longest item, but no line of prose."""
    size = max(position[b] - position[a] - 1 for a, b in zip(group, group[1:]))
    k = position[group[-1]]
    while size > 0 and k + 1 < len(lines.non_empty):
        below = lines.non_empty[k + 1]
        if below in markers or lines.is_prose_at(below):
            break
        k, size = k + 1, size - 1
    return lines.non_empty[k]


def parse(checker: Checker, node: yaml.Node, fields: Fields, common: Common, rid: str | None) -> dict[str, Any]:
    """``feed:`` a mapping of ``FEED_KEYS`` (absent: ``FeedShape``'s defaults); the markers need a pattern."""
    if not common["pattern_source"] and "match" not in fields and "contains" not in fields:
        checker.issue(node, "a 'feed' rule needs 'match' or 'contains': its marker lines", rid)
    if "feed" not in fields:
        return {"options": (("feed", FeedShape()),)}
    shape = checker.mapping(fields["feed"][1], "feed", FEED_KEYS, rid)
    defaults = FeedShape()
    items = checker.integer(shape["min_items"][1], "feed.min_items", rid, 2) if "min_items" in shape else None
    size = checker.integer(shape["max_item_lines"][1], "feed.max_item_lines", rid, 1) if "max_item_lines" in shape else None  # noqa: E501
    headlines = checker.boolean(shape["headlines"][1], "feed.headlines", rid) if "headlines" in shape else None
    return {"options": (("feed", FeedShape(
        min_items=defaults.min_items if items is None else items,
        max_item_lines=defaults.max_item_lines if size is None else size,
        headlines=defaults.headlines if headlines is None else headlines,
    )),)}


def judged(rule: Rule, lines: list[str], numbered: list[int]) -> list[int]:
    """The list is the example: every line after the first (the article's last paragraph)."""
    return numbered[1:]



KIND = register(Kind(
    name="feed",
    doc="lists whose items each end in a marker line (a date, 'Source · 3 hours ago', '3/14') (`feed:`)",
    rank=2,
    ranges=ranges,
    by_pattern=False,
    keys=("feed",),
    parse=parse,
    judged=judged,
    needs_match=True,
))
