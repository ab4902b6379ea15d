"""Testing rule files: each rule's examples, each set's tests, and fixture snapshots.

An example is a small document. A ``remove`` example passes when the rule,
alone, removes its last non-empty line; earlier lines are context, such as
the headline a title echo repeats. For ``echo: below`` and ``next`` the first
line is judged: what follows it is the evidence. A kind may judge its examples
its own way (``Kind.judged``: a ``run`` example is its run, a ``masthead``
example the lines under its page title). A ``keep`` example passes when the
rule removes nothing from it. This is semgrep's ``ruleid:``/``ok:`` pair, one
rule at a time.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.engine import strip
from cleaner.io import read_text, write_text_atomic
from cleaner.kinds import KINDS
from cleaner.model import Rule, RuleSet
from cleaner.pipeline import Pipeline


@dataclass(frozen=True)
class Failure:
    """One failed check, ready to print: where, what, and a diff when there is one."""

    where: str
    message: str
    diff: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" + (f"\n{self.diff}" if self.diff else "")


def touched_lines(rule: Rule, text: str) -> set[int]:
    """1-based numbers of the lines of ``text`` that ``rule`` alone removes or cuts into."""
    touched: set[int] = set()
    for removal in strip(text, (rule,)).removals:
        touched.update(range(removal.first_line, removal.last_line + 1))
    return touched


def _judged_lines(rule: Rule, example: str) -> list[int]:
    """The lines of a ``remove`` example the rule must take: its kind says, or by default the last
    one (what follows ``echo: below`` or ``next`` lines is their evidence: then the first)."""
    lines = example.split("\n")
    numbered = [n for n, line in enumerate(lines, 1) if line.strip()]
    judged = KINDS[rule.kind].judged
    if judged is not None:
        return judged(rule, lines, numbered)
    if rule.echo == "below" or rule.next is not None:
        return numbered[:1]  # the evidence comes after the line: a later copy, the next line
    return numbered[-1:]


def example_failures(rule_set: RuleSet, own_only: bool = True) -> Iterator[Failure]:
    """Check every rule's examples; ``own_only`` skips rules inherited through ``extends``."""
    for rule in rule_set.rules:
        if own_only and rule.source != rule_set.path:
            continue
        where_of = dict(rule.examples.lines)
        for example in rule.examples.remove:
            text = example if example.endswith("\n") else example + "\n"
            missing = set(_judged_lines(rule, text)) - touched_lines(rule, text)
            if missing:
                where = f"{rule.source}:{where_of.get(example, rule.line)}"
                yield Failure(where, f"rule '{rule.id}': remove example was not removed: {example!r}")
        for example in rule.examples.keep:
            text = example if example.endswith("\n") else example + "\n"
            if touched_lines(rule, text):
                where = f"{rule.source}:{where_of.get(example, rule.line)}"
                yield Failure(where, f"rule '{rule.id}': keep example was removed: {example!r}")


def unified_diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True), actual.splitlines(keepends=True), f"{name} (expected)", f"{name} (actual)"
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines).rstrip("\n")


def set_test_failures(rule_set: RuleSet) -> Iterator[Failure]:
    """Run the set-level ``tests:`` cases: exact expected output."""
    pipeline = Pipeline([rule_set])
    for case in rule_set.tests:
        result = pipeline.clean(case.input)
        if result.text != case.expect:
            rules = sorted({r.rule_id for r in result.removals})
            yield Failure(
                f"{rule_set.path}:{case.line}",
                f"test '{case.name}' failed (rules that fired: {', '.join(rules) or 'none'})",
                unified_diff(case.expect, result.text, case.name),
            )


def fixture_pairs(root: Path) -> Iterator[tuple[Path, Path]]:
    """``<name>.txt`` -> ``<name>.clean.txt`` under ``root``, sorted."""
    for raw in sorted(root.rglob("*.txt")):
        if raw.name.endswith(".clean.txt"):
            continue
        yield raw, raw.with_name(raw.name[: -len(".txt")] + ".clean.txt")


def fixture_failures(root: Path, pipeline: Pipeline, update: bool = False) -> Iterator[Failure]:
    """Compare each fixture's clean output with its snapshot; ``update`` rewrites the snapshots instead."""
    for raw, expected_path in fixture_pairs(root):
        result = pipeline.clean(read_text(raw))
        expected = expected_path.read_text(encoding="utf-8") if expected_path.is_file() else None
        if expected == result.text:
            continue
        diff = unified_diff(expected or "", result.text, str(expected_path))
        if update:
            write_text_atomic(expected_path, result.text)
            yield Failure(str(expected_path), "updated" if expected is not None else "created", diff)
        else:
            rules = sorted({r.rule_id for r in result.removals})
            what = "no expected output" if expected is None else "output differs"
            yield Failure(str(raw), f"{what} (rules that fired: {', '.join(rules) or 'none'})", diff)
