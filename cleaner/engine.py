"""The pure rule pass: which lines of a text are chrome, and the text without them.

No I/O, no globals, no logging. ``strip(text, rules)`` looks at one text with
every rule at once; each rule reports the lines it fires on, its removal kind
turns those into line ranges (or character spans), and the ranges are merged.
Each removed line is attributed to exactly one rule, the most specific one
that covers it (see ``_KIND_RANK``), with ties broken by rule id, so the result
never depends on the order rules are listed in.

A pattern is matched against one line at a time (``^``/``$`` anchor the line).
To stay fast it is first searched over the whole text with ``MULTILINE``, and
each hit is confirmed on its line alone before moving on to the next line, so
most rules cost one C-level scan per document instead of one call per line.
With ``hyperscan`` installed, one multi-pattern scan per document (``cleaner.scan``)
first names the few lines each pattern may match, and the search runs only there,
with the same result.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import regex

from cleaner import scan
from cleaner.errors import RuleTimeoutError
from cleaner.model import Removal, Rule, RunShape
from cleaner.prefilter import TextLiterals

#: Default time budget for one regex call; a pattern that needs longer is treated as broken.
DEFAULT_TIMEOUT = 2.0

#: Which rule "owns" a line several rules remove: the most specific kind first.
_KIND_RANK = {"line": 0, "span": 0, "block": 1, "run": 2, "tail": 3, "head": 3, "rest": 3, "masthead": 3}
#: Kinds that judge a line by its shape or place rather than its words: they never take a line
#: inside the article's body (see ``_Lines.in_body``). Phrase kinds (line, span, block) still may:
#: a disclaimer between two paragraphs is chrome whatever surrounds it.
_SHAPE_KINDS = frozenset({"run", "tail"})
#: A line with prose within this many non-empty lines both above and below it is inside the
#: article's body: a list, table row, subheading or signature of the article, not a menu.
BODY_GAP = 11
#: (Protecting also the line right below or above each paragraph, for signatures and subheadings,
#: cost the tuning half 0.3-1 point of chrome for 0.05 point of content, and footers right under the
#: last paragraph ("More from Example Daily") would stay: not done.)

# The engine's own helper patterns use the stdlib ``re``: they are simple and it scans faster.
#: Sentence punctuation: a line containing it is prose, not a menu item (used by ``run``).
_SENTENCE_PUNCT = re.compile(r"[。！？；，、：]|[.!?;,:](?:\s|$)")
#: Markdown link or image markup, reduced to its visible text when measuring a line.
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
#: Permalink marks documentation generators put after a heading ("Conclusion¶").
_PERMALINK = "¶§#\uf0c1 "
#: What decorates a heading or list item without being part of its words.
_DECORATION = re.compile(r"^[\s#>*+\-•·]+|[\s*]+$")
_DECORATION_CHARS = frozenset("#>*+-•· \t\u3000\xa0")
#: How a line of prose ends: sentence punctuation, perhaps inside a closing quote or bracket.
_PROSE_END = re.compile(r"[。．！？.!?…」』”\"'）)]\s*$")
#: How a statement ends: a full stop, perhaps inside a closing quote or bracket.
_STATEMENT_END = re.compile(r"[。.．]\s*[」』”\"'）)]?\s*$")
#: A line that stops in the middle of a sentence: its text goes on in the next line.
_CLAUSE_END = re.compile(r"[，、；,;]\s*$")
#: A Chinese or Japanese full stop ("。", or "．" in older texts): a sentence or a verse line, not a menu.
_HAS_FULL_STOP = re.compile(r"[。．]")
#: An echo's extra text that reads like prose rather than a site name.
_PROSE_EXTRA = re.compile(r"[。！？，]|[.!?,](?:\s|$)")
#: An echo's extra text that numbers a section ("三、", "2.", "第三章"): a heading, not a site name.
_SECTION_NUMBER = re.compile(
    r"\s*(?:第?[一二三四五六七八九十百零\d]+\s*[、.．章节部篇]|[(（][一二三四五六七八九十\d]+[)）])\s*$"
)
#: Characters of whole-text scan that one per-line regex call is worth.
_PER_LINE_COST = 200
#: A line of prose is at least this wide (columns) and ends like a sentence (``after_prose``, ``tail``).
PROSE_WIDTH = 60
#: A line narrower than this (in columns, CJK counting two) is a menu item, not a headline.
_TITLE_WIDTH = 12
#: Where a page title joins the article's name to the site's ("Name | Site", "名称_网站").
_TITLE_SEPARATOR = re.compile(r"\s+[|｜\-–—]\s+|[_|｜]")
#: A headline shorter than this is too common a string to call a line its echo.
_MIN_HEADLINE = 4
#: Default ``max_extra`` of an echo: the headline copies for it are shared between rules.
_ECHO_EXTRA = 24
_FRONT_MATTER = "---"
#: A line longer than this is never chrome-sized.
_LONG_LINE = 5_000
#: Extra regex budget per character searched (0.5 s per million): big inputs are not runaway patterns.
_SECONDS_PER_CHAR = 0.5e-6
_WIDE = regex.compile(r"[\p{East_Asian_Width=W}\p{East_Asian_Width=F}]")


@dataclass(frozen=True, slots=True)
class StripResult:
    """The rule pass over one text: the text without chrome, and what went."""

    text: str
    removals: tuple[Removal, ...]


class _Lines:
    """A text split into lines, with the offsets and zones rules need."""

    __slots__ = (
        "text", "lines", "starts", "non_empty", "_stripped", "long_chars", "_literals", "_headline", "_by_length",
        "_first_prose", "_copies", "_in_body", "_prose", "_scanner", "_scan",
    )  # fmt: skip

    def __init__(self, text: str, scanner: scan.Scanner | None = None) -> None:
        self.text = text
        self.lines = text.split("\n")
        if len(self.lines) > 1 and self.lines[-1] == "":
            self.lines.pop()  # the final newline ends the last line; it does not start a new one
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self._stripped = [line.strip() for line in self.lines]
        self.non_empty = [i for i, s in enumerate(self._stripped) if s]
        #: Characters in lines too long to be chrome; when they dominate, short-line rules skip them.
        self.long_chars = sum(len(line) for line in self.lines if len(line) > _LONG_LINE)
        self._literals = TextLiterals(text)  # which rule literals the text holds: one scan, on first use
        self._headline: list[int] | None = None
        self._by_length: tuple[list[int], list[int]] | None = None
        self._first_prose: int | None = -1
        self._copies: dict[str, list[int]] | None = None
        self._in_body: list[bool] | None = None
        self._prose: dict[int, bool] = {}
        self._scanner = scanner  # the rule set's multi-pattern scan (``cleaner.scan``), run on first use
        self._scan: scan.DocumentScan | None | bool = False

    def candidates(self, pattern: regex.Pattern[str], stripped: bool = False) -> list[int] | None:
        """Lines ``pattern`` may match, from one scan of the text for every pattern; None when not scanned.

        A superset: a line that is not a candidate cannot match (see ``cleaner.superset``).
        ``stripped``: lines whose stripped text it may match (scanned for the ``run`` and ``tail`` kinds).
        """
        if self._scan is False:
            self._scan = self._scanner.scan(self.text) if self._scanner is not None else None
        return None if self._scan is None else self._scan.lines(pattern, stripped)  # type: ignore[union-attr]

    def candidate_set(self, pattern: regex.Pattern[str], stripped: bool = False) -> frozenset[int] | None:
        """``candidates(pattern, stripped)`` as a set."""
        if self.candidates(pattern, stripped) is None:
            return None
        return self._scan.line_set(pattern, stripped)  # type: ignore[union-attr]

    def in_body(self) -> list[bool]:
        """Per line: whether it lies in a stretch of at most ``BODY_GAP`` non-empty lines between two lines of prose.

        Computed once per text and shared by every shape kind: what sits between paragraphs
        (an ingredient list, a table, a subheading, a short reply) belongs to the article.
        Prose lines are in the body when a neighbouring stretch is.
        """
        if self._in_body is None:
            inside = [False] * len(self.lines)
            prose = [j for j, i in enumerate(self.non_empty) if self.is_prose_at(i)]
            for a, b in zip(prose, prose[1:]):
                if b - a - 1 <= BODY_GAP:
                    for j in range(a, b + 1):
                        inside[self.non_empty[j]] = True
            self._in_body = inside
        return self._in_body

    def prose_pair_after(self, i: int, within: int) -> int | None:
        """The first of the next ``within`` non-empty lines after ``i`` that starts two lines of prose in a row."""
        start = bisect_right(self.non_empty, i)
        after = self.non_empty[start : start + within + 1]
        for a, b in zip(after, after[1:]):
            if self.is_prose_at(a) and self.is_prose_at(b):
                return a
        return None

    def prose_chars(self, start: int, stop: int) -> int:
        """Visible characters in the prose lines among lines [start, stop)."""
        lines = (i for i in self.non_empty if start <= i < stop and self.is_prose_at(i))
        return sum(len(visible_text(self._stripped[i])) for i in lines)

    def is_prose_at(self, i: int) -> bool:
        """Whether line ``i`` reads as prose by its visible text (a linked headline is not prose); cached."""
        found = self._prose.get(i)
        if found is None:
            found = self._prose[i] = is_prose(visible_text(self._stripped[i]), PROSE_WIDTH)
        return found

    def short_lines(self, max_chars: int) -> list[int]:
        """Non-empty lines whose visible length is at most ``max_chars``, in document order."""
        order, lengths = self._lengths()
        return sorted(order[: bisect_right(lengths, max_chars)])

    def long_lines(self, min_chars: int) -> list[int]:
        """Non-empty lines whose visible length is at least ``min_chars``, in document order."""
        order, lengths = self._lengths()
        return sorted(order[bisect_left(lengths, min_chars) :])

    def _lengths(self) -> tuple[list[int], list[int]]:
        """Non-empty lines sorted by visible length, and those lengths (computed once per text)."""
        if self._by_length is None:
            length = {i: len(visible_text(self._stripped[i])) for i in self.non_empty}
            order = sorted(self.non_empty, key=length.__getitem__)
            self._by_length = (order, [length[i] for i in order])
        return self._by_length

    def may_match(self, rule: Rule) -> bool:
        """False when none of the rule's required literals is in the text: its pattern cannot match."""
        return self.holds_any(rule.literals, rule.literals_ignore_case)

    def holds_any(self, literals: tuple[str, ...], folded: bool) -> bool:
        """Whether one of ``literals`` is in the text (casefolded ones in the casefolded text); True for none."""
        return self._literals.holds_any(literals, folded)

    def headline_copies(self) -> list[int]:
        """Lines repeating the headline (computed once per text, shared by every rule)."""
        if self._headline is None:
            self._headline = _headline_copies(self)
        return self._headline

    def stripped(self, i: int) -> str:
        return self._stripped[i]

    def copies_below(self, i: int, below: int) -> list[int]:
        """Lines after ``below`` with the same words as line ``i`` (decoration and permalink marks aside)."""
        if self._copies is None:
            self._copies = {}
            for j in self.non_empty:
                self._copies.setdefault(_heading_words(self._stripped[j]), []).append(j)
        same = self._copies.get(_heading_words(self._stripped[i]), [])
        return same[bisect_right(same, below):]

    def first_prose(self) -> int | None:
        """The first line of prose: wide enough and ending like a sentence; None on a page without."""
        if self._first_prose == -1:
            self._first_prose = next((i for i in self.non_empty if is_prose(self._stripped[i], PROSE_WIDTH)), None)
        return self._first_prose

    def line_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def end(self, i: int) -> int:
        """Offset just past line ``i``'s text (its newline excluded)."""
        return self.starts[i] + len(self.lines[i])

    def zone(self, rule: Rule) -> tuple[int, int]:
        """The range of line indices [lo, hi) a rule's ``within`` and ``after_prose`` guards allow."""
        lo, hi = 0, len(self.lines)
        if rule.within is not None and self.non_empty:
            size = rule.within.size(len(self.non_empty))
            if size < len(self.non_empty):
                if rule.within.side == "first":
                    hi = self.non_empty[size - 1] + 1
                else:
                    lo = self.non_empty[-size]
        if rule.after_prose:
            prose = self.first_prose()
            lo = hi if prose is None else max(lo, prose + 1)
        return lo, hi


