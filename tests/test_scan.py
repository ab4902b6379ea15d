"""The multi-pattern scan (cleaner.scan) changes no output, only where the exact regex runs.

Every text goes through the same pipeline twice, with the scan and without it
(``CLEANER_SCAN=0``: today's whole-text search per rule), and the two results must be equal:
the same text, byte for byte, and the same removals. The texts: every dev set page, every
fixture, a sample of the benchmark's generated corpus, and random texts built from the
rules' own examples. The dev set and the corpus seeds live beside the project
(``shared/``); their tests skip without them.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Pipeline, scan, superset
from cleaner.engine import strip, strip_round
from cleaner.loader import load_builtin

from .conftest import FIXTURES, ROOT

SHARED = ROOT.parent / "shared"
DEVSET = SHARED / "devset"
SEEDS = SHARED / "bench-seed"

needs_hyperscan = pytest.mark.skipif(scan.hyperscan is None, reason="hyperscan is not installed")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """One compiled-database cache for this module's tests, not the user's."""
    monkeypatch.setenv(scan.ENV_CACHE_DIR, str(tmp_path_factory.getbasetemp() / "scan-cache"))


def _both(pipeline: Pipeline, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scan.ENV_SWITCH, "1")
    fast = [pipeline.clean(text) for text in texts]
    monkeypatch.setenv(scan.ENV_SWITCH, "0")
    slow = [pipeline.clean(text) for text in texts]
    differing = [k for k, (a, b) in enumerate(zip(fast, slow)) if a != b]
    assert differing == []


@needs_hyperscan
@pytest.mark.skipif(not DEVSET.is_dir(), reason="shared/devset is not beside the project")
def test_dev_set_pages_clean_the_same_with_and_without_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = sorted(DEVSET.glob("*/raw.txt"))
    assert pages
    _both(Pipeline.default(), [page.read_text(encoding="utf-8") for page in pages], monkeypatch)



def _bench_module(name: str) -> Any:
    """A script of bench/ imported as a module (its corpus and rule generators)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

@needs_hyperscan
@pytest.mark.parametrize("rule_set", ["default", "base", "zh-news", "en-web", "ja-web", "multi-web", "ko-web"])
def test_fixtures_clean_the_same_with_and_without_the_scan(rule_set: str, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [p for p in sorted(FIXTURES.glob("*/*.txt")) if not p.name.endswith(".clean.txt")]
    assert inputs
    _both(Pipeline([load_builtin(rule_set)]), [p.read_text(encoding="utf-8") for p in inputs], monkeypatch)


@needs_hyperscan
@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/bench-seed is not beside the project")
def test_generated_corpus_cleans_the_same_with_and_without_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    bench = _bench_module("corpus_bench")
    corpus = tmp_path / "corpus.jsonl"
    bench.make_corpus(corpus, 1)
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
    _both(Pipeline.default(), texts, monkeypatch)


@needs_hyperscan
@pytest.mark.skipif(not DEVSET.is_dir(), reason="shared/devset is not beside the project")
def test_generated_extra_rules_clean_the_same_with_and_without_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """200 rules of the benchmark's shapes (Unicode classes, ignore-case words, literal-free lines)."""
    from cleaner.loader import load_rules

    bench = _bench_module("rules_bench")
    path = tmp_path / "extra.yaml"
    path.write_text(bench.extra_rules_yaml(200), encoding="utf-8")
    pages = sorted(DEVSET.glob("*/raw.txt"))[::3]
    _both(Pipeline([load_rules(path)]), [page.read_text(encoding="utf-8") for page in pages], monkeypatch)


def _example_lines() -> list[str]:
    rules = load_builtin("default").rules
    lines = {line for rule in rules for line in (*rule.examples.remove, *rule.examples.keep)}
    return sorted(line for text in lines for line in text.split("\n"))


_FRAGMENTS = [
    "", " ", "  ", "\t", "。", ",", "|", "·", ">", "123", "2024-05-06 12:30", "Home", "首页", "关注", "阅读 12", "ok.",
]  # fmt: skip


@contextmanager
def _scan_switched(value: str) -> Iterator[None]:
    before = os.environ.get(scan.ENV_SWITCH)
    os.environ[scan.ENV_SWITCH] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[scan.ENV_SWITCH]
        else:
            os.environ[scan.ENV_SWITCH] = before


@needs_hyperscan
@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_example_lines()), st.sampled_from(_FRAGMENTS), st.booleans()), max_size=12))
def test_random_texts_from_the_rules_examples_strip_the_same(parts: list[tuple[str, str, bool]]) -> None:
    text = "\n".join(f"{fragment}{line}" if before else f"{line}{fragment}" for line, fragment, before in parts)
    rules = load_builtin("default").rules
    with _scan_switched("1"):
        fast = strip(text, rules)
    with _scan_switched("0"):
        assert strip(text, rules) == fast


