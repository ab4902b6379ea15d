"""`cleaner eval` on small labelled folders: figures counted by hand, in score.py's definitions."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.evaluate import RuleStats, attribute, default_split, read_split
from cleaner.model import CleanResult, Removal

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
#: labels.tsv of each page: K (the gold keeps the line) or R, per raw line
LABELS = {"en-b": "KRK", "en-c": "KKR", "en-d": "KK", "zh-a": "KRK"}
#: the chrome category of each page's R line
CATEGORIES = {"en-b": "share", "en-c": "recommend", "zh-a": "disclaimer"}

SUMMARY = [
    # content 10+8+3+11 of 10+8+4+11 tokens; chrome left 4 of 3+4+0+10; predicted 10+12+3+11
    "   all: documents=4 content_kept=96.97% chrome_removed=76.47% docs_losing_content=1 worst_kept=75.00%"
    " precision=88.89%",
    # content 21 of 22, chrome left 4 of 7, predicted 25
    "    en: documents=3 content_kept=95.45% chrome_removed=42.86% docs_losing_content=1 worst_kept=75.00%"
    " precision=84.00%",
    "    zh: documents=1 content_kept=100.00% chrome_removed=100.00% docs_losing_content=0 worst_kept=100.00%"
    " precision=100.00%",
    "not-zh: documents=3 content_kept=95.45% chrome_removed=42.86% docs_losing_content=1 worst_kept=75.00%"
    " precision=84.00%",
]
RULE_TABLE = [
    "rule               pages   lines  chrome_tokens  content_tokens  content_lines  content_pages",
    # the bare "Share" the gold keeps: the only rule that took content, so it comes first
    "action-words-line      1       1              0               1              1              1",
    # 免责声明本文来自网络: 10 CJK tokens; "Share this article": 3 tokens
    "zh-disclaimer          1       1             10               0              0              0",
    "en-share-prompt        1       1              3               0              0              0",
]
#: Only en-c's "Cheese of the week" (4 tokens, recommend) is left: 4 of all 17 chrome tokens, none of
#: zh-a's 10, 4 of the other pages' 7. Each column's own chrome is its denominator.
CATEGORY_TABLE = [
    "chrome left               all                zh            not-zh",
    "recommend          4   23.53%        0    0.00%        4   57.14%",
]
PAGE_LINES = [
    "en-b             kept 100.00%  chrome removed 100.00%",
    "en-c             kept 100.00%  chrome removed   0.00%",
    "en-d             kept  75.00%  chrome removed 100.00%",
    "                   lost by action-words-line: Share",
    "zh-a             kept 100.00%  chrome removed 100.00%",
]


def write_pages(root: Path, labels: bool = True) -> None:
    for name, (raw, gold) in PAGES.items():
        (root / name).mkdir()
        (root / name / "raw.txt").write_text(raw, encoding="utf-8")
        (root / name / "gold.txt").write_text(gold, encoding="utf-8")
        if labels:
            rows = "".join(
                f"{i}\t{label}\t{CATEGORIES[name] if label == 'R' else ''}\n" for i, label in enumerate(LABELS[name], 1)
            )
            (root / name / "labels.tsv").write_text(rows, encoding="utf-8")


def write_split(path: Path) -> Path:
    path.write_text(
        "# a split for the four pages\ndoc\thalf\tsite\nen-b\ttune\ta\nen-c\tcheck\tb\nen-d\ttune\tc\nzh-a\tcheck\td\n",
        encoding="utf-8",
    )
    return path


def test_eval_prints_pages_rules_and_groups(tmp_path: Path) -> None:
    # the project's own dev-set split is the default; it names none of these pages, so no halves
    write_pages(tmp_path)
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == PAGE_LINES + RULE_TABLE + SUMMARY + CATEGORY_TABLE


def test_without_labels_the_gold_decides_what_was_content(tmp_path: Path) -> None:
    write_pages(tmp_path, labels=False)
    result = runner.invoke(app, ["eval", str(tmp_path), "--split", "none", "--no-pages"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == RULE_TABLE + SUMMARY


def test_split_adds_both_halves_and_their_languages(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    write_pages(tmp_path / "pages")
    split = write_split(tmp_path / "split.tsv")
    options = ["--split", str(split), "--no-pages", "--no-rules-table"]
    result = runner.invoke(app, ["eval", str(tmp_path / "pages"), *options])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == SUMMARY + [
        # en-b + en-d: content 10+3 of 10+4, chrome 3 all gone, predicted 10+3
        "  tune: documents=2 content_kept=92.86% chrome_removed=100.00% docs_losing_content=1 worst_kept=75.00%"
        " precision=100.00%",
        # en-c + zh-a: content 19 of 19, chrome left 4 of 4+10, predicted 12+11
        " check: documents=2 content_kept=100.00% chrome_removed=71.43% docs_losing_content=0 worst_kept=100.00%"
        " precision=82.61%",
        # no zh page in the tune half: no tune-zh line
        "check-zh: documents=1 content_kept=100.00% chrome_removed=100.00% docs_losing_content=0 worst_kept=100.00%"
        " precision=100.00%",
        "tune-not-zh: documents=2 content_kept=92.86% chrome_removed=100.00% docs_losing_content=1 worst_kept=75.00%"
        " precision=100.00%",
        # en-c: chrome left 4 of 4, predicted 12 for 8 matched
        "check-not-zh: documents=1 content_kept=100.00% chrome_removed=0.00% docs_losing_content=0 worst_kept=100.00%"
        " precision=66.67%",
        # by half and language (no tune-zh page): en-c's 4 tokens are all of check-not-zh's chrome
        "chrome left          check-zh       tune-not-zh      check-not-zh",
        "recommend          0    0.00%        0    0.00%        4  100.00%",
    ]


def test_pages_the_split_does_not_name_are_reported(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    write_pages(tmp_path / "pages")
    split = tmp_path / "split.tsv"
    split.write_text("doc\thalf\nen-b\ttune\nzh-a\tcheck\n", encoding="utf-8")
    options = ["--split", str(split), "--no-pages", "--no-rules-table", "--no-group"]
    result = runner.invoke(app, ["eval", str(tmp_path / "pages"), *options])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "split: 2 pages in neither half: en-c en-d",
        SUMMARY[0],
        # en-b alone: 10 of 10 content tokens, 3 of 3 chrome tokens gone, nothing predicted but content
        "  tune: documents=1 content_kept=100.00% chrome_removed=100.00% docs_losing_content=0 worst_kept=100.00%"
        " precision=100.00%",
        " check: documents=1 content_kept=100.00% chrome_removed=100.00% docs_losing_content=0 worst_kept=100.00%"
        " precision=100.00%",
        # no language sets: the whole set alone
        "chrome left               all",
        "recommend          4   23.53%",
    ]


def test_a_split_with_an_unknown_half_is_refused(tmp_path: Path) -> None:
    write_pages(tmp_path)
    split = tmp_path / "split.tsv"
    split.write_text("doc\thalf\nen-b\ttrain\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(tmp_path), "--split", str(split)])
    assert result.exit_code != 0
    assert "half must be one of tune, check, not 'train'" in result.output


def test_half_restricts_pages_rules_and_totals(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    write_pages(tmp_path / "pages")
    split = write_split(tmp_path / "split.tsv")
    result = runner.invoke(app, ["eval", str(tmp_path / "pages"), "--split", str(split), "--half", "tune"])
    assert result.exit_code == 0, result.output
    tune = ("documents=2 content_kept=92.86% chrome_removed=100.00% docs_losing_content=1 worst_kept=75.00%"
            " precision=100.00%")
    assert result.output.splitlines() == [
        "en-b             kept 100.00%  chrome removed 100.00%",
        "en-d             kept  75.00%  chrome removed 100.00%",
        "                   lost by action-words-line: Share",
        "rule               pages   lines  chrome_tokens  content_tokens  content_lines  content_pages",
        "action-words-line      1       1              0               1              1              1",
        "en-share-prompt        1       1              3               0              0              0",
        f"   all: {tune}",
        f"    en: {tune}",
        f"  tune: {tune}",
    ]


def test_half_needs_a_split_that_covers_the_pages(tmp_path: Path) -> None:
    write_pages(tmp_path)
    result = runner.invoke(app, ["eval", str(tmp_path), "--split", "none", "--half", "check"])
    assert result.exit_code != 0
    assert "--half needs a split" in result.output


def test_only_losses_shows_the_pages_that_lose_content(tmp_path: Path) -> None:
    write_pages(tmp_path)
    result = runner.invoke(app, ["eval", str(tmp_path), "--split", "none", "--only-losses", "--no-rules-table"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == PAGE_LINES[2:4] + SUMMARY + CATEGORY_TABLE
    result = runner.invoke(app, ["eval", str(tmp_path), "--split", "none", "--only-losses", "--no-rules-table",
                                 "--no-categories"])
    assert result.output.splitlines() == PAGE_LINES[2:4] + SUMMARY


def test_json_holds_pages_groups_and_rules(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    write_pages(tmp_path / "pages")
    split = write_split(tmp_path / "split.tsv")
    out = tmp_path / "eval.json"
    result = runner.invoke(app, ["eval", str(tmp_path / "pages"), "--split", str(split), "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["name"] for d in data["documents"]] == ["en-b", "en-c", "en-d", "zh-a"]
    en_d = data["documents"][2]
    assert (en_d["gold"], en_d["matched"], en_d["predicted"], en_d["half"]) == (4, 3, 3, "tune")
    assert en_d["lost_lines"] == [{"rule": "action-words-line", "line": "Share"}]
    assert en_d["rules"]["action-words-line"]["content_tokens"] == 1
    assert list(data["groups"]) == [
        "all", "en", "zh", "not-zh", "tune", "check", "check-zh", "tune-not-zh", "check-not-zh"
    ]
    assert data["groups"]["all"]["precision"] == 32 / 36
    assert data["rules"][0] == {"rule": "action-words-line", "pages": 1, "lines": 1, "chrome_tokens": 0,
                                "content_tokens": 1, "content_lines": 1, "content_pages": 1}
    assert data["documents"][1]["left_by_category"] == {"recommend": 4}
    assert data["left_by_category"]["recommend"]["check-not-zh"] == {"tokens": 4, "share": 1.0}
    # '-' prints the JSON alone
    result = runner.invoke(app, ["eval", str(tmp_path / "pages"), "--split", str(split), "--json", "-"])
    assert json.loads(result.output) == data


def test_processes_give_the_same_report(tmp_path: Path) -> None:
    write_pages(tmp_path)
    one = runner.invoke(app, ["eval", str(tmp_path), "--jobs", "1"])
    two = runner.invoke(app, ["eval", str(tmp_path), "--jobs", "2"])
    assert one.exit_code == two.exit_code == 0
    assert two.output == one.output


def test_eval_rejects_a_folder_without_labelled_pages(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code != 0
    assert "no <doc>/raw.txt + gold.txt folders" in result.output


# -- attribution of removals to content and chrome, on hand-made clean results ------------------

RAW = "Menu\nProse line here.\n\n\nMenu\n"
OUTPUT = "Prose line here.\n"
ROUND_1 = Removal("r1", 1, 1, 0, 4, "Menu", 1)
# round 2 works on round 1's output, "Prose line here.\n\nMenu\n": raw line 5 is its line 3
ROUND_2 = Removal("r2", 3, 3, 18, 22, "Menu", 2)


def test_a_later_round_is_traced_back_to_its_raw_line() -> None:
    result = CleanResult(OUTPUT, (ROUND_1, ROUND_2))
    # the first "Menu" is chrome, the last one the gold keeps (a heading, say)
    stats = attribute(RAW, result, "Prose line here.\n\n\nMenu\n", ["R", "K", "K", "K", "K"])
    assert stats == {
        "r1": RuleStats("r1", pages=1, lines=1, chrome_tokens=1),
        "r2": RuleStats("r2", pages=1, lines=1, content_lines=1, content_tokens=1, content_pages=1),
    }


def test_without_labels_the_first_copy_removed_counts_as_the_lost_one() -> None:
    stats = attribute(RAW, CleanResult(OUTPUT, (ROUND_1, ROUND_2)), "Prose line here.\n\n\nMenu\n")
    assert stats["r1"].content_tokens == 1 and stats["r2"].chrome_tokens == 1


def test_a_removal_that_does_not_fit_the_rebuilt_text_falls_back_to_the_gold() -> None:
    drifted = Removal("r2", 2, 2, 18, 22, "Menu", 2)  # not where the rebuilt text has "Menu"
    stats = attribute(RAW, CleanResult(OUTPUT, (ROUND_1, drifted)), "Prose line here.\n\n\nMenu\n",
                      ["R", "K", "K", "K", "K"])
    # r1 by its label (chrome); r2 by the gold: one "Menu" kept there, none in the output
    assert stats["r1"].chrome_tokens == 1 and stats["r2"].content_tokens == 1


def test_a_span_cut_from_a_content_line_is_content() -> None:
    raw = "Hello world [ad] again\nBuy now\n"
    cut = Removal("ad-span", 1, 1, 12, 17, "[ad] ", 1)
    line = Removal("buy", 2, 2, 23, 30, "Buy now", 1)
    stats = attribute(raw, CleanResult("Hello world again\n", (cut, line)), "Hello world [ad] again\n", ["K", "R"])
    assert stats == {
        "ad-span": RuleStats("ad-span", pages=1, lines=1, content_lines=1, content_tokens=1, content_pages=1),
        "buy": RuleStats("buy", pages=1, lines=1, chrome_tokens=2),
    }


def test_default_split_is_the_projects_own(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    assert default_split(tmp_path / "sub") is None
    (tmp_path / "eval").mkdir()
    split = write_split(tmp_path / "eval" / "devset-split.tsv")
    assert default_split(tmp_path / "sub") == split.resolve()
    assert read_split(split) == {"en-b": "tune", "en-c": "check", "en-d": "tune", "zh-a": "check"}


def test_exclude_leaves_a_page_out_of_every_figure(tmp_path: Path) -> None:
    write_pages(tmp_path)
    args = ["eval", str(tmp_path), "--split", "none", "--no-pages", "--no-rules-table"]
    every = runner.invoke(app, args).output.splitlines()
    without = runner.invoke(app, [*args, "--exclude", "zh-a"]).output.splitlines()
    assert [line for line in every if line.lstrip().startswith("zh:")]
    assert not [line for line in without if line.lstrip().startswith("zh:")]
    assert without[0].startswith(f"   all: documents={len(PAGES) - 1} ")


def test_probe_puts_each_content_line_between_paragraphs_and_names_who_takes_it(tmp_path: Path) -> None:
    # the 8 K lines of the four pages; between paragraphs only the bare "Share" goes, as a button
    write_pages(tmp_path)
    result = runner.invoke(app, ["eval", str(tmp_path), "--split", "none", "--probe"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "8 content lines, each put between paragraphs of prose: 1 taken",
        "action-words-line                  1",
        "    en-d: Share",
    ]