class DocumentBudget(float):
    """A per-call ``timeout`` that also carries one document's deadline, shared by every rule and round.

    A float, so it travels through every ``timeout`` parameter unchanged; ``_search`` never
    grants a call more than what is left. Without it, 60 slow lines cost 60 budgets.
    """

    deadline: float


def document_budget(timeout: float, text: str, rules: int) -> DocumentBudget:
    """``timeout`` plus the per-character allowance of one scan of ``text`` per rule, starting now."""
    budget = DocumentBudget(timeout)
    budget.deadline = time.monotonic() + timeout + len(text) * _SECONDS_PER_CHAR * max(rules, 1)
    return budget


def _search(rule: Rule, pattern: regex.Pattern[str], text: str, pos: int, endpos: int, timeout: float, anchored: bool = False) -> regex.Match[str] | None:  # noqa: E501
    """One regex call with a budget: ``timeout`` plus time in proportion to the length searched.

    ``anchored``: ``pattern.match`` instead of ``pattern.search`` (a match starting at ``pos``).
    """
    budget = timeout + (endpos - pos) * _SECONDS_PER_CHAR
    if isinstance(timeout, DocumentBudget):
        budget = min(budget, timeout.deadline - time.monotonic())
        if budget <= 0:
            raise RuleTimeoutError(rule.id, float(timeout))
    try:
        return (pattern.match if anchored else pattern.search)(text, pos, endpos, timeout=budget)
    except TimeoutError:
        raise RuleTimeoutError(rule.id, timeout) from None


