"""The two seed articles through the real CLI: exact bytes, idempotence, dirs and stdin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.testing import fixture_pairs

from .conftest import FIXTURES

SEEDS = sorted(fixture_pairs(FIXTURES / "seeds"))
runner = CliRunner()


@pytest.mark.parametrize(("raw", "expected"), SEEDS, ids=[p[0].stem for p in SEEDS])
def test_seed_comes_out_exactly_clean(raw: Path, expected: Path) -> None:
    result = runner.invoke(app, ["clean", str(raw)])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize(("raw", "expected"), SEEDS, ids=[p[0].stem for p in SEEDS])
def test_cleaning_the_clean_seed_changes_nothing(raw: Path, expected: Path) -> None:
    result = runner.invoke(app, ["clean", str(expected)])
    assert result.stdout == expected.read_text(encoding="utf-8")


def test_directory_to_output_mirrors_relative_paths(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    raw, expected = SEEDS[0]
    (src / "sub" / "a.txt").write_bytes(raw.read_bytes())
    (src / "b.txt").write_text("标题\n\n0 阅读:0\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "sub" / "a.txt").read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == "标题\n"


def test_stdin_to_stdout_through_python_m() -> None:
    raw, expected = SEEDS[1]
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean"], input=raw.read_bytes(), capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == expected.read_text(encoding="utf-8")


def test_missing_file_is_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["clean", "no/such.txt"])
    assert result.exit_code == 2
    assert result.stderr == "cleaner: no/such.txt: no such file\n"


def test_bad_rule_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - {id: a, remove: line, match: '('}\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(SEEDS[0][0]), "-r", str(bad)])
    assert result.exit_code == 2
    assert result.stderr == f"cleaner: {bad}:2:36: rule 'a': bad regex: missing ) at position 1 of '('\n"


def test_a_runaway_regex_fails_its_document_by_name_and_the_run_goes_on(tmp_path: Path) -> None:
    rules = tmp_path / "slow.yaml"
    # the lookahead the multi-pattern scan cannot check (it lets the line through to the regex)
    rules.write_text("rules:\n  - {id: slow, remove: line, match: '^(a|aa)+(?=b)'}\n", encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    (src / "bad.txt").write_text("a" * 60 + "!\n", encoding="utf-8")
    (src / "good.txt").write_text("fine\n", encoding="utf-8")
    result = runner.invoke(
        app, ["clean", str(src), "-o", str(tmp_path / "out"), "-r", str(rules), "--regex-timeout", "0.2", "-q"]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "cleaner: bad.txt: rule 'slow': regex timed out after 0.2s on document 'bad.txt' (catastrophic backtracking?)\n"
    )
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == "fine\n"
    assert not (tmp_path / "out" / "bad.txt").exists()
