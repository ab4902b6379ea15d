"""The Python API reads well in help(): no sentinel objects, named keywords."""

from __future__ import annotations

import inspect

from cleaner import Pipeline


def test_signatures_show_their_defaults_by_name() -> None:
    init = str(inspect.signature(Pipeline.__init__))
    assert "object at" not in init
    assert """normalize: "TextFixerConfig | None | Literal['rules']" = 'rules'""" in init
    assert list(inspect.signature(Pipeline.from_rules).parameters) == ["names_or_paths", "normalize", "timeout"]


def test_from_rules_passes_its_keywords_on() -> None:
    raw = "标题\n“关注”我们\n"
    assert Pipeline.from_rules(normalize=None).normalizer.config is None
    assert Pipeline.from_rules("base", timeout=5.0).timeout == 5.0
    assert Pipeline.from_rules()(raw) == Pipeline.default()(raw)
