"""``remove: run``: runs of consecutive lines that fit a shape (``run:``), such as menus and link lists.

No pattern needed: a menu is recognisable by its shape (several short, unpunctuated lines in a
row) in any language and on sites nobody wrote a rule for. Being a shape kind it yields to the
article's body: a list between two paragraphs is the article's.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

import yaml

from cleaner.engine import BODY_GAP, _Lines, _search
from cleaner.kinds import Checker, Common, Fields, Kind, register
from cleaner.model import Rule, RunShape

#: The keys of ``run:``.
RUN_KEYS = (
    "min_lines", "max_chars", "max_width", "punctuated", "max_gap", "repeated_below", "below_body", "max_overlap",
)


def ranges(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    """Runs of at least ``min_lines`` fitting lines; blank lines neither count nor break a run.

    A line repeating the headline is never part of a run: short and unpunctuated, a headline
    between two menus would otherwise go with them.
    """
    assert rule.run is not None
    lo, hi = lines.zone(rule)
    shape = rule.run
    # lines the rule's pattern may match, from the multi-pattern scan (None: not scanned, try every line)
    allowed = lines.candidate_set(rule.pattern, stripped=True) if rule.pattern is not None else None
    if rule.pattern is not None and allowed is None and not lines.may_match(rule):
        return []  # none of its literals in the text (the scan, when it covers the pattern, says more)
    headline = set(lines.headline_copies())
    shaped = _shaped(lines, shape, lo, hi, headline, allowed)
    if not shaped:
        return []
    viable = _chains(shaped, shape)
    if not viable:
        return []
    excepted = lines.candidate_set(rule.unless, stripped=True) if rule.unless is not None else None
    if shape.max_gap == 0:
        return _gapless_runs(rule, lines, timeout, viable, excepted)
    return _walk(rule, lines, timeout, viable, excepted, headline)


def _walk(
    rule: Rule, lines: _Lines, timeout: float, viable: list[int], excepted: frozenset[int] | None, headline: set[int]
) -> list[tuple[int, int]]:
    """The runs among the chains of shaped lines (``viable``), line by line: each fitting line joins
    the run, up to ``max_gap`` non-fitting ones in a row are carried, anything else ends it."""
    shape = rule.run
    assert shape is not None
    lo, hi = lines.zone(rule)
    shaped_lines = {lines.non_empty[k] for k in viable}
    gap_limit = 2 * (shape.max_width if shape.max_width is not None else shape.max_chars)
    found: list[tuple[int, int]] = []
    run: list[int] = []  # fitting lines of the current run
    gap: list[int] = []  # non-fitting lines since its last fitting line
    non_empty = lines.non_empty
    k = 0
    while k < len(non_empty):
        if not run:  # a line that cannot fit neither starts a run nor ends one: skip to the next that may
            at = bisect_left(viable, k)
            if at == len(viable):
                break
            k = viable[at]
        i = non_empty[k]
        k += 1
        # a line of a viable chain that has the shape fits unless its ``unless`` or ``match`` says no
        # (a shaped line outside those chains is never reached with a run going on)
        in_chain = i in shaped_lines
        if in_chain and not _protected(rule, lines, i, timeout, excepted) and _matches(rule, lines, i, timeout):
            run.append(i)
            gap = []
            continue
        absorbable = (
            run and len(gap) < shape.max_gap and lo <= i < hi and i not in headline
            and lines.width_at_most(i, gap_limit, visible=False) and not lines.punctuated(i, visible=False)
            and not _protected(rule, lines, i, timeout, excepted)
        )  # fmt: skip  # a line the rule's ``unless`` protects never sits inside a run
        if absorbable:
            gap.append(i)
            continue
        if run:
            found.extend(_accepted(run, shape, lines))
            run, gap = [], []
    if run:
        found.extend(_accepted(run, shape, lines))
    return found


def _gapless_runs(
    rule: Rule, lines: _Lines, timeout: float, viable: list[int], excepted: frozenset[int] | None
) -> list[tuple[int, int]]:
    """The runs of a rule that allows no gap (``max_gap: 0``): what the walk in ``ranges`` finds, with fewer tries.

    Without gaps a run is a stretch of consecutive fitting lines, and only a stretch of at least
    ``min_lines`` counts. Within each chain of shaped lines, the last line of the next possible
    stretch is tried first, then the lines before it: a line that does not fit rules out every
    stretch through it, so the search moves past it, and in a long list of lines that mostly do
    not fit (a list of Chinese links for ``headline-list-run``) most lines are never tried.
    """
    shape = rule.run
    assert shape is not None
    non_empty = lines.non_empty
    tried: dict[int, bool] = {}  # position in non_empty -> whether the line there fits

    def fits(k: int) -> bool:
        found = tried.get(k)
        if found is None:
            i = non_empty[k]
            found = tried[k] = not _protected(rule, lines, i, timeout, excepted) and _matches(rule, lines, i, timeout)
        return found

    breaks = [t for t in range(1, len(viable)) if viable[t] - viable[t - 1] > 1]
    found: list[tuple[int, int]] = []
    for start, end in zip([0, *breaks], [*breaks, len(viable)]):
        chain, at = viable[start:end], 0
        while at + shape.min_lines <= len(chain):
            last = at + shape.min_lines - 1
            while last >= at and fits(chain[last]):
                last -= 1
            if last >= at:  # that line does not fit: the next stretch starts after it
                at = last + 1
                continue
            stop = at + shape.min_lines
            while stop < len(chain) and fits(chain[stop]):
                stop += 1
            found.extend(_accepted([non_empty[k] for k in chain[at:stop]], shape, lines))
            at = stop + 1
    return found


def _shaped(
    lines: _Lines, shape: RunShape, lo: int, hi: int, headline: set[int], allowed: frozenset[int] | None
) -> list[int]:
    """Positions (in ``non_empty``) of the zone's lines with a run line's shape, in chains that may hold a run.

    The shape is every test of a fitting line but the rule's ``unless`` and ``match``: at most
    ``max_chars`` visible characters and ``max_width`` columns, unpunctuated unless allowed, not
    a copy of the headline, a candidate of the scan for ``match``, a copy below for a table of
    contents. The cheapest test (the length) goes first, and only lines in chains that may hold a
    run (``_chains``) take the others.
    """
    lengths, non_empty = lines.visible_lengths(), lines.non_empty
    limit = shape.max_chars if shape.max_width is None else min(shape.max_chars, shape.max_width)
    short = _chains([k for k, i in enumerate(non_empty) if lengths[i] <= limit and lo <= i < hi], shape)
    repeated = lines.repeated_below() if shape.repeated_below else None
    width = shape.max_width
    return [
        k for k in short
        if (i := non_empty[k]) not in headline and (allowed is None or i in allowed)
        and (repeated is None or i in repeated)
        # a character takes at most two columns: measure only when the length leaves it open
        and (width is None or 2 * lengths[i] <= width or lines.width(i) <= width)
        and (shape.punctuated or not lines.punctuated(i))
    ]  # fmt: skip


def _chains(positions: list[int], shape: RunShape) -> list[int]:
    """Of ``positions``, those in chains of at least ``min_lines`` with at most ``max_gap`` others between neighbours.

    The fitting lines of a run are such a chain (more than ``max_gap`` non-fitting lines end a
    run), so a line outside every chain of fitting candidates neither starts a run nor (with more
    than ``max_gap`` non-fitting lines before it) continues one: the walk skips it.
    """
    step = shape.max_gap + 1
    breaks = [k for k in range(1, len(positions)) if positions[k] - positions[k - 1] > step]
    kept: list[int] = []
    for start, end in zip([0, *breaks], [*breaks, len(positions)]):
        if end - start >= shape.min_lines:
            kept.extend(positions[start:end])
    return kept


def _matches(rule: Rule, lines: _Lines, i: int, timeout: float) -> bool:
    """Whether the rule's ``match`` (if any) finds line ``i``'s stripped text."""
    if rule.pattern is None:
        return True
    stripped = lines.stripped(i)
    return _search(rule, rule.pattern, stripped, 0, len(stripped), timeout) is not None


def _protected(rule: Rule, lines: _Lines, i: int, timeout: float, excepted: frozenset[int] | None) -> bool:
    """Whether the rule's ``unless`` matches line ``i`` (stripped); a line the scan rules out cannot."""
    if rule.unless is None or (excepted is not None and i not in excepted):
        return False
    stripped = lines.stripped(i)
    return _search(rule, rule.unless, stripped, 0, len(stripped), timeout) is not None


