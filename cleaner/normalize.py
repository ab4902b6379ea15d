"""The ftfy step: fix mojibake and broken text, byte for byte as ``ftfy.fix_text`` would, only faster.

Almost all scraped text needs no fix, yet ftfy inspects every line. Here one
precompiled scan (the *gate*) proves a whole document, or a line, cannot be
changed by any enabled fixer, and only the lines the gate stops at are handed to
ftfy itself. The proof follows ftfy's own code (pinned to 6.3.x in pyproject.toml):

- ``fix_and_explain`` runs HTML unescaping, ``fix_encoding``, each enabled fixer and
  Unicode normalisation, in rounds until nothing changes.
- ``unescape_html`` only rewrites matches of ``chardata.HTML_ENTITY_RE``
  (``&name;``, ``&#123;``), not any ``&``.
- ``fix_encoding`` returns its input unchanged unless ``badness.is_bad`` fires, i.e.
  unless ``badness.BADNESS_RE`` matches (``_fix_encoding_one_step_and_explain``
  returns at once otherwise, and its caller stops when a step changes nothing).
  ``BADNESS_RE`` matches specific *sequences*: a lead character followed by a
  continuation character that mojibake produces ("Ã©", "â€", "Ð¿"), not any single
  accented letter. So "été", "Grüße" and "São Paulo" cannot trip it.
- The other fixers each act only on characters from a known table: ESC, ``\\r`` and
  U+2028/U+2029/U+0085, surrogates, ``LIGATURES``, ``WIDTH_MAP``, the quote classes,
  ``CONTROL_CHARS``, C1 controls.
- Unicode normalisation is checked with ``unicodedata.is_normalized``.

The gate is one stdlib ``re`` pattern ``[F](?:alt|alt|...)``: ``F`` is a set of *anchor*
characters, so ``re`` skips everything else with its fast character-set loop, and each
alternative re-checks the context around the anchor with a lookbehind and a lookahead.
``_pattern_alternatives`` derives the alternatives at run time from the parse trees of
ftfy's own ``BADNESS_RE`` and ``HTML_ENTITY_RE``: for each branch it picks the element
whose characters are rarest in clean text as the anchor ("€" in "ā€", "²µ¹¼½¾" in
"à[²µ¹¼½¾]", never "à") and keeps the rest of the branch as context. Every match of
the branch is then also a match of the gate (context that cannot be expressed in a
fixed-width lookbehind, or an anchor like ``^``, is dropped, which only widens the
gate), so where the gate finds nothing, ftfy changes nothing. The differential
tests check this against ftfy on the dev set pages and on fuzzed mojibake.

``DEFAULT_NORMALIZE`` is what a rule set gets when it says nothing: ftfy's
encoding fixes stay on, while the fixes tuned for English are off, because
they damage Chinese, Japanese and Korean text:

- ``uncurl_quotes`` would turn “关注” into "关注";
- ``fix_character_width`` would turn full-width punctuation ，。！：（） into ASCII;
- ``normalization`` (NFC) would fold CJK compatibility ideographs into other
  code points; models and tokenisers see NFC-normalised text anyway.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, NamedTuple

import ftfy
from ftfy import TextFixerConfig, badness, chardata, fixes

from cleaner.sre import parser_and_constants

DEFAULT_NORMALIZE = TextFixerConfig(
    uncurl_quotes=False,  # keeps “” and ‘’: CJK text uses them as its own quotes
    fix_character_width=False,  # keeps full-width ，。！？：（） that Chinese text is written with
    normalization=None,  # no NFC: it would remap CJK compatibility ideographs
    explain=False,
)

#: Characters each ftfy fixer can act on (read from ftfy's fixes.py and chardata.py).
_FIXER_TRIGGERS: dict[str, Iterable[int]] = {
    "fix_c1_controls": range(0x80, 0xA0),
    "fix_latin_ligatures": chardata.LIGATURES.keys(),
    "fix_character_width": chardata.WIDTH_MAP.keys(),
    "uncurl_quotes": [0x2BC, *range(0x2018, 0x2020)],
    "fix_line_breaks": [0x0D, 0x2028, 0x2029, 0x85],
    "fix_surrogates": range(0xD800, 0xE000),
    "remove_terminal_escapes": [0x1B],
    "remove_control_chars": chardata.CONTROL_CHARS.keys(),
}

#: Fixers that are plain per-character translations and cannot feed mojibake detection:
#: applied directly (ftfy's own functions, in ftfy's order) when nothing heavier is triggered.
_LIGHT_FIXERS = (
    "fix_latin_ligatures",
    "fix_character_width",
    "uncurl_quotes",
    "fix_line_breaks",
    "fix_surrogates",
    "remove_terminal_escapes",
    "remove_control_chars",
)


class _Alternative(NamedTuple):
    """One way the gate can fire: an anchor character, then context around it (regex source)."""

    anchor: frozenset[int]
    behind: str  # fixed-width; must match just before the anchor ("" for none)
    next: str  # one character class or literal the character after the anchor must match ("" for none)
    ahead: str  # must match after that ("" for none)


def _class_chars(items: Any, c: Any) -> set[int] | None:
    """The characters a parsed character class can match, or None when that is unbounded."""
    chars: set[int] = set()
    for op, arg in items:
        if op is c.LITERAL:
            chars.add(arg)
        elif op is c.RANGE:
            chars.update(range(arg[0], arg[1] + 1))
        else:  # NEGATE, CATEGORY (\w, \s, ...): not a small set
            return None
    return chars


_CATEGORY_SOURCE = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}  # fmt: skip


def _source(items: Any, c: Any) -> str | None:
    """Regex source for a parsed sequence, with anchors (``^``, ``$``, ``\\b``) dropped.

    Dropping a zero-width assertion can only make the pattern match more, which is the
    safe direction for a gate. None for anything this small writer does not know.
    """
    out = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(re.escape(chr(arg)))
        elif op is c.NOT_LITERAL:
            out.append("[^" + re.escape(chr(arg)) + "]")
        elif op is c.ANY:
            out.append(".")
        elif op is c.AT:
            continue
        elif op is c.IN:
            parts = []
            for iop, iarg in arg:
                if iop is c.NEGATE:
                    parts.append("^")
                elif iop is c.LITERAL:
                    parts.append(re.escape(chr(iarg)))
                elif iop is c.RANGE:
                    parts.append(re.escape(chr(iarg[0])) + "-" + re.escape(chr(iarg[1])))
                elif iop is c.CATEGORY and str(iarg) in _CATEGORY_SOURCE:
                    parts.append(_CATEGORY_SOURCE[str(iarg)])
                else:
                    return None
            out.append("[" + "".join(parts) + "]")
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, hi, sub = arg
            inner = _source(sub, c)
            if inner is None:
                return None
            out.append(f"(?:{inner}){{{lo},{'' if hi is c.MAXREPEAT else hi}}}")
        elif op is c.SUBPATTERN:
            inner = _source(arg[-1], c) if not (arg[1] or arg[2]) else None  # no scoped flags (?s:...)
            if inner is None:
                return None
            out.append(f"(?:{inner})")
        elif op is c.BRANCH:
            branches = [_source(b, c) for b in arg[1]]
            if any(b is None for b in branches):
                return None
            out.append("(?:" + "|".join(branches) + ")")  # type: ignore[arg-type]
        else:
            return None
    return "".join(out)


def _width(op: Any, arg: Any, c: Any) -> int | None:
    """How many characters an element always matches; None when that varies."""
    if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
        return 1
    if op is c.AT:
        return 0
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] == arg[1]:
        inner = [_width(o, a, c) for o, a in arg[2]]
        return None if None in inner else arg[0] * sum(inner)  # type: ignore[arg-type]
    return None


def _rarity_cost(chars: set[int]) -> int:
    """How often characters like these turn up in clean text (a rough score: lower is rarer).

    Uses ftfy's own character categories: ASCII is everywhere; accented Latin, Greek and
    Cyrillic letters are common, lower case more than upper case; punctuation that ftfy
    calls common, opening or closing (no-break space, “”, «», „, –, …) is frequent; the
    rest (C1 controls, currency, numeric and legal signs, box drawing, ``bad``) is rare.
    """
    return sum(1000 if cp < 0x80 else _category_costs().get(chr(cp), 1) for cp in chars)


@functools.lru_cache(maxsize=1)
def _category_costs() -> dict[str, int]:
    """Rarity cost of each character in the ftfy categories that ordinary text uses."""
    costs = {"lower_accented": 100, "lower_common": 100, "kaomoji": 100, "upper_accented": 30,
             "upper_common": 30, "common": 10, "start_punctuation": 10, "end_punctuation": 10}  # fmt: skip
    every = "".join(map(chr, range(0x80, 0x3000)))
    found: dict[str, int] = {}
    for name, cost in costs.items():
        for ch in re.findall(f"[{badness.MOJIBAKE_CATEGORIES[name]}]", every):
            if name == "kaomoji":  # ö, ü, ò ... and the degree sign
                cost = 100 if ch.islower() else 30 if ch.isalpha() else 10
            found[ch] = max(found.get(ch, 0), cost)
    return found


def _anchor_candidates(items: list[Any], c: Any) -> list[tuple[int, int, frozenset[int]]]:
    """(rarity cost, position, characters) of each single-character element a match must contain."""
    candidates = []
    for index, (op, arg) in enumerate(items):
        chars = {arg} if op is c.LITERAL else _class_chars(arg, c) if op is c.IN else None
        if chars:
            candidates.append((_rarity_cost(chars), index, frozenset(chars)))
    return candidates


def _branch_alternative(items: list[Any], c: Any, index: int, anchor: frozenset[int]) -> _Alternative | None:
    """The branch as an anchor (its element at ``index``) plus context; None if not expressible.

    Before the anchor only the longest fixed-width run of elements can be checked (Python
    lookbehinds are fixed-width); anything earlier is dropped, which only widens the gate.
    """
    start = index
    while start > 0 and _width(*items[start - 1], c) is not None:
        start -= 1
    rest = items[index + 1 :]
    following = rest[:1] if rest and rest[0][0] in (c.LITERAL, c.IN) else []
    behind, after, ahead = (_source(part, c) for part in (items[start:index], following, rest[len(following) :]))
    if behind is None or after is None or ahead is None:
        return None
    return _Alternative(anchor, behind, after, ahead)


def _pattern_alternatives(pattern: re.Pattern[str]) -> list[_Alternative] | None:
    """Alternatives that together match wherever ``pattern`` matches; None if that cannot be shown.

    Each branch is anchored on its rarest element; between equally rare ones, on one that
    another branch already anchors on, so the gate stops at as few characters as possible.
    """
    if pattern.flags & ~(re.UNICODE | re.VERBOSE):
        return None  # IGNORECASE, DOTALL, MULTILINE would change what the written-out source means
    parser, c = parser_and_constants()
    tree = parser.parse(pattern.pattern, pattern.flags)
    items = list(tree)
    branches = [list(b) for b in items[0][1][1]] if len(items) == 1 and items[0][0] is c.BRANCH else [items]
    candidates = [_anchor_candidates(branch, c) for branch in branches]
    if not all(candidates):
        return None
    first_choice = [min(found)[2] for found in candidates]
    alternatives = []
    for n, (branch, found) in enumerate(zip(branches, candidates)):
        elsewhere = frozenset().union(*first_choice[:n], *first_choice[n + 1 :])
        _, index, anchor = min(found, key=lambda t: (t[0], not t[2] <= elsewhere, t[1]))
        alternative = _branch_alternative(branch, c, index, anchor)
        if alternative is None:
            return None
        alternatives.append(alternative)
    return alternatives


@functools.lru_cache(maxsize=1)
def _badness_alternatives() -> tuple[_Alternative, ...] | None:
    """The gate for ``badness.is_bad``, read from ftfy's own ``BADNESS_RE``; None if the proof fails."""
    found = _pattern_alternatives(badness.BADNESS_RE)
    return tuple(found) if found is not None else None


