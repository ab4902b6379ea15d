"""The shipped normaliser settings repair broken text without damaging Chinese."""

from __future__ import annotations

import ftfy

from cleaner import Pipeline
from cleaner.normalize import DEFAULT_NORMALIZE, Normalizer


def test_cjk_quotes_and_full_width_punctuation_survive() -> None:
    text = "点个“关注”，我们（每天）更新！问：好吗？答：好。\n"
    assert Pipeline.default()(text) == text
    # ftfy's own defaults would damage exactly these characters
    assert ftfy.fix_text(text) != text


def test_mojibake_is_still_repaired() -> None:
    broken = "关注".encode().decode("latin-1").encode("latin-1").decode("cp1252", errors="replace")
    assert Normalizer(DEFAULT_NORMALIZE)("文章 " + "Ã©tÃ©") == "文章 été"
    assert broken != "关注"


def test_normalizer_equals_ftfy_with_the_same_options() -> None:
    text = "Ã©tÃ© &amp; “quotes” ｆｕｌｌ\r\n"
    assert Normalizer(DEFAULT_NORMALIZE)(text) == ftfy.fix_text(text, DEFAULT_NORMALIZE)


def test_normalize_false_turns_it_off(write) -> None:
    path = write("r.yaml", "normalize: false\nrules: []\n")
    assert Pipeline.from_rules(str(path))("Ã©tÃ©\n") == "Ã©tÃ©\n"
