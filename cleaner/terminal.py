"""Terminal conventions every command shares: colour, help-text metavars, the stdin hint.

Kept apart from ``cli.py`` so that the commands only ask one question each
(``use_colour(stream)``, ``stdin_hint(...)``) and the conventions live in one place:

- colour follows ``--color auto|always|never``; ``auto`` colours a terminal
  unless ``NO_COLOR`` is set to anything but the empty string (https://no-color.org);
  ``always`` wins over ``NO_COLOR``, as that convention allows for an explicit flag;
- help shows a metavar only where an option takes a value, named for what it is
  (``N``, ``DIR``, ``RULES``), never typer's type labels (``<bool>``, ``<list[str]>``);
- a command that would read stdin from a terminal says so on stderr instead of
  waiting silently.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import IO, Any


class ColorMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


#: Set once by the app's callback from ``--color``; read by every command that colours.
_mode = ColorMode.auto


def set_colour_mode(mode: ColorMode) -> None:
    global _mode  # noqa: PLW0603 - one process-wide setting, chosen once per invocation
    _mode = mode


def use_colour(stream: IO[str]) -> bool:
    """Whether output written to ``stream`` should carry ANSI colours."""
    if _mode is ColorMode.always:
        return True
    if _mode is ColorMode.never or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def stdin_hint(what: str) -> None:
    """On a terminal, say that we wait for stdin and how to end it (a silent wait looks like a hang)."""
    if sys.stdin.isatty():
        print(f"cleaner: reading {what} from the terminal; end with Ctrl-D (see --help for files)", file=sys.stderr)


def patch_typer_metavars() -> None:
    """Show a value's metavar (or nothing, for a flag) instead of typer's type labels.

    typer 0.29 renders ``<bool>`` after every flag and ignores an option's
    ``metavar``; pyproject pins typer to that line, and this keeps the help
    readable: an explicit ``metavar`` wins, flags show none, other values show
    their type in click's upper-case style (``TEXT``, ``INTEGER``).
    """
    from typer import core

    if getattr(core.TyperOption, "_cleaner_patched", False):
        return
    original = core._TyperParameter.display_type_rich

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if self.metavar is not None:
            return self.metavar or None
        if getattr(self, "is_flag", False) or getattr(self, "count", False):
            return None
        label = original(self, ctx)
        if label and label.startswith("<") and label.endswith(">"):
            inner = label[1:-1]
            if inner.startswith("list[") and inner.endswith("]"):
                inner = inner[5:-1]
            label = _CLICK_NAMES.get(inner, inner if "|" in inner else inner.upper())
            if "|" in label:
                label = f"[{label}]"
        return label

    core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]
    # an argument's name already says what it is (``INPUT...``): no type column beside it
    core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
    core.TyperOption._cleaner_patched = True  # type: ignore[attr-defined]


_CLICK_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "path": "PATH", "file": "FILE", "dir": "DIR"}