@functools.lru_cache(maxsize=1)
def _html_alternatives() -> tuple[_Alternative, ...] | None:
    """The gate for ``fixes.unescape_html``, read from ftfy's ``HTML_ENTITY_RE``."""
    found = _pattern_alternatives(chardata.HTML_ENTITY_RE)
    return tuple(found) if found is not None else None


def _char_class(codepoints: Iterable[int]) -> str:
    """A regex character class matching exactly these code points, as compact ranges."""
    points = sorted(set(codepoints))
    parts, i = [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = points[i], points[j]
        parts.append(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}")
        i = j + 1
    return "[" + "".join(parts) + "]" if parts else "(?!)"


def _gate_source(unconditional: set[int], alternatives: Iterable[_Alternative]) -> str:
    """``[F](?:...)``: any unconditional character, or an anchor whose context also matches.

    The anchor is consumed first so that ``re`` skips every character outside ``F`` in C
    (its character-set prefix scan). Clean text still stops at some anchors (“ and ” in
    Chinese, « and » in French), so what follows is shaped for a quick "no": where a branch
    needs a given character after the anchor, its alternative starts by consuming that
    character, which ``re`` tests in a tight loop before entering the alternative; only then
    does a lookbehind check the anchor itself and what precedes it. The other alternatives
    sit behind one shared lookbehind test of their anchors.
    """
    unconditional = set(unconditional)
    consuming, looking = [], []
    looking_anchors: set[int] = set()
    for alt in alternatives:
        if not (alt.behind or alt.next or alt.ahead):
            unconditional |= alt.anchor
            continue
        ahead = f"(?={alt.ahead})" if alt.ahead else ""
        if alt.next:
            consuming.append(f"{alt.next}{ahead}(?<={alt.behind}{_char_class(alt.anchor)}[\\s\\S])")
        else:
            looking.append(f"(?<={alt.behind}{_char_class(alt.anchor)}){ahead}")
            looking_anchors |= alt.anchor
    anchors = unconditional | looking_anchors
    if unconditional:
        looking.insert(0, f"(?<={_char_class(unconditional)})")
    branches = list(consuming)
    if looking:
        branches.append(f"(?<={_char_class(anchors)})(?:" + "|".join(looking) + ")")
    anchors.update(*(alt.anchor for alt in alternatives))
    if not anchors:
        return "(?!)"
    return _char_class(anchors) + "(?:" + "|".join(branches) + ")"


@functools.lru_cache(maxsize=64)
def _gate(config: TextFixerConfig, html: bool, heavy_only: bool = False) -> re.Pattern[str]:
    """Where any enabled fixer could change the text; no match proves ftfy returns it unchanged.

    ``heavy_only`` leaves out the light fixers' characters: what remains needs ftfy itself
    (HTML entities, mojibake, C1 controls).
    """
    unconditional: set[int] = set()
    for name, chars in _FIXER_TRIGGERS.items():
        if getattr(config, name) and not (heavy_only and name in _LIGHT_FIXERS):
            unconditional.update(chars)
    alternatives: list[_Alternative] = []
    for wanted, derived, fallback in (
        (html, _html_alternatives, range(ord("&"), ord("&") + 1)),
        (config.fix_encoding, _badness_alternatives, range(0x80, 0x110000)),
    ):
        if wanted:
            found = derived()
            if found is None:  # a future ftfy the proof cannot read: stop at every candidate
                unconditional.update(fallback)
            else:
                alternatives.extend(found)
    return re.compile(_gate_source(unconditional, alternatives))


def _light_fix(segment: str, config: TextFixerConfig) -> str:
    """The first round of ``fix_and_explain`` for a segment that no heavy fixer touches."""
    for name in _LIGHT_FIXERS:
        if getattr(config, name):
            segment = getattr(fixes, name)(segment)
    if config.normalization is not None:
        segment = unicodedata.normalize(config.normalization, segment)
    return segment


def fix_text(text: str, config: TextFixerConfig | None = None, **kwargs: Any) -> str:
    """Exactly ``ftfy.fix_text(text, config, **kwargs)``, skipping the lines no fixer could change.

    >>> fix_text("点个“关注” &amp; Ã©tÃ© für São Paulo", uncurl_quotes=False)
    '点个“关注” & été für São Paulo'
    """
    if config is None:
        config = TextFixerConfig(explain=False)
    if kwargs:
        config = ftfy._config_from_kwargs(config, kwargs)
    if isinstance(text, bytes):
        return ftfy.fix_text(text, config)  # ftfy raises its own friendly error
    html = config.unescape_html is not False
    form = config.normalization
    found = _gate(config, html).search(text)
    normalized = form is None or unicodedata.is_normalized(form, text)
    if found is None and normalized:
        return text
    if normalized and len(text) <= config.max_decode_length:
        return _fix_lines_at(text, config, found)
    return _fix_segments(text, config)


def _fix_lines_at(text: str, config: TextFixerConfig, found: re.Match[str] | None) -> str:
    """ftfy.fix_text's result, visiting only the lines where the gate stops.

    Valid when every segment ftfy would cut is a whole line (the text is no longer than
    ``max_decode_length``) and the text is normalised: lines split at ``\\n``, a starter
    that never composes, are then normalised too. A gate match on the whole text is at
    or before the first gate match inside any single line, so searching on from the end
    of each visited line reaches every line that might change. ftfy's HTML switch is
    sticky: with ``unescape_html="auto"`` it turns off at the first line holding ``<``
    and stays off.
    """
    first_tag = text.find("<") if config.unescape_html == "auto" else -1
    gate = _gate(config, config.unescape_html is not False)
    out, done = [], 0
    while found is not None:
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.start()) + 1 or len(text)
        line_config = config._replace(unescape_html=False) if 0 <= first_tag < end else config
        html = line_config.unescape_html is not False
        line_gate = _gate(line_config, html)
        segment = text[start:end]
        if line_gate.search(segment):
            out.append(text[done:start])
            out.append(_fix_segment(segment, line_config, html, line_gate))
            done = end
        found = gate.search(text, end)
    out.append(text[done:])
    return "".join(out)