def _accepted(run: list[int], shape: RunShape, lines: _Lines) -> list[tuple[int, int]]:
    """The run as a line range, if it is one; a table of contents may be its longest qualifying start."""
    if not shape.repeated_below:
        if len(run) < shape.min_lines or (shape.below_body and not _below_body(run, lines)):
            return []
        return [] if _own_list(run, shape, lines) else [(run[0], run[-1])]
    # the n-th "Setting up" of the contents goes with the n-th one below: n does not depend on
    # where the contents end, nor do the lines with the same words, so both are found once
    nth, seen = [], {}
    for i in run:
        words = lines.heading_words(i)
        seen[words] = seen.get(words, -1) + 1
        nth.append(seen[words])
    same = [lines.copies_of(i) for i in run]
    for end in range(len(run), shape.min_lines - 1, -1):  # the first heading below may look like more contents
        if _is_contents(run, end, nth, same, lines):
            return [(run[0], run[end - 1])]
    return []


def _below_body(run: list[int], lines: _Lines) -> bool:
    """Whether the run starts below the article's main stretch of prose (a page without one has no
    below) and the article does not resume after it: two lines of prose in a row within
    ``BODY_GAP`` lines below the run are more of it (a list of names in a novel's last chapter)."""
    body = lines.main_body()
    if body is None or run[0] <= body[1]:
        return False
    after = bisect_right(lines.non_empty, run[-1])
    below = lines.non_empty[after : after + BODY_GAP]
    return not any(lines.is_prose_at(a) and lines.is_prose_at(b) for a, b in zip(below, below[1:]))


