"""The fast normaliser gives exactly ftfy.fix_text's output, for every option set tried."""

from __future__ import annotations

from pathlib import Path

import ftfy
import pytest
from ftfy import TextFixerConfig, badness, chardata
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.normalize import DEFAULT_NORMALIZE, _badness_alternatives, _gate, _html_alternatives, fix_text

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


def test_the_gate_is_derived_from_ftfy_and_lets_ordinary_text_through() -> None:
    assert _badness_alternatives() is not None and _html_alternatives() is not None
    gate = _gate(DEFAULT_NORMALIZE, html=True)
    for clean in ("点个“关注”，。！？：（）、《》中文あア한", "Grüße aus Köln – „schön“, Straße, Ärger, Übel.",
                  "L’été à Noël, « très » cœur ; où ça ? ÉCOLE", "São Paulo, ação, pão, ñandú, ¿qué? ¡olé!",
                  "perché più così, «città»", "Привет, «мир» — Всё в Порядке", "AT&T, R&D, a & b"):  # fmt: skip
        assert gate.search(clean) is None, clean
    for broken in ("Ã©tÃ©", "â€œquotedâ€\x9d", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "&amp;", "&#x2019;", "\x80", "Ã\xa0", "ā€"):
        assert gate.search(broken) is not None, broken


@settings(max_examples=3000, deadline=None)
@given(text=st.from_regex(badness.BADNESS_RE) | st.from_regex(chardata.HTML_ENTITY_RE))
def test_the_gate_fires_wherever_ftfy_could_act(text: str) -> None:
    """Every string ftfy's mojibake detector or HTML unescaper matches (with any text around it)."""
    assert _gate(TextFixerConfig(explain=False), html=True).search(text) is not None
    assert _gate(TextFixerConfig(explain=False), html=True, heavy_only=True).search(text) is not None


accented_prose = st.lists(
    st.sampled_from(["été", "Grüße", "São", "ação", "cœur", "œuvre", "Ärger", "Übel", "à", "À", "« ", " »", "„", "“",
                     "”", "’", "–", "…", "\xa0", "½", "°C", "€", "£", "©", "®", "™", "§", "№", "×", "µ", "¿", "¡",
                     "ª", "º", "Ã", "Â", "Ð", "Ø", "Ù", "‚", "в", "Г", "β", "ā", " ", "\n", "x", "Z", "&", "#1;"])
    | broken,
    max_size=25,
).map("".join)


@pytest.mark.parametrize("name", sorted(CONFIGS))
@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=accented_prose)
def test_same_output_as_ftfy_on_accented_text_and_mojibake(name: str, text: str) -> None:
    config = CONFIGS[name]
    assert fix_text(text, config) == ftfy.fix_text(text, config)


DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"


@pytest.mark.skipif(not DEVSET.is_dir(), reason="shared/devset is not beside the project")
@pytest.mark.parametrize("name", ["cjk-safe", "ftfy-defaults", "html-on-no-encoding"])
def test_same_output_on_every_dev_set_page(name: str) -> None:
    config = CONFIGS[name]
    pages = sorted(DEVSET.glob("*/raw.txt"))
    assert pages
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert fix_text(text, config) == ftfy.fix_text(text, config), path.parent.name


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "bench-seed"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/bench-seed is not beside the project")
@pytest.mark.parametrize("name", ["cjk-safe", "ftfy-defaults"])
def test_same_output_on_the_benchmark_novels(name: str) -> None:
    config = CONFIGS[name]
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")[:300_000]
        damaged = text[:50_000] + mojibake(text[50_000:60_000], "cp1252") + text[60_000:]
        assert fix_text(damaged, config) == ftfy.fix_text(damaged, config), path.name
