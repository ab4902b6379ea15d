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