def visible_text(stripped: str) -> str:
    """A line as a reader sees it: markdown links and images reduced to their text.

    Length guards measure this, so a byline carrying a 200-character share URL is still short.
    """
    if "](" not in stripped:
        return stripped
    visible = _MD_LINK.sub(r"\1", stripped)
    if "](" in visible:  # an image inside a link ("[![](icon.png)](url)") takes a second pass
        visible = _MD_LINK.sub(r"\1", visible)
    return visible.strip()


def _guards_ok(rule: Rule, stripped: str, timeout: float) -> bool:
    """The per-line guards: length limits (on the visible text) and the ``unless`` exception pattern."""
    if rule.max_chars is not None or rule.min_chars is not None:
        length = len(visible_text(stripped))
        if rule.max_chars is not None and length > rule.max_chars:
            return False
        if rule.min_chars is not None and length < rule.min_chars:
            return False
    return rule.unless is None or _search(rule, rule.unless, stripped, 0, len(stripped), timeout) is None


def _pattern_lines(rule: Rule, lines: _Lines, timeout: float) -> list[int]:
    """Lines in the rule's zone on which its pattern matches and its length guards hold."""
    assert rule.pattern is not None
    lo, hi = lines.zone(rule)
    if lo >= hi:
        return []
    text, pattern = lines.text, rule.pattern
    scanned = lines.candidate_set(pattern)  # None when the multi-pattern scan does not cover the pattern
    if scanned is None:
        if not lines.may_match(rule):
            return []  # none of its required literals is in the text
    elif not scanned:
        return []  # the scan finds no line it can match
    candidates = None
    if rule.max_chars is not None:
        short = lines.short_lines(rule.max_chars)
        if len(short) * _PER_LINE_COST < len(text) or lines.long_chars * 2 > len(text):
            candidates = short  # few lines are short enough for this rule: skip the rest of the text
    elif rule.min_chars is not None:
        long = lines.long_lines(rule.min_chars)
        if len(long) * _PER_LINE_COST < len(text):
            candidates = long  # few lines are long enough (a keyword-spam line): skip the rest
    if candidates is not None:
        if scanned is not None:
            candidates = [i for i in candidates if i in scanned]
        return [
            i for i in candidates
            if lo <= i < hi and _guards_ok(rule, lines.stripped(i), timeout)
            and _search(rule, pattern, lines.lines[i], 0, len(lines.lines[i]), timeout)
        ]  # fmt: skip
    hits = _matching_lines(rule, pattern, lines, lo, hi, timeout)
    return [i for i in hits if _guards_ok(rule, lines.stripped(i), timeout)]


