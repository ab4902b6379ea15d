"""``remove: span``: only the text the pattern matches; the line goes if nothing else is left.

For chrome glued into a line of the article ("[分享到微博]" after a sentence): the words
around it are kept.
"""

from __future__ import annotations

from cleaner.engine import _firing_lines, _Lines
from cleaner.errors import RuleTimeoutError
from cleaner.kinds import Checker, Common, Fields, Kind, register
from cleaner.model import Rule


def spans(rule: Rule, lines: _Lines, timeout: float) -> list[tuple[int, int, int]]:
    """(line, start, end) of each match of a ``span`` rule, offsets within the line."""
    assert rule.pattern is not None
    found = []
    for i in _firing_lines(rule, lines, timeout):
        line = lines.lines[i]
        try:
            found.extend((i, m.start(), m.end()) for m in rule.pattern.finditer(line, timeout=timeout) if m.end() > m.start())  # noqa: E501
        except TimeoutError:
            raise RuleTimeoutError(rule.id, timeout) from None
    return found


def check(checker: Checker, fields: Fields, common: Common, rid: str | None) -> None:
    """``echo`` picks whole lines, which a span rule does not take; the span is what ``match`` finds."""
    if common["echo"] is not None:
        checker.issue(fields["echo"][0], "'echo' selects whole lines; use remove: line", rid)
    elif "next" in fields and "match" not in fields and "contains" not in fields:
        checker.issue(fields["next"][0], "a 'span' rule cuts what 'match' or 'contains' finds; 'next' alone selects whole lines", rid)  # noqa: E501


KIND = register(Kind(
    name="span",
    doc="only the matched text (the line goes if nothing but whitespace is left)",
    rank=0,
    spans=spans,
    check=check,
))
