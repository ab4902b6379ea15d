"""The fast normaliser gives exactly ftfy.fix_text's output, for every option set tried."""

from __future__ import annotations

from pathlib import Path

import ftfy
import pytest
from ftfy import TextFixerConfig
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.normalize import DEFAULT_NORMALIZE, _badness_triggers, fix_text

CONFIGS = {
    "ftfy-defaults": TextFixerConfig(explain=False),
    "cjk-safe": DEFAULT_NORMALIZE,
    "nfkc-uncurl": TextFixerConfig(normalization="NFKC", uncurl_quotes=True, explain=False),
    "html-on-no-encoding": TextFixerConfig(unescape_html=True, fix_encoding=False, explain=False),
    "all-off-but-encoding": TextFixerConfig(
        unescape_html=False, fix_latin_ligatures=False, fix_character_width=False, uncurl_quotes=False,
        fix_line_breaks=False, fix_surrogates=False, remove_terminal_escapes=False, remove_control_chars=False,
        normalization=None, explain=False,
    ),  # fmt: skip
    "short-segments": TextFixerConfig(max_decode_length=7, explain=False),
}

PIECES = [
    "关注", "点个“关注”", "，。！？：（）", "ＬＯＵＤ　ＮＯＩＳＥＳ", "“quoted” ‘single’", "…", "—", "·",
    "café", "naïve", "ﬂubberiﬁc", "&amp;", "&lt;b&gt;", "&#x2019;", "&hellip;", "<b>", "\x1b[31mred\x1b[0m",
    "\r\n", "\r", "\u2028", "\x85", "\x00", "\x07", "\u200b", "\ufeff", "e\u0301", "\ud83d", "\udca9", "\ud83d\udca9",
    "Ã©", "Ã¢â‚¬â„¢", "â€œ", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "ç»å¯¹", "\x80", "\x9d", "×²", "Â ", " Â ", "ÃƒÂ©",
    "The quick brown fox.", "\n", "\n\n", " ", "1½", "№", "├─", "°C",
]


def mojibake(text: str, encoding: str) -> str:
    try:
        return text.encode("utf-8").decode(encoding)
    except UnicodeDecodeError:
        return text


words = st.sampled_from(PIECES) | st.text(max_size=8)
broken = st.tuples(st.text(alphabet=st.sampled_from("é中文“”—ü€ñ™ß"), max_size=6), st.sampled_from(["latin-1", "cp1252"])).map(lambda p: mojibake(*p))  # noqa: E501
documents = st.lists(words | broken, max_size=30).map("".join)


@pytest.mark.parametrize("name", sorted(CONFIGS))
@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents)
def test_same_output_as_ftfy(name: str, text: str) -> None:
    config = CONFIGS[name]
    assert fix_text(text, config) == ftfy.fix_text(text, config)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_same_output_as_ftfy_on_arbitrary_unicode(text: str) -> None:
    for config in (CONFIGS["ftfy-defaults"], CONFIGS["cjk-safe"]):
        assert fix_text(text, config) == ftfy.fix_text(text, config)


def test_keyword_options_like_ftfy() -> None:
    text = "“Ã©” ｗｉｄｅ"
    assert fix_text(text, uncurl_quotes=False) == ftfy.fix_text(text, uncurl_quotes=False)
    assert fix_text(text) == ftfy.fix_text(text)


def test_html_switch_is_sticky_across_lines_like_ftfy() -> None:
    text = "a &amp; b\n<p>\nc &amp; d\n"
    assert fix_text(text) == ftfy.fix_text(text) == "a & b\n<p>\nc &amp; d\n"


def test_the_badness_proof_goes_through_and_spares_cjk_punctuation() -> None:
    triggers = _badness_triggers()
    assert triggers is not None
    assert not {ord(ch) for ch in "“”‘’…—·，。！？：（）、《》中文あア한"} & triggers
    assert {ord(ch) for ch in "ÃÂ\x80é€"} <= triggers


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "bench-seed"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/bench-seed is not beside the project")
@pytest.mark.parametrize("name", ["cjk-safe", "ftfy-defaults"])
def test_same_output_on_the_benchmark_novels(name: str) -> None:
    config = CONFIGS[name]
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")[:300_000]
        damaged = text[:50_000] + mojibake(text[50_000:60_000], "cp1252") + text[60_000:]
        assert fix_text(damaged, config) == ftfy.fix_text(damaged, config), path.name
