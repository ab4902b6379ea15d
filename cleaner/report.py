"""What a corpus run did: counts, per-rule hits and characters, removed-fraction histogram, failures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: Removed-fraction histogram bins: [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0].
BINS = 10


@dataclass
class DocOutcome:
    """One document's result, small enough to send back from a worker."""

    id: str
    source: str
    chars_in: int = 0
    chars_out: int = 0
    removed_fraction: float = 0.0
    flagged: bool = False
    rule_lines: dict[str, int] = field(default_factory=dict)
    rule_chars: dict[str, int] = field(default_factory=dict)
    rule_sets: tuple[str, ...] = ()
    error: str | None = None
    ledger: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RunReport:
    documents: int = 0
    failed: int = 0
    flagged: int = 0
    skipped_units: int = 0
    chars_in: int = 0
    chars_out: int = 0
    bytes_in: int = 0
    rule_lines: Counter[str] = field(default_factory=Counter)
    rule_chars: Counter[str] = field(default_factory=Counter)
    rule_set_documents: Counter[str] = field(default_factory=Counter)
    histogram: list[int] = field(default_factory=lambda: [0] * BINS)
    flagged_documents: list[dict[str, Any]] = field(default_factory=list)
    failed_documents: list[dict[str, Any]] = field(default_factory=list)

    def add(self, outcome: DocOutcome) -> None:
        self.documents += 1
        if outcome.error is not None:
            self.failed += 1
            self.failed_documents.append({"id": outcome.id, "source": outcome.source, "error": outcome.error})
            return
        self.chars_in += outcome.chars_in
        self.chars_out += outcome.chars_out
        self.rule_lines.update(outcome.rule_lines)
        self.rule_chars.update(outcome.rule_chars)
        self.rule_set_documents.update(outcome.rule_sets)
        self.histogram[min(int(outcome.removed_fraction * BINS), BINS - 1)] += 1
        if outcome.flagged:
            self.flagged += 1
            self.flagged_documents.append(
                {"id": outcome.id, "source": outcome.source, "removed_fraction": round(outcome.removed_fraction, 4)}
            )

    def merge(self, other: RunReport) -> None:
        """Fold a batch's partial report (made in a worker) into this one."""
        for name in ("documents", "failed", "flagged", "chars_in", "chars_out"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rule_lines.update(other.rule_lines)
        self.rule_chars.update(other.rule_chars)
        self.rule_set_documents.update(other.rule_set_documents)
        self.histogram = [a + b for a, b in zip(self.histogram, other.histogram, strict=True)]
        self.flagged_documents += other.flagged_documents
        self.failed_documents += other.failed_documents

    def to_state(self) -> dict[str, Any]:
        """Every field as JSON, for the run journal; :meth:`from_state` reads it back."""
        return {name: getattr(self, name) for name in _STATE_FIELDS}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> RunReport:
        report = cls(**{name: state[name] for name in _STATE_FIELDS if name in state})
        for name in ("rule_lines", "rule_chars", "rule_set_documents"):
            setattr(report, name, Counter(getattr(report, name)))
        return report

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "cleaned": self.documents - self.failed,
            "failed": self.failed,
            "flagged": self.flagged,
            "skipped_complete_outputs": self.skipped_units,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "rules": {
                rule: {"lines": self.rule_lines[rule], "chars": self.rule_chars[rule]}
                for rule in sorted(self.rule_chars, key=lambda r: (-self.rule_chars[r], r))
            },
            "rule_sets": dict(sorted(self.rule_set_documents.items())),
            "removed_fraction_histogram": {
                f"{i / BINS:.1f}-{(i + 1) / BINS:.1f}": n for i, n in enumerate(self.histogram)
            },
            "flagged_documents": self.flagged_documents,
            "failed_documents": self.failed_documents,
        }


_STATE_FIELDS = (
    "documents", "failed", "flagged", "chars_in", "chars_out", "rule_lines", "rule_chars",
    "rule_set_documents", "histogram", "flagged_documents", "failed_documents",
)  # fmt: skip
