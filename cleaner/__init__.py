"""cleaner: remove site chrome from scraped text with YAML rule sets, then normalise it with ftfy.

>>> from cleaner import Pipeline
>>> Pipeline.default()("标题\\n\\n0 阅读:0\\n")
'标题\\n'
"""

from __future__ import annotations

from cleaner.errors import CleanerError, RuleError, RuleTimeoutError
from cleaner.loader import load_rules, load_rules_text
from cleaner.model import CleanResult, Document, Removal, Rule, RuleSet
from cleaner.pipeline import Pipeline

__all__ = [
    "CleanResult",
    "CleanerError",
    "Document",
    "Pipeline",
    "Removal",
    "Rule",
    "RuleError",
    "RuleSet",
    "RuleTimeoutError",
    "clean",
    "load_rules",
    "load_rules_text",
]

__version__ = "0.1.0"

_default: Pipeline | None = None


def clean(text: str) -> str:
    """Clean one text with the shipped ``default`` rule set."""
    global _default  # noqa: PLW0603 - a lazily built, immutable default pipeline
    if _default is None:
        _default = Pipeline.default()
    return _default(text)
