"""Errors that cleaner reports to people, and the exit codes the CLI uses.

Every error here renders as one line that names where the problem is
(``rules/web.yaml:12:5: rule 'cookie-banner': …``), so the CLI can print it
without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Every document was cleaned.
EXIT_OK = 0
#: Some documents failed; each is reported and the others were written.
EXIT_SOME_FAILED = 1
#: Bad usage, a bad rule file, or an output that cannot be written or would destroy an input.
EXIT_USAGE = 2
#: Interrupted (Ctrl-C, SIGTERM): complete outputs are kept, ``--resume`` finishes the run.
#: 128 + SIGINT, what shells report for a process Ctrl-C stopped.
EXIT_INTERRUPTED = 130


class CleanerError(Exception):
    """Base class of every error cleaner reports to a person."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class RuleIssue:
    """One problem in a rule file, located as precisely as the YAML allows."""

    path: str
    line: int | None
    column: int | None
    message: str
    rule_id: str | None = None
    help: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        rule = f"rule '{self.rule_id}': " if self.rule_id else ""
        hint = f" ({self.help})" if self.help else ""
        return f"{where}: {rule}{self.message}{hint}"


class RuleError(CleanerError):
    """A rule file is invalid. Carries every problem found in the file, not just the first."""

    def __init__(self, issues: list[RuleIssue] | RuleIssue) -> None:
        self.issues = [issues] if isinstance(issues, RuleIssue) else list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    @classmethod
    def at(cls, path: str | Path, message: str, line: int | None = None, **kwargs: object) -> RuleError:
        """Shorthand for a single-issue error."""
        return cls(RuleIssue(str(path), line, kwargs.pop("column", None), message, **kwargs))  # type: ignore[arg-type]


class RuleTimeoutError(CleanerError):
    """A rule's regex ran past its time budget on a document (likely catastrophic backtracking)."""

    exit_code = EXIT_SOME_FAILED

    def __init__(self, rule_id: str, seconds: float, document: str | None = None) -> None:
        self.rule_id = rule_id
        self.seconds = seconds
        self.document = document
        where = f" on document {document!r}" if document else ""
        super().__init__(
            f"rule '{rule_id}': regex timed out after {seconds:g}s{where} (catastrophic backtracking?)"
        )


    def for_document(self, document: str) -> RuleTimeoutError:
        """The same timeout, naming the document it happened on (the engine does not know it)."""
        return RuleTimeoutError(self.rule_id, self.seconds, document)


class InputError(CleanerError):
    """An input cannot be read: missing file, undecodable bytes, malformed JSONL line."""


class OutputError(CleanerError):
    """An output cannot be written, or writing it would destroy an input: the run stops there."""
