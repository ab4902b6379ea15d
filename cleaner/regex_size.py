"""How large a pattern becomes once its counted repeats are unrolled, read from its text alone.

Why: the ``regex`` module unrolls ``a{1000000}`` at compile time (about 270 MB and
most of a second for that one pattern), so a rule file can exhaust memory before
any timeout applies. The loader refuses a pattern whose estimate is over
:data:`MAX_PATTERN_SIZE`, with the rule's file:line. The estimate is structural
(no compiling, no timing): each atom counts 1, a group counts its contents, and a
counted repeat ``{m,n}`` multiplies what it repeats by its largest bound;
``* + ?`` multiply nothing. It reads the ``regex`` module's syntax (``\\p{Han}``,
nested sets) well enough to find the braces that are quantifiers.
"""

from __future__ import annotations

import re

from cleaner.sre import class_end

#: Far above any real chrome pattern (a 10,000-character unrolled pattern is already odd).
MAX_PATTERN_SIZE = 20_000

_QUANT = re.compile(r"\{(\d*)(?:,(\d*))?\}")
#: Escapes whose argument is in braces: \p{Han}, \N{DASH}, \x{20AC}.
_BRACED_ESCAPES = frozenset("pPNx")


def pattern_size(pattern: str) -> int:
    """The unrolled size estimate of ``pattern``.

    >>> pattern_size("^点个?关注$"), pattern_size("a{1000000}"), pattern_size("(ab{10}){100}")
    (4, 1000000, 1100)
    >>> pattern_size(r"\\p{Han}{2,4}[{}]x{,3}")
    8
    """
    totals = [0]  # the size so far of each open group, innermost last
    last = 0  # the size of the atom a quantifier would repeat
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            if i - 1 < n and pattern[i - 1] in _BRACED_ESCAPES and i < n and pattern[i] == "{":
                i = pattern.find("}", i) + 1 or n
            last = 1
        elif ch == "[":
            i = class_end(pattern, i)
            last = 1
        elif ch == "(":
            totals.append(0)
            i += 1
            last = 0
            continue
        elif ch == ")":
            inner = totals.pop() if len(totals) > 1 else 0
            i += 1
            last = max(inner, 1)
        elif ch == "{" and (found := _QUANT.match(pattern, i)) and (found.group(1) or found.group(2)):
            low = int(found.group(1) or 0)
            high = int(found.group(2)) if found.group(2) else low
            count = max(low, high, 1)
            totals[-1] += last * (count - 1)
            last *= count
            i = found.end()
            continue
        elif ch in "*+?|^$":
            i += 1
            continue
        else:
            i += 1
            last = 1
        totals[-1] += last
    return sum(totals)