@needs_hyperscan
def test_every_line_a_pattern_matches_is_among_its_candidates() -> None:
    """The rewrite is a superset on single lines, checked line by line on every example."""
    rules = load_builtin("default").rules
    patterns = [p for rule in rules for p in (rule.pattern, rule.next) if p is not None]
    lines = _example_lines()
    found = scan.Scanner.of(patterns).scan("\n".join(lines))
    assert found is not None
    covered = 0
    for pattern in patterns:
        candidates = found.line_set(pattern)
        if candidates is None:
            continue
        covered += 1
        missed = [line for i, line in enumerate(lines) if pattern.search(line) and i not in candidates]
        assert missed == [], pattern.pattern
    assert covered >= len(patterns) - 1  # all but what matches any line (keyword-stuffing's lookaheads)


@needs_hyperscan
def test_a_rewrite_too_long_for_hyperscan_is_scanned_with_coarser_classes() -> None:
    """The dated-teaser-list marker pattern's rewrite exceeds Hyperscan's pattern length at ``MAX_RANGES``."""
    pattern = load_builtin("default").rule("dated-teaser-list").pattern
    assert pattern is not None
    assert len(superset.superset(pattern, max_ranges=superset.COARSE_RANGES)) < len(superset.superset(pattern))
    scanner = scan.Scanner.of([pattern])
    assert scanner.covers(pattern)
    lines = ["首页", "08-31 12:58", "ESPN · 2 hours ago", "科比篮下360度转身暴扣", "4 de mayo de 2022", "Shares fell"]
    found = scanner.scan("\n".join(lines))
    assert found is not None
    assert [i for i, line in enumerate(lines) if pattern.search(line)] == [1, 2, 4]
    assert {1, 2, 4} <= found.line_set(pattern)  # type: ignore[operator]


def test_the_rewrite_of_a_pattern() -> None:
    rewritten = superset.superset(regex.compile(r"^(?:阅读|评论)[:：]?\d{1,3}?$", regex.M))
    # the digits class: ASCII exact, then every other decimal digit regex knows, in a few ranges
    assert rewritten.startswith(r"^(?:\x{9605}\x{8bfb}|\x{8bc4}\x{8bba})[\x{3a}\x{ff1a}]?[0-9\x{660}-")
    assert rewritten.endswith("]+$")
    assert rewritten.count("-") <= superset.MAX_RANGES + 1


@pytest.mark.parametrize("source", [r"(?:abc){e<=1}", r"(?x) a b", r"(a)?(?(1)b|c)", r"\Gx", r"[[:alpha:]]", r"a{}"])
def test_what_the_rewrite_does_not_cover_is_refused(source: str) -> None:
    with pytest.raises(superset.Unsupported):
        superset.superset(regex.compile(source, regex.V0))


def test_a_letter_matches_its_case_variants_as_regex_does() -> None:
    """The case table comes from regex itself; check it against regex's matching on Latin, Greek, Cyrillic."""
    for cp in range(0x41, 0x530):
        c = chr(cp)
        if not c.isalpha():
            continue
        expected = {x for x in map(chr, superset._cases(c)) if regex.fullmatch(regex.escape(c), x, regex.I)}
        assert {chr(x) for x in superset._cases(c)} == expected | {c}
        for other in (c.lower(), c.upper(), c.casefold()):
            if len(other) == 1 and regex.fullmatch(regex.escape(c), other, regex.I):
                assert ord(other) in superset._cases(c)


@needs_hyperscan
def test_a_pattern_the_rewrite_refuses_keeps_the_exact_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.loader import load_rules

    # verbose mode is beyond the rewrite (and ``(?:x){e<=1}`` fuzzy matching beyond the literal prefilter)
    rules_yaml = "rules:\n  - {id: spaced, remove: line, match: '(?x) ^ c h r o m e $'}\n  - {id: plain, remove: line, match: '^menu$'}\n"  # noqa: E501
    path = Path(os.environ[scan.ENV_CACHE_DIR]).parent / "spaced.yaml"
    path.write_text(rules_yaml, encoding="utf-8")
    rules = load_rules(path).rules
    scanner = scan.Scanner.of([r.pattern for r in rules if r.pattern is not None])
    assert [r.id for r in rules if r.pattern is not None and scanner.covers(r.pattern)] == ["plain"]
    text = "chrome\nmenu\nbody text.\n"
    monkeypatch.setenv(scan.ENV_SWITCH, "1")
    assert strip(text, rules).text == "body text.\n"


