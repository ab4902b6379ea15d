"""Every shipped rule has a line it removes and a similar line it keeps, and both hold."""

from __future__ import annotations

import pytest

from cleaner.loader import builtin_rule_sets, load_builtin
from cleaner.testing import example_failures, set_test_failures

SETS = builtin_rule_sets()
RULES = [(name, rule.id) for name in SETS for rule in load_builtin(name).rules if rule.rule_set == "" and rule.source == load_builtin(name).path]  # noqa: E501


def test_the_shipped_sets_are_there() -> None:
    assert {"base", "zh-news", "en-web", "ja-web", "default"} <= set(SETS)


@pytest.mark.parametrize(("set_name", "rule_id"), RULES)
def test_rule_has_both_kinds_of_examples_and_they_hold(set_name: str, rule_id: str) -> None:
    rule_set = load_builtin(set_name)
    rule = rule_set.rule(rule_id)
    assert rule.examples.remove, f"{rule.location}: no remove example"
    assert rule.examples.keep, f"{rule.location}: no keep example"
    assert rule.doc, f"{rule.location}: no doc"
    failures = [str(f) for f in example_failures(rule_set) if f"rule '{rule_id}'" in f.message]
    assert failures == []


@pytest.mark.parametrize("set_name", SETS)
def test_set_level_tests_pass(set_name: str) -> None:
    assert [str(f) for f in set_test_failures(load_builtin(set_name))] == []
