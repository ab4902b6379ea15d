"""The ftfy step: fix mojibake and broken text without touching what is already right.

``DEFAULT_NORMALIZE`` is what a rule set gets when it says nothing: ftfy's
encoding fixes stay on, while the fixes tuned for English are off, because
they damage Chinese, Japanese and Korean text:

- ``uncurl_quotes`` would turn “关注” into "关注";
- ``fix_character_width`` would turn full-width punctuation ，。！：（） into ASCII;
- ``normalization`` (NFC) would fold CJK compatibility ideographs into other
  code points; models and tokenisers see NFC-normalised text anyway.
"""

from __future__ import annotations

import ftfy
from ftfy import TextFixerConfig

DEFAULT_NORMALIZE = TextFixerConfig(
    uncurl_quotes=False,  # keeps “” and ‘’: CJK text uses them as its own quotes
    fix_character_width=False,  # keeps full-width ，。！？：（） that Chinese text is written with
    normalization=None,  # no NFC: it would remap CJK compatibility ideographs
    explain=False,
)


def fix_text(text: str, config: TextFixerConfig | None = None, **kwargs: object) -> str:
    """Exactly ``ftfy.fix_text(text, config, **kwargs)``."""
    return ftfy.fix_text(text, config, **kwargs)  # type: ignore[arg-type]


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