@needs_hyperscan
def test_a_compiled_database_is_stored_once_and_loaded_after(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scan.ENV_CACHE_DIR, str(tmp_path))
    monkeypatch.setattr(scan, "STORE_AFTER", 0.0)
    patterns = [regex.compile(r"^关注我们$", regex.M), regex.compile(r"(?i)cookies", regex.M)]
    first = scan.Scanner.of(patterns)
    assert first.compiled_now
    assert [p.suffix for p in tmp_path.iterdir()] == [".hsdb"]
    second = scan.Scanner.of(patterns)
    assert not second.compiled_now
    found = second.scan("x\n关注我们\nWe use COOKIES.\n")
    assert found is not None
    assert (found.lines(patterns[0]), found.lines(patterns[1])) == ([1], [2])


@needs_hyperscan
def test_a_corrupt_cache_file_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scan.ENV_CACHE_DIR, str(tmp_path))
    monkeypatch.setattr(scan, "STORE_AFTER", 0.0)
    patterns = [regex.compile(r"^menu$", regex.M)]
    scan.Scanner.of(patterns)
    (stored,) = tmp_path.iterdir()
    stored.write_bytes(stored.read_bytes()[:40])
    again = scan.Scanner.of(patterns)
    assert again.compiled_now
    found = again.scan("menu\nx\n")
    assert found is not None and found.lines(patterns[0]) == [0]


@needs_hyperscan
def test_an_unwritable_cache_only_costs_the_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(scan.ENV_CACHE_DIR, str(blocker / "cache"))
    patterns = [regex.compile(r"^menu$", regex.M)]
    found = scan.Scanner.of(patterns).scan("x\nmenu\n")
    assert found is not None and found.lines(patterns[0]) == [1]


def test_the_switch_turns_the_scan_off(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = load_builtin("base").rules
    monkeypatch.setenv(scan.ENV_SWITCH, "off")
    assert scan.for_rules(rules) is None


@needs_hyperscan
def test_a_text_that_is_not_utf8_takes_the_exact_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scan.ENV_SWITCH, "1")
    rules = load_builtin("default").rules
    text = "点个“关注”,每天为您更新\n正文\ud800。\n"
    scanner = scan.for_rules(rules)
    assert scanner is not None and scanner.scan(text) is None
    assert strip(text, rules).text == "正文\ud800。\n"


@needs_hyperscan
def test_letters_regex_folds_to_ascii_are_scanned_as_those_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Kelvin sign is a "k" and a long s an "s" to an ignore-case rule; the scan must see them so too."""
    rules = load_builtin("default").rules
    text = "Body of the article, long enough to read as prose, ending as a sentence does.\nWe use coo\u212aie\u017f.\n"
    monkeypatch.setenv(scan.ENV_SWITCH, "1")
    fast = strip(text, rules)
    monkeypatch.setenv(scan.ENV_SWITCH, "0")
    assert strip(text, rules) == fast
    assert [r.rule_id for r in fast.removals] == ["en-cookie-notice"]


@needs_hyperscan
def test_a_quick_compile_is_not_stored_and_old_files_are_evicted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(scan.ENV_CACHE_DIR, str(tmp_path))
    scan.Scanner.of([regex.compile(r"^menu$", regex.M)])
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(scan, "STORE_AFTER", 0.0)
    monkeypatch.setattr(scan, "MAX_CACHED", 2)
    for word in ("one", "two", "three"):
        scan.Scanner.of([regex.compile(f"^{word}$", regex.M)])
    assert len(list(tmp_path.iterdir())) == 2


@needs_hyperscan
def test_a_rule_set_extending_another_reuses_its_parts() -> None:
    from cleaner.loader import load_rules_text

    # a scanner an earlier test built for a wider set would cover both tuples and be reused for
    # them: start from none in this process (the disk cache stays, so nothing recompiles)
    scan.forget()
    default = load_builtin("default").rules
    mine = "name: mine\nextends: [default]\nrules:\n  - {id: mine, remove: line, match: '^mine$'}\n"
    extended = load_rules_text(mine).rules
    parts = scan.for_rules(tuple(default))
    assert parts is not None
    scanner = scan.for_rules(tuple(extended))
    assert scanner is not None and len(scanner.parts) == len(parts.parts) + 1
    assert all(any(part is other for other in scanner.parts) for part in parts.parts)


@needs_hyperscan
def test_processes_starting_together_compile_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two worker processes on a cold cache: the second waits for the first's database and loads it."""
    import subprocess
    import sys

    monkeypatch.setenv(scan.ENV_CACHE_DIR, str(tmp_path))
    script = (
        "import regex, sys; from cleaner import scan; scan.STORE_AFTER = 0.0; "
        "s = scan.Scanner.of([regex.compile(r'^(?:menu|home|share)\\s*\\d*$', regex.M)]); "
        "print(int(s.compiled_now))"
    )
    workers = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    compiled = sorted(int(w.communicate()[0]) for w in workers)
    assert compiled == [0, 1]
    assert [p.suffix for p in tmp_path.iterdir()] == [".hsdb"]  # the lock file is gone