def _matching_lines(
    rule: Rule, pattern: regex.Pattern[str], lines: _Lines, lo: int, hi: int, timeout: float
) -> list[int]:
    """Lines in [lo, hi) on which ``pattern`` matches: one scan of the text, each hit confirmed on its line.

    A line is a hit when the leftmost match searched from its start begins on it and ends within
    it, or the line alone matches. With the multi-pattern scan, only its candidate lines are tried.
    """
    text = lines.text
    pos, endpos = lines.starts[lo], lines.end(hi - 1)
    scanned = lines.candidates(pattern)
    if scanned is not None:
        return _confirmed_lines(rule, pattern, lines, [i for i in scanned if lo <= i < hi], endpos, timeout)
    hits = []
    while pos <= endpos:
        found = _search(rule, pattern, text, pos, endpos, timeout)
        if found is None:
            break
        i = lines.line_at(found.start())
        if found.end() <= lines.end(i) or _search(rule, pattern, lines.lines[i], 0, len(lines.lines[i]), timeout):
            hits.append(i)
        pos = lines.end(i) + 1
    return hits


def _confirmed_lines(
    rule: Rule, pattern: regex.Pattern[str], lines: _Lines, candidates: list[int], endpos: int, timeout: float
) -> list[int]:
    """``_matching_lines``'s verdict on each candidate line, without scanning the text between them.

    The search from a line's start finds a match starting on that line exactly when the
    ``line_start_matcher`` matches at that start (it tries the line's positions in order, as
    search does, and stops at its end); the text up to ``endpos`` stays visible to both.
    """
    text, matcher, hits = lines.text, scan.line_start_matcher(pattern), []
    for i in candidates:
        found = _search(rule, matcher, text, lines.starts[i], endpos, timeout, anchored=True)
        if found is not None and (
            found.end() <= lines.end(i) or _search(rule, pattern, lines.lines[i], 0, len(lines.lines[i]), timeout)
        ):
            hits.append(i)
    return hits


def _core(line: str) -> str:
    """A line as a headline: its visible text, heading/list marks dropped."""
    line = visible_text(line)
    return _DECORATION.sub("", line) if line[:1] in _DECORATION_CHARS or line[-1:] in _DECORATION_CHARS else line


def _heading_words(line: str) -> str:
    """A line's words as a heading: decoration and a trailing permalink mark ("¶") dropped."""
    return _core(line).rstrip(_PERMALINK)


def _title_index(lines: _Lines) -> int | None:
    """The headline: the first line wide enough to be one, after any ``---`` front matter.

    A page that opens with a menu ("首页", "Home") has its headline further down; a headline is
    at least ``_TITLE_WIDTH`` columns wide. A page with no such line has its first line.
    """
    non_empty = lines.non_empty
    if not non_empty:
        return None
    start = 0
    if lines.stripped(non_empty[0]) == _FRONT_MATTER:
        closing = next((k for k in range(1, len(non_empty)) if lines.stripped(non_empty[k]) == _FRONT_MATTER), None)
        if closing is not None:
            start = closing + 1
            if start >= len(non_empty):
                return None
    for k in range(start, len(non_empty)):
        if _width_at_least(_core(lines.stripped(non_empty[k])), _TITLE_WIDTH):
            return non_empty[k]
    return non_empty[start]


def _echoes(core: str, title: str, max_extra: int) -> bool:
    short, long = (core, title) if len(core) <= len(title) else (title, core)
    if len(short) < _MIN_HEADLINE or len(long) - len(short) > max_extra:
        return False
    if long.startswith(short):
        extra = long[len(short):]
    elif long.endswith(short):
        extra = long[: len(long) - len(short)]
    else:
        return False
    return not _PROSE_EXTRA.search(extra) and not _SECTION_NUMBER.match(extra)


