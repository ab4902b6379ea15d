"""Every kind of rule-file error names file:line (and the rule), one bad file per kind."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.errors import RuleError


def error_of(path: Path) -> str:
    with pytest.raises(RuleError) as info:
        load_rules(path)
    return str(info.value)


def test_unknown_key(write) -> None:
    path = write("r.yaml", "rules:\n  - id: a\n    remove: line\n    match: x\n    mach: y\n")
    assert error_of(path) == (
        f"{path}:5:5: rule 'a': unknown key 'mach' in a rule (expected one of: id, doc, remove, match, contains, "
        "unless, ignore_case, within, after_prose, protects_next, next, resume, max_chars, min_chars, echo, max_extra, until, lines, run, tail, feed, examples)"
    )


def test_bad_regex_points_into_the_pattern(write) -> None:
    path = write("r.yaml", "rules:\n  - id: a\n    remove: line\n    match: 'ab(c'\n")
    assert error_of(path) == f"{path}:4:17: rule 'a': bad regex: missing ) at position 4 of 'ab(c'"


def test_duplicate_id(write) -> None:
    path = write("r.yaml", "rules:\n  - {id: a, remove: line, match: x}\n  - {id: a, remove: line, match: y}\n")
    assert error_of(path) == f"{path}:3:5: rule 'a': duplicate rule id (first at line 2)"


def test_unknown_removal_kind(write) -> None:
    path = write("r.yaml", "rules:\n  - {id: a, remove: lnie, match: x}\n")
    assert error_of(path) == (
        f"{path}:2:21: rule 'a': unknown remove kind 'lnie' (expected one of: line, span, rest, head, block, run, tail, masthead, feed)"
    )


def test_next_does_not_apply_to_runs(write) -> None:
    path = write("r.yaml", "rules:\n  - id: a\n    remove: run\n    next: x\n")
    assert error_of(path) == f"{path}:4:5: rule 'a': 'next' does not apply to remove: run"


def test_missing_extends_target(write, tmp_path: Path) -> None:
    path = write("r.yaml", "extends: [nope.yaml]\nrules: []\n")
    assert error_of(path) == f"{path}:1:11: extends 'nope.yaml': no such rule set or file ({tmp_path / 'nope.yaml'})"


def test_extends_cycle(write, tmp_path: Path) -> None:
    a = write("a.yaml", "extends: [b.yaml]\nrules: []\n")
    b = write("b.yaml", "extends: [a.yaml]\nrules: []\n")
    assert error_of(a) == f"{b}:1:11: extends cycle: {a} -> {b} -> {a}"


def test_duplicate_id_across_extends(write) -> None:
    write("parent.yaml", "rules:\n  - {id: a, remove: line, match: x}\n")
    child = write("child.yaml", "extends: [parent.yaml]\nrules:\n  - {id: a, remove: line, match: y}\n")
    assert "rule 'a': duplicate rule id (also at" in error_of(child)
    assert error_of(child).startswith(f"{child}:3:")


def test_diamond_extends_loads_shared_rules_once(write) -> None:
    write("base.yaml", "rules:\n  - {id: a, remove: line, match: x}\n")
    write("left.yaml", "extends: [base.yaml]\nrules:\n  - {id: l, remove: line, match: l}\n")
    write("right.yaml", "extends: [base.yaml]\nrules:\n  - {id: r, remove: line, match: r}\n")
    top = write("top.yaml", "extends: [left.yaml, right.yaml]\nrules: []\n")
    assert [r.id for r in load_rules(top).rules] == ["a", "l", "r"]


def test_python_tag_is_refused(write) -> None:
    path = write("r.yaml", "rules: !!python/object/apply:os.system ['echo pwned']\n")
    assert error_of(path) == f"{path}:1:8: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in rule files"  # noqa: E501


def test_alias_bomb_is_refused_quickly(write) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = write("bomb.yaml", "\n".join(lines) + "\nrules: []\n")
    started = time.perf_counter()
    message = error_of(path)
    assert time.perf_counter() - started < 2
    assert "YAML expands to more than 100000 nodes (alias bomb?)" in message


def test_oversized_file_is_refused(write) -> None:
    path = write("big.yaml", "# " + "x" * (1 << 20) + "\nrules: []\n")
    assert "bytes; the limit is 1048576" in error_of(path)


def test_yaml_syntax_error_has_a_line(write) -> None:
    path = write("r.yaml", "rules:\n  - id: a\n    remove: [line\n")
    assert error_of(path).startswith(f"{path}:4:1: invalid YAML")


def test_duplicate_key(write) -> None:
    path = write("r.yaml", "rules:\n  - id: a\n    remove: line\n    match: x\n    match: y\n")
    assert error_of(path) == f"{path}:5:5: rule 'a': duplicate key 'match' (first at line 4)"


def test_all_problems_in_a_file_are_reported(write) -> None:
    path = write("r.yaml", "rules:\n  - {id: a, remove: nope, match: x}\n  - {id: b, remove: line, match: '('}\n")
    assert len(error_of(path).splitlines()) == 2


def test_bad_normalize_option(write) -> None:
    path = write("r.yaml", "normalize:\n  uncurl_quote: false\nrules: []\n")
    assert error_of(path).startswith(f"{path}:2:3: unknown key 'uncurl_quote' in normalize")


def test_unknown_builtin_name_lists_the_known_ones() -> None:
    with pytest.raises(RuleError, match=r"^nope: no such rule set \(built-in sets: base, default, en-web, ja-web, ko-web, multi-web, zh-news\)"):
        load_rules("nope")


def test_feed_needs_a_marker_pattern_and_checks_its_keys(write) -> None:
    path = write("r.yaml", "rules:\n  - id: a\n    remove: feed\n")
    assert error_of(path) == f"{path}:2:5: rule 'a': a 'feed' rule needs 'match' or 'contains': its marker lines"
    path = write("r.yaml", "rules:\n  - id: a\n    remove: feed\n    match: x\n    feed: {min_items: 1}\n")
    assert error_of(path) == f"{path}:5:23: rule 'a': feed.min_items must be a whole number >= 2"
    path = write("r.yaml", "rules:\n  - id: a\n    remove: line\n    match: x\n    feed: {min_items: 3}\n")
    assert error_of(path) == f"{path}:5:5: rule 'a': 'feed' only applies to remove: feed"


def test_a_span_rule_needs_its_own_pattern_not_only_next(write) -> None:
    path = write("r.yaml", "rules:\n  - id: a\n    remove: span\n    next: x\n")
    assert error_of(path) == (
        f"{path}:4:5: rule 'a': a 'span' rule cuts what 'match' or 'contains' finds; 'next' alone selects whole lines"
    )
