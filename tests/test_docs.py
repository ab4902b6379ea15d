"""The documentation's own examples: every rule shown in docs/rules.md loads and passes its examples."""

from __future__ import annotations

import re
import textwrap

import pytest

from cleaner.kinds import KINDS
from cleaner.loader import load_rules_text, rule_keys
from cleaner.testing import example_failures

from .conftest import ROOT

RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
SNIPPETS = [block for block in re.findall(r"```yaml\n(.*?)```", RULES_DOC, re.S) if block.startswith("- id:")]


def test_the_rule_reference_shows_every_kind() -> None:
    kinds = {re.search(r"remove: (\w+)", block).group(1) for block in SNIPPETS}  # type: ignore[union-attr]
    assert kinds == set(KINDS)


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_has_a_section_that_names_its_own_keys(name: str) -> None:
    sections = dict(re.findall(r"^### `(\w+)`(.*?)(?=^##)", RULES_DOC, re.S | re.M))
    assert name in sections
    assert all(f"`{key}" in sections[name] for key in KINDS[name].keys)


def test_the_key_table_lists_every_rule_key() -> None:
    table = RULES_DOC.split("## A rule\n", 1)[1].split("\n## ", 1)[0]
    assert [key for key in rule_keys() if f"`{key}`" not in table] == []


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.split()[2])
def test_each_documented_rule_loads_and_passes_its_examples(snippet: str) -> None:
    rule_set = load_rules_text("rules:\n" + textwrap.indent(snippet, "  "), "docs/rules.md")
    assert [str(f) for f in example_failures(rule_set)] == []


def test_the_readme_rule_lints_clean(tmp_path) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    from cleaner.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rule_file = tmp_path / "my-site.yaml"
    rule_file.write_text(re.findall(r"```yaml\n(.*?)```", readme, re.S)[0], encoding="utf-8")
    result = CliRunner().invoke(app, ["lint", "--no-timed", str(rule_file)])
    assert (result.exit_code, result.stdout) == (0, "0 errors, 0 warnings\n")


def test_the_readme_commands_are_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.findall(r"```bash\n(.*?)```", readme, re.S)[0].splitlines()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert block[0].startswith("python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/cleaner explain ")
    assert block[1] == ci
