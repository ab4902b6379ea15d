"""``remove: masthead``: the lines between the page title and the article's own copy of the headline.

Many pages start with the page title ("Headline | Site"), then the site's header, menus and
promos, then the headline again over the article. The two copies bracket the chrome, whatever
it says and in whatever language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cleaner.engine import PROSE_WIDTH, _core, _guards_ok, _Lines, _width_at_least, is_prose
from cleaner.kinds import Kind, register
from cleaner.model import Rule

#: A Chinese or Japanese full stop ("。", or "．" in older texts): a sentence or a verse line, not a menu.
_HAS_FULL_STOP = re.compile(r"[。．]")


def ranges(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    """The lines between the first two copies of the headline: the page title and the article's own.

    The title must be the longer copy ("Headline | Site" over "Headline") or, as bare as the
    headline, the page's first line (the ``<title>`` of a site that adds no name to it): once a
    round has taken the page title away, the headline is the first copy and nothing below it is a
    masthead, unless it opens the page. No
    prose may sit between the copies (a site's header, menus and promos do not read like
    sentences; nor does any of it hold a "。" or "．", so a poem under its title stays), and prose must
    follow the second copy (an article starts there). Lines the rule's ``unless`` matches stay, and so
    does a standfirst the page title carries too ("Headline | Standfirst").
    """
    copies = lines.headline_copies()
    if len(copies) < 2:
        return []
    title, headline = copies[0], copies[1]
    longer = len(_core(lines.stripped(title))) > len(_core(lines.stripped(headline)))
    if not longer and title != lines.non_empty[0]:
        return []
    between = [i for i in lines.non_empty if title < i < headline]
    if not between or any(_HAS_FULL_STOP.search(lines.stripped(i)) or is_prose(lines.stripped(i), PROSE_WIDTH) for i in between):  # noqa: E501
        return []  # a sentence, or a verse line of a poem page, is not a site header
    if not any(is_prose(lines.stripped(i), PROSE_WIDTH) for i in lines.non_empty if i > headline):
        return []
    lo, hi = lines.zone(rule)
    title_core = _core(lines.stripped(title))
    return [
        (i, i) for i in between
        if lo <= i < hi and _guards_ok(rule, lines.stripped(i), timeout)
        and not _title_part(lines.stripped(i), title_core)
    ]  # fmt: skip


def _title_part(stripped: str, title_core: str) -> bool:
    """A line as wide as prose that the page title also carries ("Headline | Standfirst"): the article's."""
    core = _core(stripped)
    return _width_at_least(core, PROSE_WIDTH) and core in title_core


def judged(rule: Rule, lines: list[str], numbered: list[int]) -> list[int]:
    """The lines between the example's first line (a page title) and the headline that title starts with."""
    first = lines[numbered[0] - 1].strip()
    end = next((n for n in numbered[1:] if first.startswith(lines[n - 1].strip())), numbered[-1] + 1)
    return [n for n in numbered if numbered[0] < n < end]


KIND = register(Kind(
    name="masthead",
    doc="the lines between the page title at the top and the article's own copy of that headline",
    rank=3,
    ranges=ranges,
    by_pattern=False,
    judged=judged,
))