def _headline_copies(lines: _Lines, max_extra: int = _ECHO_EXTRA) -> list[int]:
    """Lines repeating the headline, the title line included, in document order."""
    title_at = _title_index(lines)
    if title_at is None:
        return []
    title = _core(lines.stripped(title_at))
    if len(title) < _MIN_HEADLINE:
        return [title_at]
    head, tail = title[:_MIN_HEADLINE], title[-_MIN_HEADLINE:]
    name = _article_name(title)
    return [
        i for i in lines.non_empty
        if i == title_at
        or ((head in lines.stripped(i) or tail in lines.stripped(i))
            and (_echoes(core := _core(lines.stripped(i)), title, max_extra) or core == name))
    ]  # fmt: skip


def _article_name(title: str) -> str | None:
    """The article's own name in a page title that adds the site's after a separator
    ("Raubfisch-Rute im Test: die Iaconelli Spinning Rod | Anglerboard – Forum mit …"), if it is
    wide enough to be a headline: a line that is exactly it repeats the headline, however long
    the site's part."""
    parts = _TITLE_SEPARATOR.split(title, 1)
    if len(parts) < 2:
        return None
    name = parts[0].strip()
    return name if _width_at_least(name, _TITLE_WIDTH) else None


def _echo_lines(rule: Rule, lines: _Lines, timeout: float) -> list[int]:
    """Headline copies that fire: all but one, the first markdown heading or else the barest copy."""
    group = lines.headline_copies() if rule.max_extra == _ECHO_EXTRA else _headline_copies(lines, rule.max_extra)
    group = _whole_copies(group, lines)
    if len(group) < 2:
        return []
    headings = [i for i in group if lines.stripped(i).startswith("#")]
    keep = headings[0] if headings else _barest_above_body(group, lines)
    lo, hi = lines.zone(rule)
    allowed = set(_pattern_lines(rule, lines, timeout)) if rule.pattern is not None else None
    return [
        i for i in group
        if i != keep and lo <= i < hi and _guards_ok(rule, lines.stripped(i), timeout) and (allowed is None or i in allowed)
    ]  # fmt: skip


def _whole_copies(group: list[int], lines: _Lines) -> list[int]:
    """Copies of the headline less those that are only part of another copy:
    a subheading that repeats the headline's second half ("出国前后关注点大不同") is the article's."""
    cores = {i: _core(lines.stripped(i)) for i in group}
    return [i for i in group if not any(_part_of(cores[i], cores[j]) for j in group if j != i)]


def _part_of(short: str, long: str) -> bool:
    """Whether ``short`` is a piece of the headline ``long`` rather than ``long`` less a site name."""
    if len(short) >= len(long) or short not in long:
        return False
    if long.startswith(short):
        return _TITLE_SEPARATOR.match(long, len(short)) is None
    if long.endswith(short):
        return not any(m.end() == len(long) - len(short) for m in _TITLE_SEPARATOR.finditer(long))
    return True


def _barest_above_body(group: list[int], lines: _Lines) -> int:
    """The copy that stays: of the barest copies, the last one above the prose that follows the first.

    The article's own headline sits right above its body; a bare copy higher up is a caption in
    the site's header, and one lower down a sticky repeat.
    """
    width = min(len(_core(lines.stripped(i))) for i in group)
    barest = [i for i in group if len(_core(lines.stripped(i))) == width]
    prose = next((i for i in lines.non_empty if i > barest[0] and lines.is_prose_at(i)), None)
    if prose is None:
        return barest[0]
    return max(i for i in barest if i < prose)


def _repeated_lines(rule: Rule, lines: _Lines, timeout: float) -> list[int]:
    """Lines whose words appear again as a line further down and that pass the rule's pattern and guards."""
    lo, hi = lines.zone(rule)
    allowed = set(_pattern_lines(rule, lines, timeout)) if rule.pattern is not None else None
    return [
        i for i in lines.non_empty
        if lo <= i < hi and (allowed is None or i in allowed) and _guards_ok(rule, lines.stripped(i), timeout)
        and lines.copies_below(i, i)
    ]  # fmt: skip


def _firing_lines(rule: Rule, lines: _Lines, timeout: float) -> list[int]:
    if rule.next is not None and lines.candidates(rule.next) == []:
        return []  # the scan finds no line the rule's ``next`` can match
    if not lines.holds_any(rule.next_literals, rule.next_literals_ignore_case):
        return []  # no line can be followed by what the rule needs
    if rule.echo == "title":
        hits = _echo_lines(rule, lines, timeout)
    elif rule.echo == "below":
        hits = _repeated_lines(rule, lines, timeout)
    elif rule.pattern is None and rule.next is not None:
        # no pattern of its own: find the lines ``next`` matches in one scan, then the lines above them
        lo, hi = lines.zone(rule)
        if lo >= hi or not lines.non_empty:
            return []
        followed = set(_matching_lines(rule, rule.next, lines, 0, len(lines.lines), timeout))
        return [
            i for i, below in zip(lines.non_empty, lines.non_empty[1:])
            if below in followed and lo <= i < hi and _guards_ok(rule, lines.stripped(i), timeout)
        ]  # fmt: skip
    else:
        hits = _pattern_lines(rule, lines, timeout)
    return hits if rule.next is None else [i for i in hits if _next_matches(rule, lines, i, timeout)]


