"""``remove: block``: from the line the rule fires on through ``until:`` or ``lines:``.

For chrome of several lines that starts with a recognisable line and ends at a known place
(a cookie notice up to the next blank line, an ad and the two lines under it). A block whose
terminator never comes is left alone: the page is not shaped as the rule expects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import regex
import yaml

from cleaner.engine import _firing_lines, _Lines, _search
from cleaner.kinds import Checker, Common, Fields, Kind, register
from cleaner.model import Rule


def ranges(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    found_ranges = []
    last = len(lines.lines) - 1
    for i in _firing_lines(rule, lines, timeout):
        if rule.lines is not None:
            following = [j for j in lines.non_empty if j > i][: rule.lines - 1]
            found_ranges.append((i, following[-1] if following else i))
        elif rule.until_blank:
            j = next((j for j in range(i + 1, last + 1) if not lines.stripped(j)), last + 1)
            found_ranges.append((i, j - 1))
        elif rule.until is not None and i < last:
            found = _search(rule, rule.until, lines.text, lines.starts[i + 1], len(lines.text), timeout)
            if found is not None:  # no terminator: the shape is not what the rule expects, keep it
                found_ranges.append((i, lines.line_at(found.start())))
    return found_ranges


def parse(checker: Checker, node: yaml.Node, fields: Fields, common: Common, rid: str | None) -> dict[str, Any]:
    """``until:`` a regex or ``blank``, or ``lines: N``; one of them is required."""
    until, until_blank, count = None, False, None
    if "until" in fields:
        source = checker.string(fields["until"][1], "until", rid)
        if source == "blank":
            until_blank = True
        elif source is not None:
            until = checker.compile(fields["until"][1], source, rid, common["ignore_case"])
    if "lines" in fields:
        count = checker.integer(fields["lines"][1], "lines", rid, minimum=1)
    if "until" not in fields and "lines" not in fields:
        checker.issue(node, "a 'block' rule needs 'until' (a regex or blank) or 'lines'", rid)
    return {"until": until, "until_blank": until_blank, "lines": count}


def patterns(rule: Rule) -> Iterable[tuple[str, regex.Pattern[str]]]:
    return [("until", rule.until)] if rule.until is not None else []


KIND = register(Kind(
    name="block",
    doc="the matching line through `until:` (a regex, or `blank`) or `lines: N` lines",
    rank=1,
    ranges=ranges,
    keys=("until", "lines"),
    parse=parse,
    patterns=patterns,
))
