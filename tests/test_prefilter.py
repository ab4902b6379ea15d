"""The one-pass literal scan answers every rule's prefilter question exactly as ``in`` would."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Pipeline, prefilter
from cleaner.prefilter import LiteralIndex, TextLiterals

needs_scanner = pytest.mark.skipif(prefilter.ahocorasick is None, reason="pyahocorasick is not installed")


def reference(text: str, literals: tuple[str, ...], folded: bool) -> bool:
    """What the engine checked before: one ``in`` per literal."""
    if not literals:
        return True
    haystack = text.casefold() if folded else text
    return any(literal in haystack for literal in literals)


# Overlapping and nested literals, case pairs and characters whose casefold is longer (ß -> ss, İ -> i̇).
ALPHABET = "abcAB ßsSİi\u0307前年阅读-."
texts = st.text(alphabet=ALPHABET, max_size=30)
literal_sets = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=4), max_size=4).map(tuple)
questions = st.lists(st.tuples(literal_sets, st.booleans()), min_size=1, max_size=8)


@needs_scanner
@settings(max_examples=400, deadline=None)
@given(documents=st.lists(st.tuples(texts, questions), min_size=1, max_size=6))
def test_same_answers_as_in_across_documents(documents: list[tuple[str, list[tuple[tuple[str, ...], bool]]]]) -> None:
    """Several documents share one index, which learns literals as they are asked about."""
    index = LiteralIndex()
    for text, asked in documents:
        scan = TextLiterals(text, index)
        for literals, folded in asked:
            if folded:
                literals = tuple(literal.casefold() for literal in literals)  # as the loader stores them
            assert scan.holds_any(literals, folded) == reference(text, literals, folded), (text, literals, folded)


@needs_scanner
def test_overlapping_and_nested_literals_are_all_found() -> None:
    index = LiteralIndex()
    for _ in range(2):  # the first document teaches the index, the second is answered by the scan
        scan = TextLiterals("xx abc xx 相关推荐", index)
        assert scan.holds_any(("bcd", "ab"), False) and scan.holds_any(("bc",), False)
        assert all(scan.holds_any((literal,), False) for literal in ("相关", "推荐", "关推"))
        assert not scan.holds_any(("ABC", "cb", "阅读"), False)
        assert scan.holds_any(("abc",), True) and not scan.holds_any(("abd",), True)
    assert {"ab", "bc", "abc", "相关", "推荐", "关推"} <= index.state[1]


@needs_scanner
def test_case_sensitive_literals_are_checked_against_the_original_text() -> None:
    index = LiteralIndex()
    for _ in range(2):
        scan = TextLiterals("Straße ABOUT us", index)
        assert scan.holds_any(("ABOUT",), False)
        assert not scan.holds_any(("about",), False)  # only its casefolded form is in the text
        assert scan.holds_any(("about",), True) and scan.holds_any(("strasse",), True)
        assert not scan.holds_any(("STRASSE",), False)


def test_the_index_stops_learning_at_its_cap() -> None:
    index = LiteralIndex()
    index.MAX_LITERALS = 3
    for n in range(10):
        index.learn(f"w{n}")
    index.scan("w1 w7")
    assert len(index.state[1]) <= 3


DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"


@needs_scanner
@pytest.mark.skipif(not DEVSET.is_dir(), reason="shared/devset is not beside the project")
def test_default_rules_give_the_same_output_with_and_without_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [path.read_text(encoding="utf-8") for path in sorted(DEVSET.glob("*/raw.txt"))]
    assert pages
    pipeline = Pipeline.default()
    with_scan = [pipeline(page) for page in pages]
    monkeypatch.setattr(prefilter, "ahocorasick", None)
    without = [pipeline(page) for page in pages]
    assert with_scan == without


def test_fuzzy_patterns_have_no_prefilter() -> None:
    """A fuzzy match need not contain its words as written: the rule must still run."""
    from cleaner import Pipeline, load_rules_text

    assert prefilter.required_literals("(?:chrome){e<=1}") is None
    pipe = Pipeline([load_rules_text("rules:\n  - {id: fz, remove: line, match: '^(?:subscribe){e<=1}$'}\n")])
    assert pipe("Body text.\nsubscrbe\n") == "Body text.\n"
