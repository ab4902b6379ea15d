"""The standard library's regex parser, for reading the structure of a pattern.

Used to prove things about patterns without running them: which characters ftfy's
mojibake detector needs (``normalize``), which literals a rule's matches contain
(``prefilter``), whether a pattern nests quantifiers (``lint``). Python 3.11 moved the
modules to ``re._parser``/``re._constants``; 3.10 has ``sre_parse``/``sre_constants``.
"""

from __future__ import annotations

import warnings
from typing import Any


def parser_and_constants() -> tuple[Any, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import re._constants as constants  # type: ignore[import-not-found]
            import re._parser as parser  # type: ignore[import-not-found]
        except ImportError:  # Python 3.10
            import sre_constants as constants
            import sre_parse as parser
    return parser, constants


def class_end(pattern: str, i: int) -> int:
    """The index after the set starting at ``pattern[i] == '['`` (escapes and nested sets skipped)."""
    depth = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            depth += 1
            if i + 1 < n and pattern[i + 1] == "]" and depth == 1:
                i += 1  # ']' first in a set is a literal
            elif i + 2 < n and pattern[i + 1] == "^" and pattern[i + 2] == "]" and depth == 1:
                i += 2
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def in_class(source: str, pos: int) -> bool:
    """Whether ``source[pos]`` lies inside a ``[...]`` set of the pattern ``source``."""
    i = 0
    while i < pos:
        if source[i] == "\\":
            i += 2
        elif source[i] == "[":
            end = class_end(source, i)
            if pos < end:
                return True
            i = end
        else:
            i += 1
    return False
