"""The ftfy step: fix mojibake and broken text, byte for byte as ``ftfy.fix_text`` would, only faster.

Almost all scraped text needs no fix, yet ftfy inspects every line. Here one
precompiled character-class scan proves a whole document (or a line) cannot
be changed by any enabled fixer, and only the lines that might change are
handed to ftfy itself. The proof follows ftfy's own code (pinned to 6.3.x in
pyproject.toml):

- ``fix_and_explain`` runs each enabled fixer until nothing changes. Each fixer
  acts only on characters from a known table: ``&`` for HTML entities, ESC for
  terminal escapes, ``\\r``/U+2028/U+2029/U+0085 for line breaks, surrogates,
  ``LIGATURES``, ``WIDTH_MAP``, the quote classes, ``CONTROL_CHARS``, C1 controls.
- ``fix_encoding`` returns its input unless ``badness.is_bad`` fires. Every
  alternative of ftfy's ``BADNESS_RE`` has a mandatory element drawn from rare
  mojibake characters (accented Latin, box drawing, currency, C1, ...); the
  curly quotes, ``…`` and ``—`` that clean CJK text is full of only ever appear
  next to such a character. ``_badness_triggers`` reads ftfy's compiled regex and
  collects those mandatory elements, so the proof stays in step with ftfy.
- Unicode normalisation is checked with ``unicodedata.is_normalized``.

A line with none of the trigger characters (and already normalised) is
returned unchanged; ftfy would return it unchanged too.

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
from typing import Any

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
_HTML_TRIGGER = ord("&")


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


def _mandatory_sets(items: Any, c: Any) -> list[set[int]]:
    """Character sets of the elements every match of this sequence must contain one character of."""
    sets: list[set[int]] = []
    for op, arg in items:
        if op is c.LITERAL:
            sets.append({arg})
        elif op is c.IN:
            chars = _class_chars(arg, c)
            if chars is not None:
                sets.append(chars)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
            sets.extend(_mandatory_sets(arg[2], c))
        elif op is c.SUBPATTERN:
            sets.extend(_mandatory_sets(arg[-1], c))
    return sets


@functools.lru_cache(maxsize=1)
def _badness_triggers() -> frozenset[int] | None:
    """Characters without which ``badness.is_bad`` cannot match; None if the proof does not go through.

    For each alternative of ``BADNESS_RE`` one mandatory element is chosen, preferring the
    element whose characters are rarest in clean text (no ASCII, no common punctuation).
    """
    parser, c = parser_and_constants()
    tree = parser.parse(badness.BADNESS_RE.pattern, badness.BADNESS_RE.flags)
    branches = tree.data[0][1][1] if len(tree.data) == 1 and tree.data[0][0] is c.BRANCH else [tree]
    common = {ord(ch) for key in ("common", "start_punctuation", "end_punctuation")
              for ch in badness.MOJIBAKE_CATEGORIES[key]}  # fmt: skip
    triggers: set[int] = set()
    for branch in branches:
        candidates = _mandatory_sets(branch.data if hasattr(branch, "data") else branch, c)
        if not candidates:
            return None
        best = min(candidates, key=lambda s: (sum(1 for ch in s if ch < 0x80 or ch in common), len(s)))
        triggers.update(best)
    return frozenset(triggers)


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


@functools.lru_cache(maxsize=64)
def _trigger_pattern(config: TextFixerConfig, html: bool, heavy_only: bool = False) -> re.Pattern[str]:
    """One character class: every character some enabled fixer could act on.

    ``heavy_only`` leaves out the light fixers' characters: what remains needs ftfy itself
    (HTML entities, mojibake, C1 controls). Stdlib ``re`` scans a class ~30x faster than ``regex``.
    """
    points: set[int] = set()
    for name, chars in _FIXER_TRIGGERS.items():
        if getattr(config, name) and not (heavy_only and name in _LIGHT_FIXERS):
            points.update(chars)
    if html:
        points.add(_HTML_TRIGGER)
    if config.fix_encoding:
        bad = _badness_triggers()
        points.update(bad if bad is not None else range(0x80, 0x110000))
    return re.compile(_char_class(points))


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

    >>> fix_text("点个“关注” &amp; Ã©tÃ©", uncurl_quotes=False)
    '点个“关注” & été'
    """
    if config is None:
        config = TextFixerConfig(explain=False)
    if kwargs:
        config = ftfy._config_from_kwargs(config, kwargs)
    if isinstance(text, bytes):
        return ftfy.fix_text(text, config)  # ftfy raises its own friendly error
    html = config.unescape_html is not False
    form = config.normalization
    if not _trigger_pattern(config, html).search(text) and (form is None or unicodedata.is_normalized(form, text)):
        return text
    return _fix_segments(text, config)


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
        triggers = _trigger_pattern(config, html)
        if triggers.search(segment) or (form is not None and not unicodedata.is_normalized(form, segment)):
            segment = _fix_segment(segment, config, html, triggers)
        out.append(segment)
        pos = textbreak
    return "".join(out)


def _fix_segment(segment: str, config: TextFixerConfig, html: bool, triggers: re.Pattern[str]) -> str:
    """``fix_and_explain(segment).text``, taking the light path when it provably gives the same.

    With no heavy trigger in the segment, ftfy's first round is exactly the light fixers (HTML
    unescaping and encoding repair leave it alone). If their output has no trigger at all and is
    normalised, ftfy's second round changes nothing and ftfy would stop there: same result.
    """
    if not _trigger_pattern(config, html, heavy_only=True).search(segment):
        fixed = _light_fix(segment, config)
        form = config.normalization
        if not triggers.search(fixed) and (form is None or unicodedata.is_normalized(form, fixed)):
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
