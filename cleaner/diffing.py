"""What a rule change does to a corpus: lines only the new rules remove, lines only the old ones did.

This is how a rule change is reviewed before it ships: run both
configurations over a sample, and read the lines whose fate changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.errors import RuleTimeoutError
from cleaner.explain import explain_lines
from cleaner.formats import Doc
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


def removed_by(pipeline: Pipeline, text: str, url: str | None = None, path: str | None = None) -> dict[int, str]:
    """Line number -> the rule that removed that input line."""
    result = pipeline.clean(text, url=url, path=path)
    return {line.number: line.rule_id for line in explain_lines(text, result) if line.rule_id}


def diff_document(
    name: str, text: str, old: Pipeline, new: Pipeline, url: str | None = None, path: str | None = None
) -> DocDiff:
    before, after = removed_by(old, text, url, path), removed_by(new, text, url, path)
    lines = text.split("\n")
    result = DocDiff(name)
    for number in sorted(after.keys() - before.keys()):
        result.newly_removed.append((number, after[number], lines[number - 1]))
    for number in sorted(before.keys() - after.keys()):
        result.newly_kept.append((number, before[number], lines[number - 1]))
    return result


def diff_files(files: Iterable[tuple[Path, str]], old: Pipeline, new: Pipeline) -> list[DocDiff]:
    return [diff_document(name, read_text(path), old, new) for path, name in files]


def diff_documents(
    docs: Iterable[Doc], old: Pipeline, new: Pipeline, on_error: Callable[[str], None]
) -> list[DocDiff]:
    """Diffs of documents read by :mod:`cleaner.formats` (any format); unreadable ones go to ``on_error``.

    A document is named by its id: the relative path of a text file, a JSONL record's id.
    """
    diffs = []
    for doc in docs:
        if doc.error is not None:
            on_error(doc.error if doc.error.startswith(doc.source) else f"{doc.source}: {doc.error}")
            continue
        try:
            diffs.append(diff_document(doc.id, doc.text, old, new, doc.url, doc.source))
        except RuleTimeoutError as exc:
            on_error(f"{doc.source}: {exc.for_document(doc.id)}")
    return diffs


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
