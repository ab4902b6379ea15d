"""What a long ``cleaner clean`` run shows: a progress bar while it works, a summary when it is done.

The bar (rich, on a terminal only, on stderr) answers what a person watching a corpus
run asks: how far (files done of the total, percent of the input bytes), how long
still (ETA), how fast, and whether anything failed. The summary says what happened,
how long it took, how fast that was, and where the output went. Text that does not
depend on the clock is built by plain functions (``progress_fields``, ``run_summary``)
so tests can check it exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from cleaner.report import RunReport
from cleaner.runner import RunProgress
from cleaner.terminal import use_colour


def progress_fields(p: RunProgress) -> str:
    """The counts beside the bar: ``3 of 10 files · 1,204 docs · 2 failed``."""
    failed = f" · {p.failed:,} failed" if p.failed else ""
    return f"{p.files_done:,} of {p.files_total:,} files · {p.documents:,} docs{failed}"


class ProgressDisplay:
    """A context manager giving the runner's progress callback, or None when stderr is not a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )  # fmt: skip

        console = Console(stderr=True, no_color=not use_colour(sys.stderr))
        self.bar = Progress(
            SpinnerColumn(), BarColumn(), TaskProgressColumn(), TextColumn("{task.fields[counts]}"),
            TransferSpeedColumn(), TextColumn("ETA"), TimeRemainingColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )  # fmt: skip
        self.bar.start()
        task = self.bar.add_task("clean", total=None, counts="starting")

        def update(p: RunProgress) -> None:
            self.bar.update(task, total=p.bytes_total or None, completed=p.bytes_done, counts=progress_fields(p))

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_summary(  # noqa: PLR0913 - everything the summary reports
    r: RunReport,
    output: Path | None,
    dry_run: bool,
    elapsed: float,
    report: Path | None = None,
    ledger: Path | None = None,
) -> str:
    """The end-of-run summary on stderr: counts, top rules, time and throughput, where the output went."""
    where = f"   see {output / 'errors.jsonl'}" if r.failed and output is not None and not dry_run else ""
    lines = [
        f"documents  {r.documents:>12,}" + (f"   ({r.skipped_units} complete outputs skipped)" if r.skipped_units else ""),  # noqa: E501
        f"failed     {r.failed:>12,}{where}",
        f"flagged    {r.flagged:>12,}",
        f"chars in   {r.chars_in:>12,}",
        f"chars out  {r.chars_out:>12,}",
    ]
    top = r.rule_chars.most_common(5)
    if top:
        lines.append("top rules by removed characters:")
        lines += [f"  {rule:<28} {chars:>10,} chars  {r.rule_lines[rule]:>8,} lines" for rule, chars in top]
    seconds = max(elapsed, 1e-9)
    lines.append(
        f"elapsed    {_duration(elapsed):>12}   ({r.documents / seconds:,.0f} docs/s, {r.chars_in / seconds / 1e6:,.2f} M chars/s)"  # noqa: E501
    )
    if dry_run:
        lines.append("dry run: nothing written")
    else:
        written = [f"{output}/" if output is not None else None, f"report {report}" if report else None,
                   f"ledger {ledger}" if ledger else None]  # fmt: skip
        lines.append("written to " + ", ".join(w for w in written if w))
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    """``0.4 s``, ``12.3 s``, ``4 min 05 s``, ``2 h 03 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02} min"
