"""The pure rule pass: which lines of a text are chrome, and the text without them.

No I/O, no globals, no logging. ``strip(text, rules)`` looks at one text with
every rule at once; each rule reports the lines it fires on, its removal kind
turns those into line ranges (or character spans), and the ranges are merged.
Each removed line is attributed to exactly one rule, the most specific one
that covers it (its kind's ``rank``), with ties broken by rule id, so the result
never depends on the order rules are listed in.

This module holds what every kind shares: the line table (``_Lines``), the lines
a rule's pattern, ``echo`` or ``next`` fires on (``_firing_lines``), the measures
of a line (``visible_text``, ``display_width``, ``is_prose``), and ``strip``. Each
kind's own matcher lives in its module under ``cleaner.kinds``.

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
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any

import regex

from cleaner import scan
from cleaner.errors import RuleTimeoutError
from cleaner.pattern_facts import MAX_VERDICTS, CLOCK_FREE_CHARS, clock_free, line_alone_decides
from cleaner.model import Removal, Rule
from cleaner.prefilter import TextLiterals

#: Default time budget for one regex call; a pattern that needs longer is treated as broken.
DEFAULT_TIMEOUT = 2.0

#: A letter's close ("Kind regards,", "此致，"): short, ending in a comma; the signature follows it.
_VALEDICTION = re.compile(r".{1,40}[,，]")
#: A letter's close however it ends ("All the best!", "Cheers", "此致敬礼"): the common closings.
_CLOSING = re.compile(
    r"(?:(?:best|kind|warm|warmest|with)?\s*regards|all the best|best wishes|cheers|thanks(?: again)?|thank you"
    r"|many thanks|sincerely|yours(?: truly| sincerely)?|mit freundlichen grüßen|(?:viele|liebe|beste) grüße"
    r"|cordialement|bien à vous|saludos(?: cordiales)?|un saludo|cordiali saluti|atenciosamente|abraços"
    r"|с уважением|此致敬礼|此致|谢谢|祝好)[\s,，!！.。]*",
    re.IGNORECASE,
)
#: Sentence punctuation: a line containing it is prose, not a menu item (``_Lines.punctuated``).
SENTENCE_PUNCT = re.compile(r"[。！？；，、：]|[.!?;,:](?:\s|$)")
#: A numbered item ("6.", "6、", "(6)", "第6条"): see ``_Lines.numbered_list_items``.
_LIST_NUMBER = re.compile(r"\s*(?:[(（]?(\d{1,2})[.、)）．]|第(\d{1,2})[条章节])")
#: A section of a Chinese document ("一、", "（二）", "第三章"): see ``_Lines.numbered_list_items``.
#: The groups are the three styles, each numbered on its own (一、 heads sections, （一） their parts).
_CHINESE_SECTION = re.compile(r"\s*(?:([一二三四五六七八九十]{1,3})、|[(（]([一二三四五六七八九十]{1,3})[)）]|第([一二三四五六七八九十]{1,3})[章节条部分篇])")
_CHINESE_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九", 1)}
#: The characters such a section can open with: most lines are not tried against the pattern.
_SECTION_OPENERS = frozenset("一二三四五六七八九十(（第")
#: Item n - 1 of a list lies at most this many lines above item n.
_LIST_REACH = 40
#: A line with prose within this many non-empty lines both above and below it is inside the
#: article's body: a list, table row, subheading or signature of the article, not a menu.
BODY_GAP = 11
#: (Protecting also the line right below or above each paragraph, for signatures and subheadings,
#: cost the tuning half 0.3-1 point of chrome for 0.05 point of content, and footers right under the
#: last paragraph ("More from Example Daily") would stay: not done.)

# The engine's own helper patterns use the stdlib ``re``: they are simple and it scans faster.
#: Markdown link or image markup, reduced to its visible text when measuring a line.
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
#: Permalink marks documentation generators put after a heading ("Conclusion¶").
_PERMALINK = "¶§#\uf0c1 "
#: What decorates a heading or list item without being part of its words.
_DECORATION = re.compile(r"^[\s#>*+\-•·]+|[\s*]+$")
_DECORATION_CHARS = frozenset("#>*+-•· \t\u3000\xa0")
#: How a line of prose ends: sentence punctuation, perhaps inside a closing quote or bracket.
_PROSE_END = re.compile(r"[。．！？.!?…」』”\"'）)]\s*$")
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
#: What follows the headline in a page title, up to the separator before the site's name: a
#: separator at once ("名称--频道--网站", "名称 _网站", "名称-新华网": Chinese sites also join with
#: "--", "__" and a bare hyphen between Han characters) or after a few glued words of the site's
#: name ("…加速度凤凰网评论_凤凰网", "…调研工作 东区办事处_中山网"). No clause mark may come
#: first: "名称：副题_网站" continues the headline.
_SITE_SUFFIX = re.compile(
    r"\s?[^\s:：，,。.!！?？;；]{0,10}?\s?(?:\s[|｜\-–—]\s|-{2}|_{1,2}|(?<=[\u4e00-\u9fff])[-－](?=[\u4e00-\u9fff])|[|｜丨])"
)
#: The separator after a site's or channel's name that a page title puts first ("明日股市预测--名称").
_SITE_PREFIX = re.compile(r"\s+[|｜\-–—]\s+|-{2}|_{1,2}|[|｜丨]")
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
    #: For each line of ``text.split("\n")``, the index of the input line it is (None for a blank
    #: line): a later round's removals map back onto the input through it, without a diff.
    origins: tuple[int | None, ...] = ()


class _Lines:
    """A text split into lines, with the offsets and zones rules need."""

    __slots__ = (
        "text", "lines", "starts", "non_empty", "_stripped", "long_chars", "_literals", "_headline", "_by_length",
        "_first_prose", "_copies", "_in_body", "_prose", "_main_body", "_scanner", "_scan",
        "_visible", "_widths", "_punctuated", "_words", "_visible_lengths", "_repeated", "_prose_totals",
        "_overlaps", "_body_grams", "_memo", "_line_grams", "_listed",
    )  # fmt: skip

    def __init__(
        self, text: str, scanner: scan.Scanner | None = None, scanned: scan.DocumentScan | None = None,
        memo: dict[Any, Any] | None = None,
    ) -> None:
        """``scanned``: the scan of ``text`` by ``scanner``, when the caller has it already; ``memo``: the
        document's memo (``DocumentBudget.memo``), shared by its rounds."""
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
        self._words: dict[int, str] = {}  # each non-empty line's heading words, filled with ``_copies``
        self._in_body: list[bool] | None = None
        self._listed: frozenset[int] | None = None  # ``numbered_list_items``: the round and the tail ask
        self._prose: dict[int, bool] = {}
        self._main_body: tuple[int, int] | None | bool = False
        self._body_grams: _BodyGrams | None = None
        self._overlaps: dict[int, float | None] = {}  # line -> ``body_overlap``: every max_overlap rule asks
        self._memo = memo
        self._line_grams: dict[int, set[str]] = {}
        # the line table every shape kind reads: filled line by line, on first use
        self._visible: dict[int, str] = {}
        self._visible_lengths: list[int] | None = None
        self._repeated: frozenset[int] | None = None
        self._prose_totals: list[int] | None = None
        self._widths: dict[tuple[int, bool], int] = {}
        self._punctuated: dict[tuple[int, bool], bool] = {}
        self._scanner = scanner  # the rule set's multi-pattern scan (``cleaner.scan``), run on first use
        self._scan: scan.DocumentScan | None | bool = False
        if scanned is not None and scanner is not None and scanned.scanner is scanner:
            self._scan = scanned

    def scanned(self) -> scan.DocumentScan | None:
        """The multi-pattern scan of the text (run on first use); None without a scanner or when it cannot run."""
        if self._scan is False:
            self._scan = self._scanner.scan(self.text) if self._scanner is not None else None
        return self._scan  # type: ignore[return-value]

    def candidates(self, pattern: regex.Pattern[str], stripped: bool = False) -> list[int] | None:
        """Lines ``pattern`` may match, from one scan of the text for every pattern; None when not scanned.

        A superset: a line that is not a candidate cannot match (see ``cleaner.superset``).
        ``stripped``: lines whose stripped text it may match (scanned for the ``run`` and ``tail`` kinds).
        """
        found = self.scanned()
        return None if found is None else found.lines(pattern, stripped)

    def candidate_set(self, pattern: regex.Pattern[str], stripped: bool = False) -> frozenset[int] | None:
        """``candidates(pattern, stripped)`` as a set."""
        if self.candidates(pattern, stripped) is None:
            return None
        return self._scan.line_set(pattern, stripped)  # type: ignore[union-attr]

    def visible_lengths(self) -> list[int]:
        """Per line, the length of its visible text (0 for a blank line); computed once per text."""
        if self._visible_lengths is None:
            # a line without markdown link markup is its own visible text (``visible_text``)
            stripped = self._stripped
            self._visible_lengths = [len(s) if "](" not in s else len(self.visible(i)) for i, s in enumerate(stripped)]
        return self._visible_lengths

    def visible(self, i: int) -> str:
        """Line ``i`` as a reader sees it (``visible_text`` of its stripped text); cached."""
        found = self._visible.get(i)
        if found is None:
            found = self._visible[i] = visible_text(self._stripped[i])
        return found

    def width(self, i: int, visible: bool = True) -> int:
        """``display_width`` of line ``i``'s visible (or stripped) text; cached, read by every run rule."""
        key = (i, visible)
        found = self._widths.get(key)
        if found is None:
            found = self._widths[key] = display_width(self.visible(i) if visible else self._stripped[i])
        return found

    def width_at_most(self, i: int, columns: int, visible: bool = True) -> bool:
        """``width(i, visible) <= columns``, without measuring when the length already says so
        (a character takes at most two columns)."""
        text = self.visible(i) if visible else self._stripped[i]
        return 2 * len(text) <= columns or self.width(i, visible) <= columns

    def repeated_below(self) -> frozenset[int]:
        """Lines whose words appear again as a line further down (``copies_below(i, i)`` is not empty)."""
        if self._repeated is None:
            self._same_words(0)  # builds the copies table
            self._repeated = frozenset(i for same in self._copies.values() for i in same[:-1])  # type: ignore[union-attr]
        return self._repeated

    def punctuated(self, i: int, visible: bool = True) -> bool:
        """Whether line ``i``'s visible (or stripped) text holds sentence punctuation; cached."""
        key = (i, visible)
        found = self._punctuated.get(key)
        if found is None:
            found = self._punctuated[key] = SENTENCE_PUNCT.search(self.visible(i) if visible else self._stripped[i]) is not None
        return found

    def in_body(self) -> list[bool]:
        """Per line: whether it lies in a stretch of at most ``BODY_GAP`` non-empty lines between two lines of prose.

        Computed once per text and shared by every shape kind: what sits between paragraphs
        (an ingredient list, a table, a subheading, a short reply) belongs to the article.
        Prose lines are in the body when a neighbouring stretch is. So is a letter's close: a
        short line ending in a comma right after prose ("Kind regards,") or a common closing
        ("All the best!", "此致敬礼") and the name under it. Not a title under the name: a footer's
        "Privacy" sits there as often.
        """
        if self._in_body is None:
            inside = [False] * len(self.lines)
            prose = [j for j, i in enumerate(self.non_empty) if self.is_prose_at(i)]
            for a, b in zip(prose, prose[1:]):
                if b - a - 1 <= BODY_GAP:
                    for j in range(a, b + 1):
                        inside[self.non_empty[j]] = True
            for j in prose:
                if j + 2 >= len(self.non_empty):
                    continue
                close = self._stripped[self.non_empty[j + 1]]
                if _VALEDICTION.fullmatch(close) or _CLOSING.fullmatch(close):
                    inside[self.non_empty[j + 1]] = inside[self.non_empty[j + 2]] = True
            self._in_body = inside
        return self._in_body

    def main_body(self) -> tuple[int, int] | None:
        """(first, last) line of the article's main stretch of prose; None on a page without prose.

        Lines of prose at most ``BODY_GAP`` non-empty lines apart form a stretch; the main one holds
        the most prose characters. A list of teasers with standfirsts is prose too, but shorter than
        the article it follows; a live blog's or a diary's dated entries are the main stretch itself.
        """
        if self._main_body is False:
            best, best_chars = None, 0
            stretch: list[int] = []  # positions in non_empty of the current stretch's prose lines
            prose = [k for k, i in enumerate(self.non_empty) if self.is_prose_at(i)]
            for k in [*prose, None]:
                if stretch and (k is None or k - stretch[-1] - 1 > BODY_GAP):
                    chars = sum(len(self._stripped[self.non_empty[j]]) for j in stretch)
                    if chars > best_chars:
                        best, best_chars = (self.non_empty[stretch[0]], self.non_empty[stretch[-1]]), chars
                    stretch = []
                if k is not None:
                    stretch.append(k)
            self._main_body = best
        return self._main_body  # type: ignore[return-value]

    def body_overlap(self, i: int) -> float | None:
        """The share of line ``i``'s word grams that the article's main stretch also holds.

        Grams are pairs of Han characters and, in other scripts, words of five letters or more
        (shorter ones are mostly function words any headline shares). The article's own list, table
        of contents or feature list repeats its words; other stories' headlines seldom do. None
        when the line has no grams.
        """
        found = self._overlaps.get(i, _UNSEEN)
        if found is _UNSEEN:
            found = self._overlaps[i] = self._overlap(i)
        return found  # type: ignore[return-value]

    def has_grams(self, i: int) -> bool:
        """Whether line ``i`` has word grams (``body_overlap(i)`` is not None); cached."""
        return bool(self.grams(i))

    def grams(self, i: int) -> set[str]:
        """Line ``i``'s word grams (``_grams``); cached."""
        found = self._line_grams.get(i)
        if found is None:
            found = self._line_grams[i] = _grams(self._stripped[i])
        return found

    def _overlap(self, i: int) -> float | None:
        """``body_overlap(i)``, computed; each gram is searched in the body once per document (``_BodyGrams``)."""
        grams = self.grams(i)
        if not grams:
            return None
        if self._body_grams is None:
            body = self.main_body()
            text = "\n".join(self._stripped[body[0] : body[1] + 1]).lower() if body is not None else ""
            self._body_grams = _BodyGrams.of(text, self._memo)
        holds = self._body_grams.holds
        return sum(1 for g in grams if holds(g)) / len(grams)

    def numbered_list_items(self) -> frozenset[int]:
        """Lines that go on a numbered list the article began: no kind takes them.

        An item numbered n ("6.", "6、", "(6)", "第6条") whose item n - 1 sits at most
        ``_LIST_REACH`` lines above it continues that list when item n - 1 is a line of prose or
        itself such an item: a feature list that ends the article ("6.微信扫码登录，…" after
        "5.…。") is the article's, whatever words it holds. A ranked list of other headlines
        never started in prose. (Tuning half: 38 article tokens kept, no chrome line affected.)
        Sections of a Chinese document ("一、活动时间" then "二、活动地点", "（一）", "第二章") need no
        prose: two in order a few lines apart are the document's outline, both of them, since
        ranked lists of other headlines count in Arabic digits.
        """
        if self._listed is not None:
            return self._listed
        listed: set[int] = set()
        last_seen: dict[int, int] = {}  # item number -> the line it was last seen on
        sections: dict[tuple[int, int], int] = {}  # (style, number) -> line, for Chinese sections
        for i in self.non_empty:
            stripped = self._stripped[i]
            found = _LIST_NUMBER.match(stripped)
            if found is not None:
                number = int(found.group(1) or found.group(2))
                previous = last_seen.get(number - 1)
                if previous is not None and i - previous <= _LIST_REACH and (previous in listed or self.is_prose_at(previous)):  # noqa: E501
                    listed.add(i)
                last_seen[number] = i
            section = _CHINESE_SECTION.match(stripped) if stripped[:1] in _SECTION_OPENERS else None
            if section is not None:
                style = next(k for k in range(3) if section.group(k + 1))
                number = _chinese_number(section.group(style + 1))
                previous = sections.get((style, number - 1))
                if previous is not None and i - previous <= _LIST_REACH:
                    listed.update((previous, i))
                sections[(style, number)] = i
        self._listed = frozenset(listed)
        return self._listed

    def prose_pair_after(self, i: int, within: int) -> int | None:
        """The first of the next ``within`` non-empty lines after ``i`` that starts two lines of prose in a row."""
        start = bisect_right(self.non_empty, i)
        after = self.non_empty[start : start + within + 1]
        for a, b in zip(after, after[1:]):
            if self.is_prose_at(a) and self.is_prose_at(b):
                return a
        return None

    def prose_chars(self, start: int, stop: int) -> int:
        """Visible characters in the prose lines among lines [start, stop) (from running totals, once per text)."""
        if self._prose_totals is None:
            lengths, totals, total = self.visible_lengths(), [0], 0
            for i in range(len(self.lines)):
                if self._stripped[i] and self.is_prose_at(i):
                    total += lengths[i]
                totals.append(total)
            self._prose_totals = totals
        stop = min(stop, len(self.lines))
        return self._prose_totals[stop] - self._prose_totals[start] if start < stop else 0

    def is_prose_at(self, i: int) -> bool:
        """Whether line ``i`` reads as prose by its visible text (a linked headline is not prose); cached."""
        found = self._prose.get(i)
        if found is None:
            found = self._prose[i] = is_prose(self.visible(i), PROSE_WIDTH)
        return found

    def count_lines(self, min_chars: int, max_chars: int | None) -> int:
        """How many non-empty lines have a visible length in [min_chars, max_chars] (None: no upper bound)."""
        _, lengths = self._lengths()
        top = len(lengths) if max_chars is None else bisect_right(lengths, max_chars)
        return top - bisect_left(lengths, min_chars)

    def sized(self, among: frozenset[int] | None, min_chars: int, max_chars: int | None) -> list[int]:
        """Non-empty lines with a visible length in [min_chars, max_chars], in document order; of the
        lines ``among`` only (the scan's candidates of a pattern) when given."""
        if among is None:
            if min_chars == 0 and max_chars is not None:
                return self.short_lines(max_chars)
            lengths = self.visible_lengths()
            return [i for i in self.long_lines(min_chars) if max_chars is None or lengths[i] <= max_chars]
        lengths, stripped, n = self.visible_lengths(), self._stripped, len(self.lines)
        top = len(self.text) if max_chars is None else max_chars  # no line is longer than the text
        return sorted(i for i in among if i < n and stripped[i] and min_chars <= lengths[i] <= top)

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
            length = self.visible_lengths()
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
        same = self._same_words(i)
        return same[bisect_right(same, below):]

    def copies_of(self, i: int) -> list[int]:
        """The non-empty lines with line ``i``'s words, ``i`` among them, in order (shared: do not change it)."""
        return self._same_words(i)

    def heading_words(self, i: int) -> str:
        """Line ``i``'s words as a heading (``_heading_words``), computed once per text."""
        self._same_words(i)
        found = self._words.get(i)
        return found if found is not None else _heading_words(self._stripped[i])

    def _same_words(self, i: int) -> list[int]:
        """The non-empty lines with line ``i``'s heading words, in order (the table is built on first use)."""
        if self._copies is None:
            self._copies, self._words = {}, {}
            for j in self.non_empty:
                words = self._words[j] = _heading_words(self._stripped[j])
                self._copies.setdefault(words, []).append(j)
        return self._copies.get(self._words[i], []) if i in self._words else []

    def any_between(self, a: int, b: int) -> bool:
        """Whether a non-empty line lies strictly between lines ``a`` and ``b``."""
        k = bisect_right(self.non_empty, a)
        return k < len(self.non_empty) and self.non_empty[k] < b

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

    It also carries the document's memo of whole-string searches (``_search``): a confirming
    round asks the same patterns about the same lines as the round before.
    """

    deadline: float
    memo: dict[tuple[int, str], regex.Match[str] | None]


def document_budget(timeout: float, text: str, rules: int) -> DocumentBudget:
    """``timeout`` plus the per-character allowance of one scan of ``text`` per rule, starting now."""
    budget = DocumentBudget(timeout)
    budget.deadline = time.monotonic() + timeout + len(text) * _SECONDS_PER_CHAR * max(rules, 1)
    budget.memo = {}
    return budget


def _search(rule: Rule, pattern: regex.Pattern[str], text: str, pos: int, endpos: int, timeout: float, anchored: bool = False) -> regex.Match[str] | None:  # noqa: E501
    """One regex call with a budget: ``timeout`` plus time in proportion to the length searched.

    ``anchored``: ``pattern.match`` instead of ``pattern.search`` (a match starting at ``pos``).
    A search of a whole string (a line, a stripped line) within a document's budget is memoised
    for the document: the same pattern on the same string finds the same match, and the rounds
    after the first ask again about every line they kept.
    """
    budget = timeout + (endpos - pos) * _SECONDS_PER_CHAR
    memo = None
    if isinstance(timeout, DocumentBudget):
        if pos == 0 and endpos == len(text) and not anchored:
            memo = timeout.memo
            found = memo.get((id(pattern), text), _UNSEEN)
            if found is not _UNSEEN:
                return found  # type: ignore[return-value]
        budget = min(budget, timeout.deadline - time.monotonic())
        if budget <= 0:
            raise RuleTimeoutError(rule.id, float(timeout))
    try:
        call = pattern.match if anchored else pattern.search
        if endpos - pos <= CLOCK_FREE_CHARS and clock_free(pattern, timeout):
            found = call(text, pos, endpos)  # bounded by the pattern's shape and the string's length
        else:
            found = call(text, pos, endpos, timeout=budget)
    except TimeoutError:
        raise RuleTimeoutError(rule.id, timeout) from None
    if memo is not None:
        memo[(id(pattern), text)] = found  # the rules, and so their patterns, outlive the document
    return found


_UNSEEN = object()


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


def _guards_ok(rule: Rule, stripped: str, timeout: float, unless_may_match: bool = True) -> bool:
    """The per-line guards: length limits (on the visible text) and the ``unless`` exception pattern.

    ``unless_may_match``: False when the scan shows ``unless`` cannot match the line (no search then).
    """
    if rule.max_chars is not None or rule.min_chars is not None:
        length = len(visible_text(stripped))
        if rule.max_chars is not None and length > rule.max_chars:
            return False
        if rule.min_chars is not None and length < rule.min_chars:
            return False
    if rule.unless is None or not unless_may_match:
        return True
    return _search(rule, rule.unless, stripped, 0, len(stripped), timeout) is None


def _line_guards_ok(rule: Rule, lines: _Lines, i: int, timeout: float) -> bool:
    """``_guards_ok`` on line ``i``, its visible length read from the line table (measured once per text)."""
    if rule.max_chars is not None or rule.min_chars is not None:
        length = lines.visible_lengths()[i]
        if rule.max_chars is not None and length > rule.max_chars:
            return False
        if rule.min_chars is not None and length < rule.min_chars:
            return False
    if rule.unless is None:
        return True
    stripped = lines.stripped(i)
    return _search(rule, rule.unless, stripped, 0, len(stripped), timeout) is None


def _pattern_lines(rule: Rule, lines: _Lines, timeout: float, only: Container[int] | None = None) -> list[int]:
    """Lines in the rule's zone on which its pattern matches and its length guards hold.

    ``only``: of those, just these lines (a headline's copies): where each line's verdict is its own
    (the scan's candidates, the short or long lines), the others are not even tried.
    """
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
        few = lines.count_lines(0, rule.max_chars) * _PER_LINE_COST < len(text) or lines.long_chars * 2 > len(text)
        if few:  # few lines are short enough for this rule: skip the rest of the text
            candidates = lines.sized(scanned, 0, rule.max_chars)
    elif rule.min_chars is not None:
        few = lines.count_lines(rule.min_chars, None) * _PER_LINE_COST < len(text)
        if few:  # few lines are long enough (a keyword-spam line): skip the rest
            candidates = lines.sized(scanned, rule.min_chars, None)
    if candidates is not None:
        if only is not None:
            candidates = [i for i in candidates if i in only]
        return [
            i for i in candidates
            if lo <= i < hi and _line_guards_ok(rule, lines, i, timeout)
            and _search(rule, pattern, lines.lines[i], 0, len(lines.lines[i]), timeout)
        ]  # fmt: skip
    if scanned is not None:
        # each candidate's verdict is its own (``_confirmed_lines``): the guards (lengths, ``unless``)
        # go first, as they usually cost less than confirming the pattern from the line's start
        tried = [
            i for i in lines.candidates(pattern)  # type: ignore[union-attr]
            if lo <= i < hi and (only is None or i in only) and _line_guards_ok(rule, lines, i, timeout)
        ]  # fmt: skip
        return _confirmed_lines(rule, pattern, lines, tried, lines.end(hi - 1), timeout)
    hits = _matching_lines(rule, pattern, lines, lo, hi, timeout, only)
    return [i for i in hits if (only is None or i in only) and _guards_ok(rule, lines.stripped(i), timeout)]


def _matching_lines(
    rule: Rule, pattern: regex.Pattern[str], lines: _Lines, lo: int, hi: int, timeout: float,
    only: Container[int] | None = None,
) -> list[int]:
    """Lines in [lo, hi) on which ``pattern`` matches: one scan of the text, each hit confirmed on its line.

    A line is a hit when the leftmost match searched from its start begins on it and ends within
    it, or the line alone matches. With the multi-pattern scan, only its candidate lines are tried
    (and of them only those in ``only``, when given; without the scan ``only`` is the caller's to apply).
    """
    text = lines.text
    pos, endpos = lines.starts[lo], lines.end(hi - 1)
    scanned = lines.candidates(pattern)
    if scanned is not None:
        tried = [i for i in scanned if lo <= i < hi and (only is None or i in only)]
        return _confirmed_lines(rule, pattern, lines, tried, endpos, timeout)
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
    if line_alone_decides(pattern, timeout):
        gate = _literal_gate(pattern)
        return [
            i for i in candidates
            if (gate is None or gate.search(lines.lines[i]))
            and _search(rule, pattern, lines.lines[i], 0, len(lines.lines[i]), timeout)
        ]  # fmt: skip
    return _confirmed_in_text(rule, pattern, lines, candidates, endpos, timeout)


#: id(pattern) -> (the pattern, kept alive so the id stays its own; ``_literal_gate``'s answer)
_GATES: dict[int, tuple[regex.Pattern[str], re.Pattern[str] | None]] = {}
#: A ``\p{…}`` class, for ``_literal_gate``'s stand-in.
_PROPERTY = regex.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")
#: A POSIX class ("[[:alpha:]]"), which the standard parser would read as characters.
_POSIX_CLASS = regex.compile(r"\[:\^?[A-Za-z_]+:\]")


def _literal_gate(pattern: regex.Pattern[str]) -> re.Pattern[str] | None:
    """A stdlib search for the literals every match of ``pattern`` holds one of (``cleaner.prefilter``),
    for a line judged alone: a line without any cannot match, and the check costs a fraction of
    the pattern's own search (``zh-comment-thread``'s candidates: 27,900 on the dev pages, 3,500
    with one of its 38 literals). ``\\p{…}`` classes, which the standard parser lacks, are read as
    any character (a class that wide gives no literal). None without literals, and for patterns
    that fold case (``regex`` folds some characters the standard library does not).
    """
    known = _GATES.get(id(pattern))
    if known is not None:
        return known[1]
    from cleaner.prefilter import required_literals
    from cleaner.sre import in_class

    gate = None
    source = pattern.pattern
    if not pattern.flags & (regex.IGNORECASE | regex.VERSION1) and not _POSIX_CLASS.search(source):
        wide = _PROPERTY.sub(lambda m: "\\x00-\\U0010ffff" if in_class(source, m.start()) else "[\\x00-\\U0010ffff]", source)
        found = required_literals(wide, pattern.flags)
        if found is not None and not found[1]:
            gate = re.compile("|".join(re.escape(literal) for literal in found[0]))
    if len(_GATES) >= MAX_VERDICTS:
        _GATES.clear()
    _GATES[id(pattern)] = (pattern, gate)
    return gate


def _confirmed_in_text(
    rule: Rule, pattern: regex.Pattern[str], lines: _Lines, candidates: list[int], endpos: int, timeout: float
) -> list[int]:
    """``_confirmed_lines`` by the definition: a search from each candidate line's start in the text."""
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


_HAN_RUN = regex.compile(r"\p{Han}{2,}")
_LONG_WORD = regex.compile(r"[^\W\d_\p{Han}]{5,}")


def _grams(text: str) -> set[str]:
    """A line's word grams for ``_Lines.body_overlap``: Han character pairs and long words, lower-cased."""
    grams = {run[k : k + 2] for run in _HAN_RUN.findall(text) for k in range(len(run) - 1)}
    grams.update(word.lower() for word in _LONG_WORD.findall(text))
    return grams


class _BodyGrams:
    """Whether the article's main stretch (lower-cased) holds a gram, each gram searched once.

    Shared by a document's rounds through its memo: a confirming round usually has the same body,
    and its menus the same words; a search of a long body costs more than the rest of the check.
    """

    __slots__ = ("text", "held")

    def __init__(self, text: str) -> None:
        self.text = text
        self.held: dict[str, bool] = {}

    @classmethod
    def of(cls, text: str, memo: dict[Any, Any] | None) -> _BodyGrams:
        """The body's grams, from the document's memo when an earlier round had the same body."""
        if memo is None:
            return cls(text)
        found = memo.get(("body grams", text))
        if found is None:
            found = memo[("body grams", text)] = cls(text)
        return found

    def holds(self, gram: str) -> bool:
        found = self.held.get(gram)
        if found is None:
            found = self.held[gram] = gram in self.text
        return found


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
    """Headline copies that fire: those with more than the kept copy (the first markdown heading or
    else the barest copy) has. A copy exactly as bare as the kept one stays: labellers keep a
    repeated bare headline as often as they drop it, and a lost headline is worse than a repeat."""
    group = lines.headline_copies() if rule.max_extra == _ECHO_EXTRA else _headline_copies(lines, rule.max_extra)
    group = _whole_copies(group, lines)
    if len(group) < 2:
        return []
    headings = [i for i in group if lines.stripped(i).startswith("#")]
    keep = headings[0] if headings else _barest_above_body(group, lines)
    lo, hi = lines.zone(rule)
    allowed = set(_pattern_lines(rule, lines, timeout, only=set(group))) if rule.pattern is not None else None
    bare = _core(lines.stripped(keep))  # a copy as bare as the one kept is the headline too (a heading repeated)
    return [
        i for i in group
        if i != keep and _core(lines.stripped(i)) != bare and lo <= i < hi
        and _guards_ok(rule, lines.stripped(i), timeout) and (allowed is None or i in allowed)
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
        return _SITE_SUFFIX.match(long, len(short)) is None
    if long.endswith(short):
        return not any(m.end() == len(long) - len(short) for m in _SITE_PREFIX.finditer(long))
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


def _chinese_number(numeral: str) -> int:
    """一 … 九十九 as an int ("十二" is 12, "二十" is 20); what cannot be read is 0."""
    if "十" not in numeral:
        return _CHINESE_DIGITS.get(numeral, 0) if len(numeral) == 1 else 0
    tens, _, units = numeral.partition("十")
    return (_CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CHINESE_DIGITS.get(units, 0) if units else 0)


def display_width(text: str) -> int:
    """Columns a text takes: East Asian wide and full-width characters count two."""
    if text.isascii():  # no ASCII character is wide: skip the regex (most lines of en pages)
        return len(text)
    return len(text) + len(_WIDE.findall(text))


def _width_at_least(text: str, columns: int) -> bool:
    """``display_width(text) >= columns``, without counting when the length already says so."""
    return len(text) >= columns or display_width(text) >= columns


def is_prose(stripped: str, width: int) -> bool:
    """A line of prose: at least ``width`` columns and ending like a sentence."""
    if 2 * len(stripped) < width:
        return False  # too short to be that wide (a character takes at most two columns): no regex
    return _PROSE_END.search(stripped) is not None and _width_at_least(stripped, width)


def __getattr__(name: str) -> object:
    """``RANGE_KINDS`` (kind -> line-range matcher), as the engine used to define it; the kinds now hold them."""
    if name == "RANGE_KINDS":
        from cleaner.kinds import KINDS

        return {kind.name: kind.ranges for kind in KINDS.values() if kind.ranges is not None}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def strip(text: str, rules: Iterable[Rule], timeout: float = DEFAULT_TIMEOUT, round_no: int = 1) -> StripResult:
    """Remove what ``rules`` find in ``text`` and tidy the blank lines; report every removal."""
    return strip_round(text, rules, timeout, round_no)[0]


def strip_round(
    text: str, rules: Iterable[Rule], timeout: float = DEFAULT_TIMEOUT, round_no: int = 1,
    scanned: scan.DocumentScan | None = None,
) -> tuple[StripResult, scan.DocumentScan | None]:
    """``strip``, for a pipeline's rounds: also the multi-pattern scan the next round can start from.

    ``scanned``: the scan of ``text``, when the round before left one. The scan returned is that
    of ``text``, when every line kept is as it was (no span was cut): the next round derives the
    scan of its text from it (``scan.DocumentScan.carried``) instead of scanning again, when the
    normaliser changed nothing in between. None when there is no scan to carry.
    """
    from cleaner.kinds import KINDS  # here, not at the top: the kinds import this module's line machinery

    if not isinstance(timeout, DocumentBudget):  # one call, one document (Pipeline passes one for all rounds)
        rules = tuple(rules)
        timeout = document_budget(timeout, text, len(rules))
    rules = tuple(rules)  # the same tuple object when it already is one: the scanner is found by identity
    scanner = _scanner(rules, timeout)
    lines = _Lines(text, scanner, scanned, timeout.memo)
    scanned = lines.scanned() if scanner is not None else None
    if scanned is not None:  # leave out, in one pass, the rules the scan shows cannot take anything
        rules = scanner.live(rules, scanned)  # type: ignore[union-attr]
    n = len(lines.lines)
    owner: list[str | None] = [None] * n
    claims: list[tuple[int, str, int, int, bool]] = []  # (rank, rule id, first, last, yields to the body)
    spans: dict[int, list[tuple[int, int, str]]] = {}
    protecting = {rule.id for rule in rules if rule.protects_next}
    for rule in rules:
        kind = KINDS[rule.kind]
        if kind.spans is not None:
            for i, start, end in kind.spans(rule, lines, timeout):
                spans.setdefault(i, []).append((start, end, rule.id))
        else:
            assert kind.ranges is not None
            claims.extend((kind.rank, rule.id, a, b, kind.shape) for a, b in kind.ranges(rule, lines, timeout))
    in_body = lines.in_body() if any(claim[4] for claim in claims) else [False] * n
    listed = lines.numbered_list_items() if claims else frozenset()
    posts = _posts(claims, protecting, lines)
    for _, rule_id, a, b, shape in sorted(claims):
        for i in range(a, b + 1):
            if owner[i] is None and not (shape and (in_body[i] or i in posts)) and i not in listed:
                owner[i] = rule_id

    removals: list[Removal] = []
    kept: list[str] = []
    kept_at: list[int] = []
    for i, line in enumerate(lines.lines):
        if owner[i] is not None:
            continue
        if i in spans:
            line = _cut_spans(lines, i, spans[i], removals, round_no)
            if not line.strip():
                continue  # nothing but whitespace left: the line goes
        kept.append(line)
        kept_at.append(i)
    removals.extend(_line_removals(lines, owner, round_no))
    removals.sort(key=lambda r: (r.start, r.end, r.rule_id))
    text, origins = _tidy_with_origins(kept, kept_at)
    carry = scanned if not spans else None  # a cut span changes its line: the scan does not carry over
    return StripResult(text=text, removals=tuple(removals), origins=origins), carry


def _posts(claims: list[tuple[int, str, int, int, bool]], protecting: set[str], lines: _Lines) -> frozenset[int]:
    """The line after each line a ``protects_next`` rule (a post's stamp) claims: the post's text."""
    if not protecting:
        return frozenset()
    stamps = {i for _, rule_id, a, b, _ in claims if rule_id in protecting for i in range(a, b + 1)}
    after = (bisect_right(lines.non_empty, i) for i in stamps)
    return frozenset(lines.non_empty[k] for k in after if k < len(lines.non_empty) and lines.non_empty[k] not in stamps)


def _tidy_with_origins(kept: list[str], kept_at: list[int]) -> tuple[str, tuple[int | None, ...]]:
    """``tidy_lines(kept)``, and the input line index of each of its lines (None for blank lines)."""
    text = tidy_lines(kept)
    origins: list[int | None] = []
    for line, i in zip(kept, kept_at):
        if not line.strip():
            if origins and origins[-1] is not None:
                origins.append(None)  # a run of blank lines becomes one, but only between lines
            continue
        origins.append(i)
    while origins and origins[-1] is None:
        origins.pop()  # no blank line at the end
    origins.append(None)  # what follows the final newline
    return text, tuple(origins) if text else (None,)


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
