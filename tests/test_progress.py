"""The progress bar's counts and the end-of-run summary: exact text, no clock involved."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cleaner.pipeline import Pipeline
from cleaner.progress import _duration, progress_fields, run_summary
from cleaner.report import RunReport
from cleaner.runner import RunOptions, RunProgress, run


def test_progress_fields_show_files_of_total_documents_and_failures() -> None:
    assert progress_fields(RunProgress(1204, 0, 3, 10, 500, 1000)) == "3 of 10 files · 1,204 docs"
    assert progress_fields(RunProgress(1204, 2, 3, 10, 500, 1000)) == "3 of 10 files · 1,204 docs · 2 failed"


def test_the_runner_reports_totals_known_at_the_start(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("标题\n0 阅读:0\n", encoding="utf-8")
    (src / "b.txt").write_text("Body.\n", encoding="utf-8")
    (src / "c.bin.txt").write_bytes(b"\x00\x01" * 50)  # a binary file: fails, the run goes on
    seen: list[RunProgress] = []
    run([src], Pipeline.default(), RunOptions(output=tmp_path / "out", jobs=1), progress=seen.append)
    total = sum(p.stat().st_size for p in src.iterdir())
    assert seen[-1] == RunProgress(documents=3, failed=1, files_done=3, files_total=3, bytes_done=total, bytes_total=total)  # noqa: E501
    assert [p.files_done for p in seen] == [1, 2, 3]


def test_summary_says_how_long_how_fast_and_where_the_output_went() -> None:
    report = RunReport(documents=2_000, failed=1, chars_in=5_000_000, chars_out=4_000_000)
    report.rule_chars = Counter({"zh-counter": 1_000})
    report.rule_lines = Counter({"zh-counter": 50})
    text = run_summary(report, Path("out"), False, 4.0, Path("report.json"), None)
    assert text.splitlines() == [
        "documents         2,000",
        "failed                1   see out/errors.jsonl",
        "flagged               0",
        "chars in      5,000,000",
        "chars out     4,000,000",
        "top rules by removed characters:",
        "  zh-counter                        1,000 chars        50 lines",
        "elapsed           4.0 s   (500 docs/s, 1.25 M chars/s)",
        "written to out/, report report.json",
    ]
    assert run_summary(RunReport(), None, True, 0.5).splitlines()[-2:] == [
        "elapsed           0.5 s   (0 docs/s, 0.00 M chars/s)",
        "dry run: nothing written",
    ]


def test_durations_read_like_a_person_would_say_them() -> None:
    assert [_duration(s) for s in (0.42, 59.9, 245, 7380)] == ["0.4 s", "59.9 s", "4 min 05 s", "2 h 03 min"]