def _next_matches(rule: Rule, lines: _Lines, i: int, timeout: float) -> bool:
    """The ``next`` guard: the next non-empty line after ``i`` matches the rule's ``next`` pattern."""
    assert rule.next is not None
    k = bisect_right(lines.non_empty, i)
    if k >= len(lines.non_empty):
        return False
    below = lines.non_empty[k]
    scanned = lines.candidate_set(rule.next)
    if scanned is not None and below not in scanned:
        return False  # the scan proves the line cannot match
    following = lines.lines[below]
    return _search(rule, rule.next, following, 0, len(following), timeout) is not None


# -- removal kinds: each turns a rule's firing lines into inclusive line ranges ----------------


def _ranges_line(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    return ((i, i) for i in _firing_lines(rule, lines, timeout))


def _ranges_rest(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    """From the first firing line to the end, unless the article resumes below it.

    With ``resume``, a heading with more than twice as much prose below it as above, and no copy
    of the headline above it, is a menu over the article: the removal ends at the next line of
    prose. And a "Related" box inside the body (prose close above and below the heading)
    ends where two lines of prose follow one another again, at most ``BODY_GAP`` lines below:
    the article goes on there, and the box alone is chrome. Comment sections have no ``resume``:
    a comment is prose too.
    """
    hits = _firing_lines(rule, lines, timeout)
    if not hits:
        return []
    first, last = hits[0], len(lines.lines) - 1
    above, below = lines.prose_chars(0, first), lines.prose_chars(first, last + 1)
    if rule.resume and below > 2 * above and not _headline_above(lines, first):
        # far more prose below than above: the heading sits in a menu over the article, which starts
        # at the next line of prose
        prose = next((i for i in lines.non_empty if i > first and lines.is_prose_at(i)), None)
        return [(first, prose - 1)] if prose is not None else []
    if rule.resume and lines.in_body()[first]:
        resumed = lines.prose_pair_after(first, BODY_GAP)
        if resumed is not None:
            last = resumed - 1
    return [(first, last)]


def _headline_above(lines: _Lines, i: int) -> bool:
    """Whether the article's own copy of the page title's headline sits above line ``i``: it starts there."""
    copies = _whole_copies(lines.headline_copies(), lines)
    return len(copies) > 1 and _barest_above_body(copies, lines) < i


def _ranges_head(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    hits = _firing_lines(rule, lines, timeout)
    return [(0, hits[-1])] if hits else []


def _ranges_block(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    ranges = []
    last = len(lines.lines) - 1
    for i in _firing_lines(rule, lines, timeout):
        if rule.lines is not None:
            following = [j for j in lines.non_empty if j > i][: rule.lines - 1]
            ranges.append((i, following[-1] if following else i))
        elif rule.until_blank:
            j = next((j for j in range(i + 1, last + 1) if not lines.stripped(j)), last + 1)
            ranges.append((i, j - 1))
        elif rule.until is not None and i < last:
            found = _search(rule, rule.until, lines.text, lines.starts[i + 1], len(lines.text), timeout)
            if found is not None:  # no terminator: the shape is not what the rule expects, keep it
                ranges.append((i, lines.line_at(found.start())))
    return ranges


def display_width(text: str) -> int:
    """Columns a text takes: East Asian wide and full-width characters count two."""
    return len(text) + len(_WIDE.findall(text))


def _width_at_least(text: str, columns: int) -> bool:
    """``display_width(text) >= columns``, without counting when the length already says so."""
    return len(text) >= columns or display_width(text) >= columns


def is_prose(stripped: str, width: int) -> bool:
    """A line of prose: at least ``width`` columns and ending like a sentence."""
    return _PROSE_END.search(stripped) is not None and _width_at_least(stripped, width)


def _fits_run(rule: Rule, stripped: str, timeout: float) -> bool:
    """The run shape, cheapest checks first; the rule's own ``match``/``unless`` last."""
    shape = rule.run
    assert shape is not None
    visible = visible_text(stripped)
    if len(visible) > shape.max_chars or (shape.max_width is not None and len(visible) > shape.max_width):
        return False
    if shape.max_width is not None and display_width(visible) > shape.max_width:
        return False
    if not shape.punctuated and _SENTENCE_PUNCT.search(visible):
        return False
    if rule.unless is not None and _search(rule, rule.unless, stripped, 0, len(stripped), timeout):
        return False
    return rule.pattern is None or _search(rule, rule.pattern, stripped, 0, len(stripped), timeout) is not None


def _protected(rule: Rule, stripped: str, timeout: float) -> bool:
    """Whether the rule's ``unless`` matches the line."""
    return rule.unless is not None and _search(rule, rule.unless, stripped, 0, len(stripped), timeout) is not None


def _ranges_run(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    """Runs of at least ``min_lines`` fitting lines; blank lines neither count nor break a run.

    A line repeating the headline is never part of a run: short and unpunctuated, a headline
    between two menus would otherwise go with them.
    """
    assert rule.run is not None
    lo, hi = lines.zone(rule)
    if rule.pattern is not None and not lines.may_match(rule):
        return []
    shape = rule.run
    headline = set(lines.headline_copies())
    gap_limit = 2 * (shape.max_width if shape.max_width is not None else shape.max_chars)
    ranges: list[tuple[int, int]] = []
    run: list[int] = []  # fitting lines of the current run
    gap: list[int] = []  # non-fitting lines since its last fitting line
    for i in lines.non_empty:
        fits = (
            lo <= i < hi and i not in headline and _fits_run(rule, lines.stripped(i), timeout)
            and (not shape.repeated_below or bool(lines.copies_below(i, i)))
        )  # fmt: skip
        if fits:
            run.append(i)
            gap = []
            continue
        absorbable = (
            run and len(gap) < shape.max_gap and lo <= i < hi and i not in headline
            and display_width(lines.stripped(i)) <= gap_limit and not _SENTENCE_PUNCT.search(lines.stripped(i))
            and not _protected(rule, lines.stripped(i), timeout)
        )  # fmt: skip  # a line the rule's ``unless`` protects never sits inside a run
        if absorbable:
            gap.append(i)
            continue
        ranges.extend(_accepted(run, shape, lines))
        run, gap = [], []
    ranges.extend(_accepted(run, shape, lines))
    return ranges


def _accepted(run: list[int], shape: RunShape, lines: _Lines) -> list[tuple[int, int]]:
    """The run as a line range, if it is one; a table of contents may be its longest qualifying start."""
    if not shape.repeated_below:
        return [(run[0], run[-1])] if len(run) >= shape.min_lines else []
    for end in range(len(run), shape.min_lines - 1, -1):  # the first heading below may look like more contents
        if _is_contents(run[:end], lines):
            return [(run[0], run[end - 1])]
    return []


def _is_contents(run: list[int], lines: _Lines) -> bool:
    """A table of contents: its lines' copies below it come in the same order and mostly stand
    apart (a block repeated whole, like a chorus, has them together)."""
    copies = []
    seen: dict[str, int] = {}
    for i in run:  # the n-th "Setting up" of the contents goes with the n-th one below
        words = _heading_words(lines.stripped(i))
        nth = seen[words] = seen.get(words, -1) + 1
        below = lines.copies_below(i, run[-1])
        if nth >= len(below):
            return False
        copies.append(below[nth])
    if any(b <= a for a, b in zip(copies, copies[1:])):
        return False
    apart = sum(1 for a, b in zip(copies, copies[1:]) if any(lines.stripped(j) for j in range(a + 1, b)))
    return apart * 2 > len(copies) - 1  # a heading may sit right under its section's heading


def _ranges_tail(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    """Short unpunctuated lines after the last line of prose, read from the page's end.

    A wide line, one the rule's ``unless`` protects or one that stops mid-sentence (a comma at
    its end) ends the tail: a list the article ends with (a fact sheet and the heading over it)
    stays with everything above it. So do two
    short statements in a row (an article of short lines); a lone sentence ("An error
    occurred.") stays but does not end the tail. A page with no prose has no tail.
    """
    shape = rule.tail
    assert shape is not None
    last_prose = next((i for i in reversed(lines.non_empty) if is_prose(lines.stripped(i), shape.prose_width)), None)
    if last_prose is None or (rule.pattern is not None and not lines.may_match(rule)):
        return []
    lo, hi = lines.zone(rule)
    ranges = []
    order = [i for i in lines.non_empty if i > last_prose]
    for k in range(len(order) - 1, -1, -1):
        i = order[k]
        if not lo <= i < hi:
            break
        stripped = lines.stripped(i)
        if _width_at_least(stripped, shape.max_width) or not _guards_ok(rule, stripped, timeout):
            break
        if _CLAUSE_END.search(stripped):
            break  # a line ending mid-sentence ("道路施工会给大家的出行带来不便，") is the article's text
        if _PROSE_END.search(stripped):
            if _STATEMENT_END.search(stripped) and k > 0 and _STATEMENT_END.search(lines.stripped(order[k - 1])):
                break  # two statements in a row are the article's (teasers end in "?" and "!")
            continue
        if rule.pattern is None or _search(rule, rule.pattern, stripped, 0, len(stripped), timeout):
            ranges.append((i, i))
    return ranges[::-1]


def _ranges_masthead(rule: Rule, lines: _Lines, timeout: float) -> Iterable[tuple[int, int]]:
    """The lines between the first two copies of the headline: the page title and the article's own.

    The title must be the longer copy ("Headline | Site" over "Headline"): once a round has taken
    the page title away, the headline is the first copy and nothing below it is a masthead. No
    prose may sit between the copies (a site's header, menus and promos do not read like
    sentences; nor does any of it hold a "。" or "．", so a poem under its title stays), and prose must
    follow the second copy (an article starts there). Lines the rule's ``unless`` matches stay, and so
    does a standfirst the page title carries too ("Headline | Standfirst").
    """
    copies = lines.headline_copies()
    if len(copies) < 2:
        return []
    title, headline = copies[0], copies[1]
    if len(_core(lines.stripped(title))) <= len(_core(lines.stripped(headline))):
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


def _spans(rule: Rule, lines: _Lines, timeout: float) -> list[tuple[int, int, int]]:
    """(line, start, end) of each match of a ``span`` rule, offsets within the line."""
    assert rule.pattern is not None
    spans = []
    for i in _firing_lines(rule, lines, timeout):
        line = lines.lines[i]
        try:
            spans.extend((i, m.start(), m.end()) for m in rule.pattern.finditer(line, timeout=timeout) if m.end() > m.start())  # noqa: E501
        except TimeoutError:
            raise RuleTimeoutError(rule.id, timeout) from None
    return spans


#: Removal kind -> the function that turns a rule's hits into line ranges. ``span`` is handled apart.
RANGE_KINDS: dict[str, Callable[[Rule, _Lines, float], Iterable[tuple[int, int]]]] = {
    "line": _ranges_line,
    "rest": _ranges_rest,
    "head": _ranges_head,
    "block": _ranges_block,
    "run": _ranges_run,
    "tail": _ranges_tail,
    "masthead": _ranges_masthead,
}


def strip(text: str, rules: Iterable[Rule], timeout: float = DEFAULT_TIMEOUT, round_no: int = 1) -> StripResult:
    """Remove what ``rules`` find in ``text`` and tidy the blank lines; report every removal."""
    if not isinstance(timeout, DocumentBudget):  # one call, one document (Pipeline passes one for all rounds)
        rules = tuple(rules)
        timeout = document_budget(timeout, text, len(rules))
    rules = tuple(rules)  # the same tuple object when it already is one: the scanner is found by identity
    lines = _Lines(text, _scanner(rules, timeout))
    n = len(lines.lines)
    owner: list[str | None] = [None] * n
    claims: list[tuple[int, str, int, int, bool]] = []  # (rank, rule id, first, last, yields to the body)
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for rule in rules:
        if rule.kind == "span":
            for i, start, end in _spans(rule, lines, timeout):
                spans.setdefault(i, []).append((start, end, rule.id))
        else:
            rank, shape = _KIND_RANK[rule.kind], rule.kind in _SHAPE_KINDS
            claims.extend((rank, rule.id, a, b, shape) for a, b in RANGE_KINDS[rule.kind](rule, lines, timeout))
    in_body = lines.in_body() if any(claim[4] for claim in claims) else [False] * n
    for _, rule_id, a, b, shape in sorted(claims):
        for i in range(a, b + 1):
            if owner[i] is None and not (shape and in_body[i]):
                owner[i] = rule_id

    removals: list[Removal] = []
    kept: list[str] = []
    for i, line in enumerate(lines.lines):
        if owner[i] is not None:
            continue
        if i in spans:
            line = _cut_spans(lines, i, spans[i], removals, round_no)
            if not line.strip():
                continue  # nothing but whitespace left: the line goes
        kept.append(line)
    removals.extend(_line_removals(lines, owner, round_no))
    removals.sort(key=lambda r: (r.start, r.end, r.rule_id))
    return StripResult(text=tidy_lines(kept), removals=tuple(removals))


def _scanner(rules: tuple[Rule, ...], budget: DocumentBudget) -> scan.Scanner | None:
    """The rules' multi-pattern scanner; compiling it (once per rule set, on a cold cache) is not the document's regex time."""  # noqa: E501
    started = time.monotonic()
    scanner = scan.for_rules(rules)
    budget.deadline += time.monotonic() - started
    return scanner


def _cut_spans(lines: _Lines, i: int, found: list[tuple[int, int, str]], removals: list[Removal], round_no: int) -> str:  # noqa: E501
    """Delete the union of the spans on line ``i``; each character is attributed to the first span covering it."""
    line, base = lines.lines[i], lines.starts[i]
    pieces, cursor = [], 0
    for start, end, rule_id in sorted(found):
        start = max(start, cursor)
        if start >= end:
            continue
        pieces.append(line[cursor:start])
        removals.append(Removal(rule_id, i + 1, i + 1, base + start, base + end, line[start:end], round_no))
        cursor = end
    pieces.append(line[cursor:])
    return "".join(pieces)


def _line_removals(lines: _Lines, owner: list[str | None], round_no: int) -> Iterable[Removal]:
    """Contiguous lines owned by one rule become one Removal."""
    i, n = 0, len(owner)
    while i < n:
        rule_id = owner[i]
        if rule_id is None:
            i += 1
            continue
        j = i
        while j + 1 < n and owner[j + 1] == rule_id:
            j += 1
        start, end = lines.starts[i], lines.end(j)
        yield Removal(rule_id, i + 1, j + 1, start, end, lines.text[start:end], round_no)
        i = j + 1


def tidy_lines(lines: Iterable[str]) -> str:
    """Join lines: runs of blank lines become one empty line, no blank line at either end, one final newline."""
    out: list[str] = []
    blank_pending = False
    for line in lines:
        if not line.strip():
            blank_pending = bool(out)
            continue
        if blank_pending:
            out.append("")
            blank_pending = False
        out.append(line)
    return "\n".join(out) + "\n" if out else ""
