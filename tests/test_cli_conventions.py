"""Conventions every command shares: --version, completion, colour, help text, stdin, zero inputs, bad values."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner import __version__
from cleaner.cli import app
from cleaner.terminal import ColorMode, set_colour_mode, use_colour

runner = CliRunner()
WIDE = {"COLUMNS": "100", "NO_COLOR": "1"}
COMMANDS = ["clean", "explain", "lint", "test", "rules", "diff", "suggest", "eval"]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"cleaner {__version__}\n")


def test_top_level_help_offers_version_colour_and_completion() -> None:
    result = runner.invoke(app, ["--help"], env=WIDE)
    options = result.stdout[result.stdout.index("╭─ Options") : result.stdout.index("╭─ Commands")]
    assert options.splitlines() == [
        "╭─ Options ────────────────────────────────────────────────────────────────────────────────────────╮",
        "│ --version                         Print the version and exit.                                    │",
        "│ --color                     WHEN  Colour output: auto (a terminal, unless NO_COLOR is set),      │",
        "│                                   always or never.                                               │",
        "│                                   [default: auto]                                                │",
        "│ --install-completion              Install completion for the current shell.                      │",
        "│ --show-completion                 Show completion for the current shell, to copy it or customize │",
        "│                                   the installation.                                              │",
        "│ --help                            Show this message and exit.                                    │",
        "╰──────────────────────────────────────────────────────────────────────────────────────────────────╯",
    ]


def test_lint_help_snapshot() -> None:
    result = runner.invoke(app, ["lint", "--help"], env=WIDE)
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "",
        " Usage: cleaner lint [OPTIONS] [RULES]...",
        "",
        " Check rule files: schema, regexes, their examples, backtracking; with --corpus, dead and",
        " over-broad rules.",
        "",
        " One finding per line, `path:line:col: level rule-id: message`, then a summary; exit 1 on any",
        " error.",
        "",
        "╭─ Arguments ──────────────────────────────────────────────────────────────────────────────────────╮",
        "│   RULES        Rule sets, files or directories. Default: the built-in sets.                      │",
        "╰──────────────────────────────────────────────────────────────────────────────────────────────────╯",
        "╭─ Options ────────────────────────────────────────────────────────────────────────────────────────╮",
        "│ --corpus                     DIR    Also report rules that never fire or fire too often here.    │",
        "│ --max-share                  SHARE  With --corpus: warn when a rule removes more than this share │",
        "│                                     of lines.                                                    │",
        "│                                     [default: 0.2]                                               │",
        "│ --timed        --no-timed           Also time each pattern on adversarial input (warnings only;  │",
        "│                                     depends on the machine).                                     │",
        "│                                     [default: timed]                                             │",
        "│ --help                              Show this message and exit.                                  │",
        "╰──────────────────────────────────────────────────────────────────────────────────────────────────╯",
        "",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_type_labels(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env=WIDE)
    assert result.exit_code == 0
    assert not re.search(r"<(bool|int|str|float|path|list\[[a-z]+\])>", result.stdout), result.stdout


def test_jobs_help_says_all_cores_without_a_zero_default() -> None:
    result = runner.invoke(app, ["clean", "--help"], env=WIDE)
    jobs = [line for line in result.stdout.splitlines() if "--jobs" in line]
    assert jobs == ["│ --jobs           -j                   N                 Worker processes (default: all cores).   │"]
    assert "[default: 0]" not in result.stdout


def test_negative_jobs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(tmp_path), "-o", str(tmp_path / "out"), "-j", "-1"], env=WIDE)
    assert result.exit_code == 2
    assert "Invalid value for '--jobs' / '-j': -1 is not a number of workers" in result.stderr
    assert not (tmp_path / "out").exists()


def test_zero_inputs_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["clean", str(tmp_path / "empty"), "-o", str(tmp_path / "out")])
    assert (result.exit_code, result.stderr) == (
        2, f"cleaner: {tmp_path / 'empty'}: no documents to clean (an empty directory, or nothing matches --glob)\n"
    )
    glob = runner.invoke(app, ["clean", str(tmp_path / "*.txt"), "-o", str(tmp_path / "out")])
    assert (glob.exit_code, glob.stderr) == (2, f"cleaner: {tmp_path / '*.txt'}: no file matches\n")


def test_explain_reads_stdin_with_a_dash() -> None:
    result = runner.invoke(app, ["explain", "-"], input="标题\n0 阅读:0\n正文。\n".encode())
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == f"{'- zh-counter':24}     2 | 0 阅读:0"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_follows_the_flag_then_no_color_then_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    try:
        set_colour_mode(ColorMode.auto)
        assert use_colour(_Tty()) and not use_colour(io.StringIO())
        monkeypatch.setenv("NO_COLOR", "1")
        assert not use_colour(_Tty())
        set_colour_mode(ColorMode.always)
        assert use_colour(io.StringIO())  # an explicit flag wins over NO_COLOR
        set_colour_mode(ColorMode.never)
        monkeypatch.delenv("NO_COLOR")
        assert not use_colour(_Tty())
    finally:
        set_colour_mode(ColorMode.auto)


def test_explain_colours_only_when_asked_or_on_a_terminal(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("标题\n0 阅读:0\n", encoding="utf-8")
    plain = runner.invoke(app, ["explain", str(doc)])
    assert "\x1b[" not in plain.stdout
    coloured = runner.invoke(app, ["--color", "always", "explain", str(doc)])
    assert "\x1b[31m- zh-counter" in coloured.stdout
    never = runner.invoke(app, ["--color", "never", "explain", str(doc)], env={"NO_COLOR": ""})
    assert "\x1b[" not in never.stdout


def test_waiting_on_a_terminal_says_so(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from cleaner.terminal import stdin_hint

    monkeypatch.setattr("sys.stdin", _Tty())
    stdin_hint("text")
    assert capsys.readouterr().err == "cleaner: reading text from the terminal; end with Ctrl-D (see --help for files)\n"
    monkeypatch.setattr("sys.stdin", io.StringIO())
    stdin_hint("text")
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["suggest", "fixtures", "--min-share", "5"], "Invalid value for '--min-share': 5 is not a share between 0 and 1 (0.05 means 5 %)"),  # noqa: E501
        (["suggest", "fixtures", "--min-docs", "0"], "Invalid value for '--min-docs': 0 is not a count of 1 or more"),
        (["lint", "--max-share", "20"], "Invalid value for '--max-share': 20 is not a share between 0 and 1 (0.05 means 5 %)"),  # noqa: E501
    ],
)
def test_option_values_are_validated(args: list[str], message: str) -> None:
    result = runner.invoke(app, args, env=WIDE)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())
