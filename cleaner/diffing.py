"""What a rule change does to a corpus: lines only the new rules remove, lines only the old ones did.

This is how a rule change is reviewed before it ships: run both
configurations over a sample, and read the lines whose fate changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.explain import explain_lines
from cleaner.io import read_text
from cleaner.pipeline import Pipeline


@dataclass
class DocDiff:
    """One document's changed lines: (line number, rule id, text)."""

    name: str
    newly_removed: list[tuple[int, str, str]] = field(default_factory=list)
    newly_kept: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.newly_removed or self.newly_kept)


def removed_by(pipeline: Pipeline, text: str) -> dict[int, str]:
    """Line number -> the rule that removed that input line."""
    return {line.number: line.rule_id for line in explain_lines(text, pipeline.clean(text)) if line.rule_id}


def diff_document(name: str, text: str, old: Pipeline, new: Pipeline) -> DocDiff:
    before, after = removed_by(old, text), removed_by(new, text)
    lines = text.split("\n")
    result = DocDiff(name)
    for number in sorted(after.keys() - before.keys()):
        result.newly_removed.append((number, after[number], lines[number - 1]))
    for number in sorted(before.keys() - after.keys()):
        result.newly_kept.append((number, before[number], lines[number - 1]))
    return result


def diff_files(files: Iterable[tuple[Path, str]], old: Pipeline, new: Pipeline) -> list[DocDiff]:
    return [diff_document(name, read_text(path), old, new) for path, name in files]


def summarise(diffs: list[DocDiff]) -> dict[str, object]:
    removed = Counter(rule for d in diffs for _, rule, _ in d.newly_removed)
    kept = Counter(rule for d in diffs for _, rule, _ in d.newly_kept)
    return {
        "documents": len(diffs),
        "documents_changed": sum(1 for d in diffs if d.changed),
        "lines_newly_removed": sum(removed.values()),
        "lines_newly_kept": sum(kept.values()),
        "newly_removed_by_rule": dict(removed.most_common()),
        "newly_kept_by_rule": dict(kept.most_common()),
    }
