"""`cleaner eval` on a small labelled folder: figures counted by hand, in score.py's definitions."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cleaner.cli import app

runner = CliRunner()

PAGES = {
    # chrome "Share this article" (3 tokens) is removed: all content kept, all chrome gone
    "en-b": ("A headline for the story\nShare this article\nThe council met on Tuesday.\n",
             "A headline for the story\nThe council met on Tuesday.\n"),
    # no rule knows "Cheese of the week" (4 tokens): it is left over
    "en-c": ("Another headline here\nThe mayor spoke at length.\nCheese of the week\n",
             "Another headline here\nThe mayor spoke at length.\n"),
    # the gold keeps a bare "Share": action-words-line eats one of its 4 content tokens
    "en-d": ("Headline number three\nShare\n", "Headline number three\nShare\n"),
    # the disclaimer (10 CJK tokens) goes
    "zh-a": ("这是一篇文章的标题\n免责声明：本文来自网络。\n正文。\n", "这是一篇文章的标题\n正文。\n"),
}


def write_pages(root: Path) -> None:
    for name, (raw, gold) in PAGES.items():
        (root / name).mkdir()
        (root / name / "raw.txt").write_text(raw, encoding="utf-8")
        (root / name / "gold.txt").write_text(gold, encoding="utf-8")


def test_eval_prints_documents_groups_and_lost_lines(tmp_path: Path) -> None:
    write_pages(tmp_path)
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "en-b             kept 100.00%  chrome removed 100.00%",
        "en-c             kept 100.00%  chrome removed   0.00%",
        "en-d             kept  75.00%  chrome removed 100.00%",
        "                   lost by action-words-line: Share",
        "zh-a             kept 100.00%  chrome removed 100.00%",
        # content 10+8+3+11 of 10+8+4+11 tokens; chrome left 4 of 3+4+0+10
        "   all: documents=4 content_kept=96.97% chrome_removed=76.47% docs_losing_content=1 worst_kept=75.00%",
        "    en: documents=3 content_kept=95.45% chrome_removed=42.86% docs_losing_content=1 worst_kept=75.00%",
        "    zh: documents=1 content_kept=100.00% chrome_removed=100.00% docs_losing_content=0 worst_kept=100.00%",
        "not-zh: documents=3 content_kept=95.45% chrome_removed=42.86% docs_losing_content=1 worst_kept=75.00%",
    ]


def test_eval_rejects_a_folder_without_labelled_pages(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code != 0
    assert "no <doc>/raw.txt + gold.txt folders" in result.output
