"""Rewrite a rule's ``regex`` pattern as a simpler pattern that matches at least the same lines.

The multi-pattern scan (``cleaner.scan``) runs every rule's pattern over a document at once
with Hyperscan, which knows neither the ``regex`` module's syntax (possessive quantifiers,
``\\p{Han}`` as ``regex`` defines it, its case folding) nor lookarounds outside its prefilter
mode, and compiles slowly when a pattern holds Unicode classes inside long bounded repeats.
The scan only has to say which lines *may* match; the exact pattern confirms them. So each
pattern is rewritten to a **superset on single lines**: every string without a newline that
the original matches, in any context, the rewrite matches too. That is what makes the fast
path's output identical to the slow one's (the engine confirms every candidate with the
original pattern, and a line that is not a candidate cannot match).

The rewrite, construct by construct:

- lookarounds, ``\\b``, ``\\B`` and ``regex``'s ``\\m``/``\\M`` are dropped (a dropped
  condition only admits more);
- atomic groups and possessive quantifiers become plain ones, lazy quantifiers greedy (the
  set of strings matched is the same or larger);
- a bounded repeat ``{m,n}`` becomes ``*`` (m = 0), ``{m,}`` (m up to ``MAX_KEPT_MIN``) or ``+``
  (any string it matched is still matched; Hyperscan builds large automata for bounded repeats
  of Unicode classes, so only the minimum is kept, and only a small one);
- a back-reference matches any run of characters on the line;
- every character class, escape and, under IGNORECASE, every letter becomes an explicit list
  of code point ranges computed **by the regex module itself** (enumerating all code points),
  so Unicode versions and case-folding rules cannot disagree; long range lists are widened by
  filling the narrowest gaps above ASCII (a superset, kept small for the compiler);
- ``\\A``, ``\\Z`` and ``\\z`` become line anchors (the engine matches one line at a time);
- the three non-ASCII letters ``regex`` equates with an ASCII one under IGNORECASE (the long s,
  the Kelvin sign, the dotted capital I) are replaced in the *scanned copy* of the text by that
  letter (``fold_for_scan``), and every class holding one of them also holds the letter. Without
  this, each ignore-case "s", "k" or "i" would be a branch on a multi-byte character, and
  Hyperscan's literal matching (and compile time) suffers badly.

Anything else (verbose mode, conditionals, recursion, ``\\G``, fuzzy matching, POSIX
classes, flags beyond i/m/s/u/V0) raises ``Unsupported``, and that one rule keeps the old
path.
"""

from __future__ import annotations

import functools

import regex

#: Rewriting rules change what is scanned: bump this to invalidate compiled databases on disk.
VERSION = 5

#: A class is widened until it has at most this many ranges (ASCII is always kept exact).
MAX_RANGES = 24
#: The same for a pattern whose rewrite Hyperscan refuses as too long (``scan.compile_patterns``
#: tries it once more with this): at ``MAX_RANGES`` each Unicode ``\d`` of a date pattern takes
#: hundreds of characters. A wider class only admits more candidate lines; widening further fills
#: the wide gap before the CJK block too, and every Chinese line becomes a candidate.
COARSE_RANGES = 8

#: A counted repeat keeps its minimum up to this many (``{4}`` becomes ``{4,}``, not ``+``): four
#: lower-to-upper seams of a glued menu are rarer on a line than one. Larger minimums become ``+``,
#: since the automaton grows with each copy the minimum asks for.
MAX_KEPT_MIN = 8

_ALLOWED_FLAGS = regex.IGNORECASE | regex.MULTILINE | regex.DOTALL | regex.UNICODE | regex.VERSION0
_SURROGATES = (0xD800, 0xDFFF)
_ASTRAL = 0x10000
_LAST = 0x10FFFF


class Unsupported(ValueError):
    """The pattern uses syntax the rewrite does not cover; its rule keeps the exact-regex path."""


def superset(pattern: regex.Pattern[str], stripped: bool = False, max_ranges: int = MAX_RANGES) -> str:
    r"""A Hyperscan expression matching, on one line, at least what ``pattern`` matches.

    ``stripped``: at least the lines whose *stripped* text ``pattern`` matches (the shape kinds and
    ``unless`` match ``line.strip()``): a start anchor may be followed, and the final end anchor
    preceded, by the whitespace ``strip`` removes. ``max_ranges``: see ``MAX_RANGES`` and ``COARSE_RANGES``.

    >>> superset(regex.compile(r"^(?>ab)c{2,5}?(?=d)", regex.M))
    '(?:^(?:ab)c{2,})[^\\n]*$'
    >>> superset(regex.compile(r"(?i)ok\b|^x$", regex.M))  # a Kelvin sign is scanned as a k
    '(?:[Oo][Kk])[^\\n]*$|^[Xx]$'
    """
    if pattern.flags & ~_ALLOWED_FLAGS:
        raise Unsupported(f"flags {pattern.flags:#x}")
    return _Parser(pattern.pattern, bool(pattern.flags & regex.IGNORECASE), stripped, max_ranges).parse()