#: Slack in ``_own_list``'s early verdicts, far above the rounding of a sum of shares.
_MARGIN = 1e-9


def _own_list(run: list[int], shape: RunShape, lines: _Lines) -> bool:
    """Whether the run's lines share more than ``max_overlap`` of their words with the article, on average.

    Looking a line's words up in the article costs more than the rest of the run's test, so the
    lines are taken in turn and the verdict given as soon as the lines left cannot change it
    (each share lies in [0, 1]); a sum near the bar gets the average computed as it always was.
    """
    if shape.max_overlap is None:
        return False
    counted = [i for i in run if lines.has_grams(i)]  # the lines with a share
    bar = shape.max_overlap * len(counted)
    total = 0.0
    for done, i in enumerate(counted, 1):
        total += lines.body_overlap(i)  # type: ignore[operator]
        if total > bar + _MARGIN:
            return True
        if total + (len(counted) - done) < bar - _MARGIN:
            return False
    return _own_list_average(counted, shape, lines)


def _own_list_average(run: list[int], shape: RunShape, lines: _Lines) -> bool:
    """``_own_list`` by its definition: the average share of the run's lines with words."""
    assert shape.max_overlap is not None
    shares = [share for i in run if (share := lines.body_overlap(i)) is not None]
    return bool(shares) and sum(shares) / len(shares) > shape.max_overlap


def _is_contents(run: list[int], end: int, nth: list[int], same: list[list[int]], lines: _Lines) -> bool:
    """Whether ``run[:end]`` is a table of contents: its lines' copies below it come in the same
    order and mostly stand apart (a block repeated whole, like a chorus, has them together).

    ``nth``: each line's rank among the run's lines with its words; ``same``: the lines with its words.
    """
    last = run[end - 1]
    copies: list[int] = []
    for t in range(end):
        k = bisect_right(same[t], last) + nth[t]  # its copy: the nth of those below the contents
        if k >= len(same[t]):
            return False
        if copies and same[t][k] <= copies[-1]:
            return False  # out of order
        copies.append(same[t][k])
    apart = sum(1 for a, b in zip(copies, copies[1:]) if lines.any_between(a, b))
    return apart * 2 > len(copies) - 1  # a heading may sit right under its section's heading


def parse(checker: Checker, node: yaml.Node, fields: Fields, common: Common, rid: str | None) -> dict[str, Any]:
    """``run:`` a mapping of ``RUN_KEYS``; absent, the defaults of ``RunShape``."""
    return {"run": _run_shape(checker, fields["run"][1], rid) if "run" in fields else RunShape()}


def _run_shape(checker: Checker, node: yaml.Node, rid: str | None) -> RunShape:
    fields = checker.mapping(node, "run", RUN_KEYS, rid)
    defaults = RunShape()
    min_lines = checker.integer(fields["min_lines"][1], "run.min_lines", rid, 2) if "min_lines" in fields else None
    max_chars = checker.integer(fields["max_chars"][1], "run.max_chars", rid, 1) if "max_chars" in fields else None
    punctuated = checker.boolean(fields["punctuated"][1], "run.punctuated", rid) if "punctuated" in fields else None
    max_width = checker.integer(fields["max_width"][1], "run.max_width", rid, 1) if "max_width" in fields else None
    max_gap = checker.integer(fields["max_gap"][1], "run.max_gap", rid, 0) if "max_gap" in fields else 0
    repeated = "repeated_below" in fields and checker.boolean(fields["repeated_below"][1], "run.repeated_below", rid)
    below = "below_body" in fields and checker.boolean(fields["below_body"][1], "run.below_body", rid)
    overlap = checker.fraction(fields["max_overlap"][1], "run.max_overlap", rid) if "max_overlap" in fields else None
    if max_width is not None and max_chars is None:
        max_chars = max_width  # a width limit alone: no separate character limit
    return RunShape(
        min_lines=defaults.min_lines if min_lines is None else min_lines,
        max_chars=defaults.max_chars if max_chars is None else max_chars,
        max_width=max_width,
        max_gap=max_gap or 0,
        punctuated=defaults.punctuated if punctuated is None else punctuated,
        repeated_below=bool(repeated),
        below_body=bool(below),
        max_overlap=overlap,
    )


def judged(rule: Rule, lines: list[str], numbered: list[int]) -> list[int]:
    """The run is the example: every line after the first (the headline), up to a blank line."""
    run = []
    for n in numbered[1:]:
        if run and not lines[n - 2].strip():
            break  # a blank line ends the run: what follows is context (the headings a contents lists)
        run.append(n)
    return run



KIND = register(Kind(
    name="run",
    doc="runs of consecutive lines that fit a shape (`run:`), such as menus and link lists",
    rank=2,
    ranges=ranges,
    shape=True,
    matches_stripped=True,
    by_pattern=False,
    keys=("run",),
    parse=parse,
    judged=judged,
    needs_match=True,
))