@needs_hyperscan
def test_every_line_whose_stripped_text_a_pattern_matches_is_among_its_stripped_candidates() -> None:
    """The stripped rewrite (for the kinds that match ``line.strip()``), checked on padded examples."""
    rules = load_builtin("default").rules
    patterns = [p for rule in rules for p in (rule.pattern, rule.unless) if p is not None]
    lines = [pad + line + pad[::-1] for line in _example_lines() for pad in ("", "  ", "\u3000\t", "\x1c ")]
    found = scan.Scanner.of(patterns, stripped=True).scan("\n".join(lines))
    assert found is not None
    for pattern in patterns:
        candidates = found.line_set(pattern, stripped=True)
        if candidates is None:
            continue
        missed = [line for i, line in enumerate(lines) if pattern.search(line.strip()) and i not in candidates]
        assert missed == [], pattern.pattern


@needs_hyperscan
def test_prepare_leaves_the_first_document_nothing_to_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Pipeline.prepare`` is what ``cleaner clean`` calls before its progress bar starts."""
    from cleaner.loader import load_rules_text

    monkeypatch.setenv(scan.ENV_CACHE_DIR, str(tmp_path))
    compiled: list[int] = []
    real = scan.compile_patterns
    monkeypatch.setattr(scan, "compile_patterns", lambda patterns: compiled.append(len(patterns)) or real(patterns))
    pipe = Pipeline([load_rules_text("rules:\n  - {id: prep-only, remove: line, match: '^prepare-me-[0-9]+$'}\n")])
    pipe.prepare()
    assert compiled == [1]
    assert pipe("Body text.\nprepare-me-7\n") == "Body text.\n"
    assert compiled == [1]  # the document used what prepare compiled


@needs_hyperscan
def test_a_scan_carried_to_the_next_round_names_the_candidates_a_new_scan_would() -> None:
    """A confirming round reads the scan of the text the round before left (``engine.strip_round``)."""
    rules = load_builtin("default").rules
    scanner = scan.for_rules(rules)
    assert scanner is not None and scanner.local
    inputs = [p for p in sorted(FIXTURES.glob("*/*.txt")) if not p.name.endswith(".clean.txt")]
    texts = [p.read_text(encoding="utf-8") for p in inputs]
    texts.append("标题\n\n\n点个“关注”,每天为您更新\n   \n正文。\n\n")
    carried_any = False
    for text in texts:
        result, source = strip_round(text, rules)
        carried = source.carried(result.origins) if source is not None else None
        if carried is None:
            continue
        carried_any = True
        fresh = scanner.scan(result.text)
        assert fresh is not None
        patterns = [p for rule in rules for p in (rule.pattern, rule.next, rule.unless) if p is not None]
        compared = [(p, stripped) for p in patterns for stripped in (False, True) if scanner.covers(p, stripped)]
        assert compared
        for pattern, stripped in compared:
            assert carried.lines(pattern, stripped) == fresh.lines(pattern, stripped), pattern.pattern
    assert carried_any


@needs_hyperscan
def test_a_rewrite_that_can_match_a_newline_is_scanned_again_in_the_next_round() -> None:
    pattern = regex.compile(r"menu\nhome", regex.M)
    scanner = scan.Scanner.of([pattern])
    assert not scanner.local
    found = scanner.scan("menu\nhome\nbody\n")
    assert found is not None and found.carried([0, 1, None]) is None