class _Parser:
    """A recursive-descent reader of the ``regex`` syntax the rules use, writing the rewrite as it goes."""

    def __init__(self, source: str, ignore_case: bool, stripped: bool = False, max_ranges: int = MAX_RANGES) -> None:
        self.s = source
        self.i = 0
        self.ignore_case = ignore_case
        self.stripped = stripped
        self.max_ranges = max_ranges

    def parse(self) -> str:
        """The rewrite, every match of which ends at a line's end: one report per line and pattern.

        Hyperscan takes ``$`` only at the end of a pattern, so a branch of the whole pattern that
        ends in ``$`` keeps it, every other ``$`` is dropped, and a branch without one gets
        ``[^\\n]*$``: whatever it matched, extended to the end of its line.
        """
        branches = [self._sequence(self.ignore_case, top=True)]
        while self._peek("|"):
            self.i += 1
            branches.append(self._sequence(self.ignore_case, top=True))
        if self.i < len(self.s):
            raise Unsupported(f"unbalanced ')' at {self.i}")
        return "|".join(b if b.endswith("$") and not b.endswith("\\$") else f"(?:{b})[^\\n]*$" for b in branches)

    def _peek(self, text: str) -> bool:
        return self.s.startswith(text, self.i)

    def _alternation(self, ignore_case: bool) -> str:
        branches = [self._sequence(ignore_case)]
        while self._peek("|"):
            self.i += 1
            branches.append(self._sequence(ignore_case))
        return "|".join(branches)

    def _sequence(self, ignore_case: bool, top: bool = False) -> str:
        items: list[str] = []
        while self.i < len(self.s) and self.s[self.i] not in "|)":
            atom = self._atom(ignore_case)
            quantifier = self._quantifier()
            if quantifier == "{0}" or (quantifier and atom == "$"):
                atom = ""
            elif quantifier and atom:
                atom = atom + quantifier if _single(atom) else f"(?:{atom}){quantifier}"
            items.append(atom)
        # an end anchor stays only as the last item of a branch of the whole pattern
        last = len(items) - 1 if top else -1
        items = [item for k, item in enumerate(items) if item != "$" or k == last]
        if self.stripped:  # the stripped text starts after, and ends before, the line's outer whitespace
            space = _emit_ranges(list(_strip_ranges()))
            items = [f"(?:^{space}*)" if item == "^" else f"{space}*$" if item == "$" else item for item in items]
        return "".join(items)

    def _quantifier(self) -> str:
        """The next quantifier, rewritten to ``*``, ``+``, ``?`` or ``{m,}`` (empty when there is none)."""
        s, i = self.s, self.i
        if i >= len(s):
            return ""
        if s[i] in "*+?":
            out, self.i = s[i], i + 1
        elif s[i] == "{":
            found = regex.match(r"\{(\d*)(?:(,)(\d*))?\}", s[i:])
            if found is None or (not found.group(1) and not found.group(2)):
                raise Unsupported(f"'{{' at {i} is not a counted repeat (fuzzy matching?)")
            low = int(found.group(1) or 0)
            high = None if found.group(2) and not found.group(3) else int(found.group(3) or low)
            self.i = i + found.end()
            if (low, high) == (0, 1):
                out = "?"
            elif low == 0:
                out = "*"
            else:
                out = "+" if low == 1 or low > MAX_KEPT_MIN else f"{{{low},}}"
            if high == 0:
                out = "{0}"
        else:
            return ""
        if self.i < len(s) and s[self.i] in "?+":  # lazy or possessive: the same strings, or fewer
            self.i += 1
        return out

    def _atom(self, ignore_case: bool) -> str:
        s, c = self.s, self.s[self.i]
        if c == "(":
            return self._group(ignore_case)
        if c == "[":
            end = _class_end(s, self.i)
            source, self.i = s[self.i : end], end
            return _class(source, ignore_case, self.max_ranges)
        if c == ".":
            self.i += 1
            return r"[^\n]"
        if c in "^$":
            self.i += 1
            return c
        if c == "\\":
            return self._escape(ignore_case)
        if c in "{*+?":
            raise Unsupported(f"{c!r} at {self.i} has nothing to repeat, or is fuzzy matching")
        self.i += 1
        return _literal(c, ignore_case)

    def _group(self, ignore_case: bool) -> str:
        s = self.s
        self.i += 1
        dropped = False
        if self._peek("?"):
            self.i += 1
            if self._peek("#"):
                self.i = s.index(")", self.i) + 1
                return ""
            if self._peek(":") or self._peek(">") or self._peek("|"):
                self.i += 1
            elif self._peek("=") or self._peek("!"):
                self.i += 1
                dropped = True
            elif self._peek("<=") or self._peek("<!"):
                self.i += 2
                dropped = True
            elif self._peek("P<") or self._peek("<"):
                self.i = s.index(">", self.i) + 1
            elif self._peek("P="):
                self.i = s.index(")", self.i) + 1
                return r"[^\n]*"
            else:
                flags = regex.match(r"([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])", s[self.i :])
                if flags is None:
                    raise Unsupported(f"group syntax at {self.i}")
                on, off, end = flags.group(1), flags.group(2) or "", flags.group(3)
                if set(on + off) - set("imsu"):
                    raise Unsupported(f"inline flags {flags.group(0)!r}")
                self.i += flags.end()
                if end == ")":
                    # V0: an inline flag anywhere applies to the whole pattern, so pattern.flags holds it
                    return ""
                if "i" in on:
                    ignore_case = True
                if "i" in off:
                    ignore_case = False
        inner = self._alternation(ignore_case)
        if not self._peek(")"):
            raise Unsupported("unclosed group")
        self.i += 1
        return "" if dropped or not inner else f"(?:{inner})"

    def _escape(self, ignore_case: bool) -> str:
        s, i = self.s, self.i
        if i + 1 >= len(s):
            raise Unsupported("trailing backslash")
        c = s[i + 1]
        if c in "bBmM":
            self.i = i + 2
            return ""
        if c == "A":
            self.i = i + 2
            return "^"
        if c in "Zz":
            self.i = i + 2
            return "$"
        if c in "123456789":
            found = regex.match(r"\\\d{1,2}", s[i:])
            assert found is not None
            self.i = i + found.end()
            return r"[^\n]*"
        if c == "g" and s.startswith("g<", i + 1):
            self.i = s.index(">", i) + 1
            return r"[^\n]*"
        if c in "GKXLQEjJ":
            raise Unsupported(f"escape \\{c}")
        found = regex.match(r"\\(?:[pPN]\{[^}]*\}|[pP]\w|x\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|0[0-7]{0,2}|.)", s[i:], regex.DOTALL)  # noqa: E501
        assert found is not None
        self.i = i + found.end()
        escape = found.group(0)
        if len(escape) == 2 and not escape[1].isalnum():
            return _literal(escape[1], ignore_case)  # an escaped punctuation mark or symbol is itself
        return _class(escape, ignore_case, self.max_ranges)


