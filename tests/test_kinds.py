"""The kinds registry: every kind the loader accepts is one module, and a new kind needs nothing else."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cleaner import Pipeline, load_rules_text
from cleaner.cli import app
from cleaner.errors import RuleError
from cleaner.kinds import KINDS, Checker, Common, Fields, Kind, owner_of, register, unregister
from cleaner.loader import RULE_KEYS, rule_keys
from cleaner.model import Rule
from cleaner.testing import example_failures

SHIPPED = ("line", "span", "rest", "head", "block", "run", "tail", "masthead", "feed")
#: The keys every kind shares; the rest of RULE_KEYS belong to one kind each.
COMMON_KEYS = (
    "id", "doc", "remove", "match", "contains", "unless", "ignore_case", "within", "after_prose", "protects_next", "next",
    "max_chars", "min_chars", "echo", "max_extra", "examples",
)  # fmt: skip


def load_error(text: str) -> str:
    with pytest.raises(RuleError) as info:
        load_rules_text(text, "r.yaml")
    return str(info.value)


def test_the_registry_holds_the_shipped_kinds_in_the_documented_order() -> None:
    assert tuple(KINDS) == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_each_kind_is_one_module_with_a_doc_a_matcher_and_its_keys(name: str) -> None:
    module = importlib.import_module(f"cleaner.kinds.{name}")
    kind = KINDS[name]
    assert module.KIND is kind and kind.name == name
    assert kind.doc and (module.__doc__ or "").startswith(f"``remove: {name}``")
    assert (kind.ranges is None) != (kind.spans is None)
    assert all(key in rule_keys() for key in kind.keys)
    assert (kind.parse is not None) == bool(kind.keys)  # whoever owns keys validates them


def test_every_rule_key_is_common_or_owned_by_exactly_one_kind() -> None:
    for key in RULE_KEYS:
        owners = [kind.name for kind in KINDS.values() if key in kind.keys]
        assert len(owners) == (0 if key in COMMON_KEYS else 1), key


@pytest.mark.parametrize("name", SHIPPED)
def test_the_loader_accepts_every_registered_kind(name: str) -> None:
    try:
        load_rules_text(f"rules:\n  - {{id: a, remove: {name}}}\n")
    except RuleError as exc:  # some kinds need more keys; none is unknown
        assert "unknown remove kind" not in str(exc)


@pytest.mark.parametrize("name", SHIPPED)
def test_a_misspelt_kind_gets_the_kind_it_resembles(write, name: str) -> None:
    typo = name[1] + name[0] + name[2:]
    text = f"rules:\n  - {{id: a, remove: {typo}, match: x}}\n"
    result = CliRunner().invoke(app, ["lint", "--no-timed", str(write("r.yaml", text))])
    assert f"error unknown-kind: rule 'a': unknown remove kind '{typo}'; did you mean `{name}`?" in result.stdout
    assert f"(expected one of: {', '.join(SHIPPED)})" in load_error(text)


def test_a_key_of_another_kind_names_its_kind() -> None:
    assert load_error("rules:\n  - {id: a, remove: line, match: x, until: blank}\n") == (
        "r.yaml:2:37: rule 'a': 'until' only applies to remove: block"
    )
    assert owner_of("run") is KINDS["run"] and owner_of("match") is None


def test_the_names_other_modules_used_to_import_still_work() -> None:
    from cleaner import engine, model

    assert set(engine.RANGE_KINDS) == set(SHIPPED) - {"span"}
    assert model.REMOVAL_KINDS == {kind.name: kind.doc for kind in KINDS.values()}


# -- a new kind is one module: here, a toy one registered by the test -----------------------------

def _shouting(rule: Rule, lines: Any, timeout: float) -> Iterable[tuple[int, int]]:
    """Lines in capitals with at least ``shout`` letters."""
    least = rule.option("shout", 4)
    for i in lines.non_empty:
        letters = [c for c in lines.stripped(i) if c.isalpha()]
        if len(letters) >= least and all(c.isupper() for c in letters):
            yield (i, i)


def _parse_shout(checker: Checker, node: yaml.Node, fields: Fields, common: Common, rid: str | None) -> dict[str, Any]:
    least = checker.integer(fields["shout"][1], "shout", rid, minimum=1) if "shout" in fields else None
    return {"options": (("shout", least),)} if least is not None else {}


SHOUT = Kind(
    name="shout", doc="lines in capitals", rank=2, ranges=_shouting, shape=True, by_pattern=False,
    keys=("shout",), parse=_parse_shout,
)  # fmt: skip


@pytest.fixture
def shout() -> Iterator[Kind]:
    register(SHOUT)
    try:
        yield SHOUT
    finally:
        unregister("shout")


RULE = """\
rules:
  - id: caps
    remove: shout
    shout: 6
    examples: {remove: ["Story\\nSUBSCRIBE NOW"], keep: ["Story\\nNASA said so.", "Story\\nSALE"]}
"""


def test_a_registered_kind_loads_runs_and_passes_its_examples(shout: Kind) -> None:
    rule_set = load_rules_text(RULE)
    assert rule_set.rules[0].kind == "shout" and rule_set.rules[0].option("shout") == 6
    assert list(example_failures(rule_set)) == []
    assert Pipeline([rule_set]).clean("Story\nSUBSCRIBE NOW\nThe storm reached the coast.\n").text == (
        "Story\nThe storm reached the coast.\n"
    )


def test_a_registered_kind_validates_its_keys_with_the_loaders_messages(shout: Kind) -> None:
    assert load_error(RULE.replace("shout: 6", "shout: 0")) == (
        "r.yaml:4:12: rule 'caps': shout must be a whole number >= 1"
    )
    assert load_error("rules:\n  - {id: a, remove: line, match: x, shout: 2}\n") == (
        "r.yaml:2:37: rule 'a': 'shout' only applies to remove: shout"
    )
    assert re.search(r"expected one of: .*, tail, feed, shout, examples\)$", load_error("rules:\n  - {id: a, remove: shout, shou: 2}\n"))  # noqa: E501
    assert "(expected one of: line, span, rest, head, block, run, tail, masthead, feed, shout)" in load_error(
        "rules:\n  - {id: a, remove: shot}\n"
    )


def test_a_shape_kind_yields_to_the_article_body(shout: Kind) -> None:
    rule_set = load_rules_text("rules:\n  - {id: caps, remove: shout}\n")
    prose = "The storm reached the coast on Monday and the town was evacuated at night."
    text = f"Story\n{prose}\nWARNING SIGNS\n{prose}\n"
    assert Pipeline([rule_set]).clean(text).text == text


def test_a_kind_has_exactly_one_matcher() -> None:
    with pytest.raises(ValueError, match="exactly one matcher"):
        Kind(name="none", doc="nothing", rank=0)