def _fix_segments(text: str, config: TextFixerConfig) -> str:
    """ftfy.fix_text's own segment loop, with the unchanged-segment proof in front of each call."""
    out = []
    pos = 0
    limit = config.max_decode_length
    form = config.normalization
    while pos < len(text):
        textbreak = text.find("\n", pos) + 1
        if textbreak == 0:
            textbreak = len(text)
        if (textbreak - pos) > limit:
            textbreak = pos + limit
        segment = text[pos:textbreak]
        if config.unescape_html == "auto" and "<" in segment:
            config = config._replace(unescape_html=False)  # sticky, as in ftfy
        html = config.unescape_html is not False
        gate = _gate(config, html)
        if gate.search(segment) or (form is not None and not unicodedata.is_normalized(form, segment)):
            segment = _fix_segment(segment, config, html, gate)
        out.append(segment)
        pos = textbreak
    return "".join(out)


def _fix_segment(segment: str, config: TextFixerConfig, html: bool, gate: re.Pattern[str]) -> str:
    """``fix_and_explain(segment).text``, taking the light path when it provably gives the same.

    With no heavy trigger in the segment, ftfy's first round is exactly the light fixers (HTML
    unescaping and encoding repair leave it alone). If their output does not pass the gate and
    is normalised, ftfy's second round changes nothing and ftfy would stop there: same result.
    """
    if not _gate(config, html, heavy_only=True).search(segment):
        fixed = _light_fix(segment, config)
        form = config.normalization
        if not gate.search(fixed) and (form is None or unicodedata.is_normalized(form, fixed)):
            return fixed
    return ftfy.fix_and_explain(segment, config).text


class Normalizer:
    """A picklable ``str -> str`` step applying ftfy with one fixed configuration."""

    __slots__ = ("config",)

    def __init__(self, config: TextFixerConfig | None = DEFAULT_NORMALIZE) -> None:
        self.config = config._replace(explain=False) if config is not None else None

    def __call__(self, text: str) -> str:
        if self.config is None:
            return text
        return fix_text(text, self.config)

    def __reduce__(self) -> tuple[type, tuple[TextFixerConfig | None]]:
        return (Normalizer, (self.config,))

    def __repr__(self) -> str:
        return f"Normalizer({self.config!r})"
