"""``remove: tail``: short unpunctuated lines after the last line of prose (``tail:``).

Link lists, tags and footers follow an article on most sites, and what follows the last
sentence is rarely the article's. Read from the page's end, the tail stops at the first line
that could be the article's own. A shape kind: it yields to the article's body.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

import yaml

from cleaner.engine import _PROSE_END, _guards_ok, _Lines, _search, _width_at_least, is_prose
from cleaner.kinds import Checker, Common, Fields, Kind, register
from cleaner.model import Rule, TailShape

#: The keys of ``tail:``.
TAIL_KEYS = ("prose_width", "max_width")
#: How a statement ends: a full stop, perhaps inside a closing quote or bracket.
_STATEMENT_END = re.compile(r"[。.．]\s*[」』”\"'）)]?\s*$")
#: A line that stops in the middle of a sentence: its text goes on in the next line.
_CLAUSE_END = re.compile(r"[，、；,;]\s*$")
#: A code fence: the code block it closes (a config, a command) is the article's.
_CODE_FENCE = re.compile(r"(?:```|~~~)")


def ranges(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    """Short unpunctuated lines after the last line of prose, read from the page's end.

    A wide line, one the rule's ``unless`` protects, an item of a numbered list or outline the
    article began (``_Lines.numbered_list_items``), a code fence, one that stops mid-sentence (a comma at
    its end) or one that goes on with such a sentence ends the tail: a list the article ends with (a fact sheet and the heading over it)
    stays with everything above it. So do two
    short statements in a row (an article of short lines); a lone sentence ("An error
    occurred.") stays but does not end the tail, and nor does a second one, unless from the
    first kept line up the kept lines outnumber those taken: a footer is mostly links, while a
    list of works ending in their years "(1904)" or a set of questions is mostly lines that end
    like the article's, and the headings among them are the article's too. A page with no prose has no tail.
    """
    shape = rule.tail
    assert shape is not None
    last_prose = next((i for i in reversed(lines.non_empty) if is_prose(lines.stripped(i), shape.prose_width)), None)
    if last_prose is None:
        return []
    # lines the rule's pattern may match, from the multi-pattern scan (None: not scanned, try every line)
    allowed = lines.candidate_set(rule.pattern, stripped=True) if rule.pattern is not None else None
    if rule.pattern is not None and allowed is None and not lines.may_match(rule):
        return []  # none of its literals in the text (the scan, when it covers the pattern, says more)
    lo, hi = lines.zone(rule)
    # lines whose stripped text ``unless`` may match, from the scan (None: not scanned, any line may)
    excepted = lines.candidate_set(rule.unless, stripped=True) if rule.unless is not None else None
    found = []
    kept_lines, taken_below = 0, 0
    listed = lines.numbered_list_items()
    order = lines.non_empty[bisect_right(lines.non_empty, last_prose) :]
    for k in range(len(order) - 1, -1, -1):
        i = order[k]
        if not lo <= i < hi:
            break
        stripped = lines.stripped(i)
        may_be_excepted = excepted is None or i in excepted
        if i in listed or _CODE_FENCE.match(stripped) or _width_at_least(stripped, shape.max_width) or not _guards_ok(rule, stripped, timeout, may_be_excepted):  # noqa: E501
            break  # an item of the article's numbered list or outline, a code fence, a wide line, a protected one
        if _CLAUSE_END.search(stripped) or (k > 0 and _CLAUSE_END.search(lines.stripped(order[k - 1]))):
            # a line ending mid-sentence ("道路施工会给大家的出行带来不便，") is the article's text, and so is
            # the line that goes on with that sentence ("请大家互相转告通知，" over "愿大家都能")
            break
        if _PROSE_END.search(stripped):
            if _STATEMENT_END.search(stripped) and k > 0 and _STATEMENT_END.search(lines.stripped(order[k - 1])):
                break  # two statements in a row are the article's (teasers end in "?" and "!")
            if kept_lines == 0:
                taken_below = len(found)  # the footer under the first kept line
            kept_lines += 1
            if kept_lines > 1 and kept_lines > len(found) - taken_below:
                # from the first kept line up, more reads like the article than not (a list of works
                # ending in their years, a Q&A): its headings are the article's too, the footer goes
                found = found[:taken_below]
                break
            continue
        if rule.pattern is None or (
            (allowed is None or i in allowed) and _search(rule, rule.pattern, stripped, 0, len(stripped), timeout)
        ):
            found.append((i, i))
    return found[::-1]


def parse(checker: Checker, node: yaml.Node, fields: Fields, common: Common, rid: str | None) -> dict[str, Any]:
    """``tail:`` a mapping of ``TAIL_KEYS``; absent, the defaults of ``TailShape``."""
    if "tail" not in fields:
        return {"tail": TailShape()}
    shape = checker.mapping(fields["tail"][1], "tail", TAIL_KEYS, rid)
    defaults = TailShape()
    prose = checker.integer(shape["prose_width"][1], "tail.prose_width", rid, 1) if "prose_width" in shape else None
    width = checker.integer(shape["max_width"][1], "tail.max_width", rid, 1) if "max_width" in shape else None
    return {"tail": TailShape(
        prose_width=defaults.prose_width if prose is None else prose,
        max_width=defaults.max_width if width is None else width,
    )}



KIND = register(Kind(
    name="tail",
    doc="short unpunctuated lines after the last line of prose (`tail:`): link lists and footers",
    rank=3,
    ranges=ranges,
    shape=True,
    matches_stripped=True,
    by_pattern=False,
    keys=("tail",),
    parse=parse,
    needs_match=True,
))