def _class_end(s: str, i: int) -> int:
    """The index just past the character class starting at ``s[i] == "["``."""
    j = i + 1
    if j < len(s) and s[j] == "^":
        j += 1
    if j < len(s) and s[j] == "]":
        j += 1  # a "]" first is a literal
    while j < len(s):
        c = s[j]
        if c == "\\":
            found = regex.match(r"\\(?:[pPNx]\{[^}]*\}|.)", s[j:], regex.DOTALL)
            assert found is not None
            j += found.end()
            continue
        if c == "[" and s.startswith("[:", j):
            raise Unsupported("POSIX class")
        if c == "]":
            return j + 1
        j += 1
    raise Unsupported("unclosed class")


def _single(atom: str) -> bool:
    """Whether a quantifier can follow ``atom`` without a group: one class or one escaped character."""
    return (atom.startswith("[") and _class_end(atom, 0) == len(atom)) or (
        atom.startswith(r"\x{") and atom.endswith("}") and atom.count("}") == 1
    ) or (len(atom) == 1 and atom.isalnum())


def _literal(c: str, ignore_case: bool) -> str:
    folds = scan_folds()
    cases = {folds.get(cp, cp) for cp in (_cases(c) if ignore_case else {ord(c)})}
    if len(cases) > 1:
        return _emit_ranges([(cp, cp) for cp in sorted(cases)])
    return _char(cases.pop())


@functools.lru_cache(maxsize=1)
def scan_folds() -> dict[int, int]:
    """Non-ASCII code points ``regex``'s IGNORECASE equates with an ASCII letter, to that letter (for
    ``str.translate``): the scanned copy of a text has the letter where the text has them."""
    return {cp: ord(c) for c in "abcdefghijklmnopqrstuvwxyz" for cp in _cases(c) if cp > 0x7F}


def fold_for_scan(text: str) -> str:
    """The copy of ``text`` the rewrites are matched against: ``scan_folds`` applied, nothing else changed."""
    folds = scan_folds()
    if any(chr(cp) in text for cp in folds):
        return text.translate(folds)
    return text


