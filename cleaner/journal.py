"""A run's state beside its outputs (``OUT/.cleaner/``): a lock, a journal of finished units, the ledger.

Why: ``--resume`` must give the report, ``errors.jsonl`` and ledger a whole run
would have given, even after ``kill -9``, and two runs into one directory must
not interleave. So, before a unit's output is renamed into place, one line
goes to ``journal.jsonl`` (the unit, whether it has an output, its partial
report with its failures, and where its ledger lines end in ``ledger.jsonl``).
A resumed run takes a unit as done when the journal has it and its output
exists (or it was to have none), merges those units' reports, cuts the
ledger back to the last done unit, and redoes the rest. A run that completes
removes the directory: the output tree then holds only outputs. The lock is an
``flock`` on ``lock``: the kernel drops it when the process dies, however it
dies, so a killed run never blocks its own resume.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

from cleaner.errors import OutputError

STATE_DIR = ".cleaner"


class Journal:
    """The lock and journal of one output directory; use as a context manager."""

    def __init__(self, out: Path, resume: bool) -> None:
        self.root = out / STATE_DIR
        self.resume = resume
        self.entries: dict[str, dict[str, Any]] = {}
        self._lock_fd: int | None = None
        self._journal: Any = None
        self.ledger_path = self.root / "ledger.jsonl"
        self._ledger: Any = None

    # -- lifetime ------------------------------------------------------------------------------

    def __enter__(self) -> Journal:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"{self.root.parent}: cannot write ({exc.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(
                f"{self.root.parent}: another cleaner run is writing here; wait for it or choose another -o"
            ) from None
        self._lock_fd = fd
        try:
            if self.resume:
                self._load()
            else:
                (self.root / "journal.jsonl").unlink(missing_ok=True)
                self.ledger_path.unlink(missing_ok=True)
            self._journal = (self.root / "journal.jsonl").open("a", encoding="utf-8")
        except OSError as exc:
            self.close()
            raise OutputError(f"{self.root}: cannot write ({exc.strerror})") from None
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for stream in (self._journal, self._ledger):
            if stream is not None:
                stream.close()
        self._journal = self._ledger = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None

    def remove(self) -> None:
        """The run is complete: its state goes, so the output tree holds only outputs."""
        self.close()
        for name in ("journal.jsonl", "ledger.jsonl", "lock"):
            (self.root / name).unlink(missing_ok=True)
        try:
            self.root.rmdir()
        except OSError:
            pass  # something else was put there; leave it

    @property
    def lock_fd(self) -> int | None:
        """Forked workers close their copy, so a stray worker cannot keep holding the lock."""
        return self._lock_fd

    # -- resume --------------------------------------------------------------------------------

    def _load(self) -> None:
        path = self.root / "journal.jsonl"
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # the line a kill cut short: its unit is redone
                self.entries[entry["unit"]] = entry

    def done(self, unit: str, target: Path) -> dict[str, Any] | None:
        """The journal entry of a unit that is complete (its output, if it has one, in place)."""
        entry = self.entries.get(unit)
        if entry is None or (entry["wrote"] and not target.exists()):
            return None
        return entry

    def keep_ledger(self, done: list[dict[str, Any]]) -> None:
        """Cut the ledger back to the end of the last done unit (a redone unit writes its lines again)."""
        end = max((entry["ledger_end"] for entry in done), default=0)
        if self.ledger_path.exists():
            with self.ledger_path.open("r+b") as stream:
                stream.truncate(end)
        self.entries = {entry["unit"]: entry for entry in done}

    # -- recording -----------------------------------------------------------------------------

    def ledger(self, data: bytes) -> None:
        try:
            if self._ledger is None:
                self._ledger = self.ledger_path.open("ab")
            self._ledger.write(data)
        except OSError as exc:
            raise OutputError(f"{self.ledger_path}: cannot write ({exc.strerror})") from None

    def record(self, unit: str, wrote: bool, report: dict[str, Any]) -> None:
        """A unit is finished: written (flushed) before its output is renamed into place."""
        try:
            self._record(unit, wrote, report)
        except OSError as exc:
            raise OutputError(f"{self.root / 'journal.jsonl'}: cannot write ({exc.strerror})") from None

    def _record(self, unit: str, wrote: bool, report: dict[str, Any]) -> None:
        ledger_end = 0
        if self._ledger is not None:
            self._ledger.flush()
            ledger_end = self._ledger.tell()
        elif self.ledger_path.exists():
            ledger_end = self.ledger_path.stat().st_size
        entry = {"unit": unit, "wrote": wrote, "ledger_end": ledger_end, "report": report}
        self._journal.write(json.dumps(entry, ensure_ascii=True) + "\n")
        self._journal.flush()
        self.entries[unit] = entry

    def flush_ledger(self) -> None:
        if self._ledger is not None:
            self._ledger.flush()