def _cases(c: str) -> frozenset[int]:
    """The code points a letter matches under ``regex``'s IGNORECASE (simple case folding, as in V0)."""
    return frozenset(regex._regex.get_all_cases(regex.IGNORECASE | regex.UNICODE, ord(c))) | {ord(c)}  # type: ignore[attr-defined]  # noqa: E501


def _class(source: str, ignore_case: bool, max_ranges: int = MAX_RANGES) -> str:
    """A class or escape as explicit ranges, computed by the ``regex`` module, without the newline."""
    ranges = _class_ranges(source, ignore_case)
    if not ranges:
        return r"\n"  # nothing on a line can match it; a newline never occurs inside a line
    return _emit_ranges(_widen(ranges, max_ranges))


@functools.lru_cache(maxsize=4096)
def _class_ranges(source: str, ignore_case: bool) -> tuple[tuple[int, int], ...]:
    """Code point ranges the class matches, the newline and surrogates excluded (one scan of every code point)."""
    flags = regex.UNICODE | regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0)
    try:
        compiled = regex.compile(f"(?:{source})+", flags)
    except regex.error as err:
        raise Unsupported(f"class {source!r}: {err}") from None
    ranges = []
    for found in compiled.finditer(_all_code_points()):
        low, high = _code_point(found.start()), _code_point(found.end() - 1)
        if low <= 10 <= high:  # the newline: a line never holds it
            if low < 10:
                ranges.append((low, 9))
            low = 11
        if low <= high:
            ranges.append((low, high))
    # the scanned copy holds an ASCII letter where the text holds a letter folded to it
    extra = [(ascii_cp, ascii_cp) for cp, ascii_cp in scan_folds().items() if any(lo <= cp <= hi for lo, hi in ranges)]
    return _merged(ranges + extra)


def _merged(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted ranges with overlapping and adjacent ones joined."""
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _strip_ranges() -> tuple[tuple[int, int], ...]:
    """What ``str.strip()`` removes (Python's whitespace, wider than regex's ``\\s``), without the newline."""
    spaces = [cp for cp in range(_LAST + 1) if cp != 10 and chr(cp).isspace()]
    return _merged([(cp, cp) for cp in spaces])


@functools.lru_cache(maxsize=1)
def _all_code_points() -> str:
    """Every code point but the surrogates, in order (what a class is tested against)."""
    return "".join(map(chr, range(_SURROGATES[0]))) + "".join(map(chr, range(_SURROGATES[1] + 1, _LAST + 1)))


def _code_point(index: int) -> int:
    return index if index < _SURROGATES[0] else index + (_SURROGATES[1] - _SURROGATES[0] + 1)


def _widen(ranges: tuple[tuple[int, int], ...], max_ranges: int = MAX_RANGES) -> list[tuple[int, int]]:
    """At most ``max_ranges`` ranges covering ``ranges``: the narrowest gaps above ASCII are filled,
    and whatever lies beyond the BMP becomes one range.

    Gaps in ASCII and gaps holding the newline or the surrogates stay: ASCII decides most of
    the rules' anchors and separators, and the other two never occur in scanned text.
    """
    merged = [r for r in ranges if r[1] < _ASTRAL]
    astral = [r for r in ranges if r[1] >= _ASTRAL]
    if astral:  # beyond the BMP (rare in text, four UTF-8 bytes each): one range
        merged.append((max(astral[0][0], _ASTRAL), astral[-1][1]))
        if astral[0][0] < _ASTRAL:
            merged.insert(len(merged) - 1, (astral[0][0], _ASTRAL - 1))
    if len(merged) <= max_ranges:
        return merged
    gaps = sorted(
        (merged[k + 1][0] - merged[k][1], k)
        for k in range(len(merged) - 1)
        if merged[k][1] >= 0x7F and not (merged[k][1] < _SURROGATES[0] and merged[k + 1][0] > _SURROGATES[1])
    )
    fill = {k for _, k in gaps[: len(merged) - max_ranges]}
    out: list[tuple[int, int]] = []
    for k, (low, high) in enumerate(merged):
        if k - 1 in fill:
            out[-1] = (out[-1][0], high)
        else:
            out.append((low, high))
    return out


def _emit_ranges(ranges: list[tuple[int, int]]) -> str:
    parts = [_char(low) if low == high else f"{_char(low)}-{_char(high)}" for low, high in ranges]
    return "[" + "".join(parts) + "]"


def _char(cp: int) -> str:
    """One code point in the rewrite: letters and digits as themselves, anything else escaped."""
    c = chr(cp)
    return c if c.isascii() and c.isalnum() else _hex(cp)


def _hex(cp: int) -> str:
    return f"\\x{{{cp:x}}}"
