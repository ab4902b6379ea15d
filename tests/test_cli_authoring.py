"""cleaner rules / test / explain / lint / diff through typer's CliRunner: exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cleaner.cli import app

from .conftest import FIXTURES

runner = CliRunner()
SEED = FIXTURES / "seeds" / "000_bb85972b42f7c48e.txt"

GOOD = """\
name: good
rules:
  - id: ad
    doc: An ad label.
    remove: line
    match: '^广告$'
    examples:
      remove: ['广告']
      keep: ['广告费用上涨了。']
"""


def test_rules_lists_the_sets_and_shows_a_rule() -> None:
    listed = runner.invoke(app, ["rules"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["base", "default", "en-web", "ja-web", "ko-web", "multi-web", "zh-news"]
    shown = runner.invoke(app, ["rules", "zh-disclaimer"])
    assert shown.exit_code == 0
    assert shown.stdout.startswith("zh-disclaimer (line, rules/zh-news.yaml:")
    assert "  keeps:   '该公司随后发布声明，称免责声明并不能免除其法律责任。'" in shown.stdout
    missing = runner.invoke(app, ["rules", "nope"])
    assert (missing.exit_code, missing.stderr) == (
        2, "cleaner: no rule set, rule file or rule named 'nope' in the built-in sets (add yours with -r FILE)\n"
    )


def test_rules_reads_rule_files_and_finds_their_rules(write) -> None:
    path = write("mine.yaml", GOOD)
    listed = runner.invoke(app, ["rules", str(path)])
    assert (listed.exit_code, listed.stdout) == (0, f"{'ad':28} line   {path}:3\n")
    assert runner.invoke(app, ["rules", "-r", str(path)]).stdout == listed.stdout
    shown = runner.invoke(app, ["rules", "ad", "-r", str(path)])
    assert (shown.exit_code, shown.stdout) == (0, (
        f"ad (line, {path}:3)\n\nAn ad label.\n\nmatch: ^广告$\n  removes: '广告'\n  keeps:   '广告费用上涨了。'\n"
    ))


def test_test_passes_on_the_shipped_sets_and_fixtures() -> None:
    result = runner.invoke(app, ["test", "--fixtures", str(FIXTURES)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].endswith(" passed, 0 failed")


def test_test_reports_a_failing_example_with_its_yaml_line(write) -> None:
    path = write("r.yaml", GOOD.replace("'广告费用上涨了。'", "'广告'"))
    result = runner.invoke(app, ["test", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"{path}:9: rule 'ad': keep example was removed: '广告'\n"
    assert result.stdout == "1 passed, 1 failed\n"


def test_test_shows_a_diff_for_a_failing_set_test(write) -> None:
    path = write("r.yaml", GOOD + "tests:\n  - name: drops the ad\n    input: \"a\\n广告\\n\"\n    expect: \"a\\nb\\n\"\n")
    result = runner.invoke(app, ["test", str(path)])
    assert result.exit_code == 1
    assert f"{path}:11: test 'drops the ad' failed (rules that fired: ad)" in result.stderr
    assert "-b\n" in result.stderr and "+a\n" not in result.stderr


def test_test_update_rewrites_a_stale_snapshot(tmp_path: Path) -> None:
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "a.txt").write_text("标题\n\n0 阅读:0\n", encoding="utf-8")
    (tmp_path / "g" / "a.clean.txt").write_text("标题\n\n0 阅读:0\n", encoding="utf-8")
    stale = runner.invoke(app, ["test", "--fixtures", str(tmp_path)])
    assert stale.exit_code == 1
    assert f"{tmp_path / 'g' / 'a.txt'}: output differs (rules that fired: zh-counter)" in stale.stderr
    updated = runner.invoke(app, ["test", "--fixtures", str(tmp_path), "--update"])
    assert updated.exit_code == 0
    assert f"{tmp_path / 'g' / 'a.clean.txt'}: updated" in updated.stdout
    assert (tmp_path / "g" / "a.clean.txt").read_text(encoding="utf-8") == "标题\n"


def test_lint_passes_on_the_shipped_rules() -> None:
    result = runner.invoke(app, ["lint", "--no-timed", "rules"])
    assert (result.exit_code, result.stdout) == (0, "0 errors, 0 warnings\n")


def test_lint_reports_errors_with_file_line_col(write) -> None:
    path = write("bad.yaml", "rules:\n  - {id: a, remove: line, match: '('}\n")
    result = runner.invoke(app, ["lint", "--no-timed", str(path)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"{path}:2:36: error bad-regex: rule 'a': bad regex: missing ) at position 1 of '('\n"
        "1 error, 0 warnings\n"
    )


def test_lint_flags_missing_examples_literals_and_backtracking(write) -> None:
    """The backtracking verdict comes from the patterns' structure: the same on a fast or a loaded machine."""
    path = write(
        "r.yaml",
        "rules:\n"
        "  - {id: more, remove: line, match: 'Read more...', examples: {remove: [Read more...], keep: [x]}}\n"
        "  - {id: slow, remove: line, match: '^(a+)+$', examples: {remove: [aa], keep: [b]}}\n"
        "  - {id: bare, remove: line, match: '^x$'}\n"
        "  - {id: counted, remove: line, match: '(.*a){12}', examples: {remove: [aaaaaaaaaaaa], keep: [b]}}\n",
    )
    result = runner.invoke(app, ["lint", "--no-timed", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:2:30: warning literal-pattern: rule 'more': match 'Read more...' looks like a literal: '.' matches any character and '(...)' is a group; escape them or use 'contains:'",  # noqa: E501
        f"{path}:3:30: error catastrophic-backtracking: rule 'slow': match '^(a+)+$' can backtrack catastrophically: 'a+' at the end of a repeated group can give characters to 'a+' at its start",  # noqa: E501
        f"{path}:4:5: error missing-example: rule 'bare': no 'remove' example: add a line this rule must remove",
        f"{path}:4:5: error missing-example: rule 'bare': no 'keep' example: add a similar line this rule must keep",
        f"{path}:5:33: error catastrophic-backtracking: rule 'counted': match '(.*a){{12}}' can backtrack catastrophically: '.*' can absorb whole iterations of a group repeated 12 times",  # noqa: E501
        "4 errors, 1 warning",
    ]


def test_lint_suggests_the_key_or_kind_meant(write) -> None:
    path = write("r.yaml", "rules:\n  - id: a\n    remove: lines\n    mach: '^x$'\n")
    result = runner.invoke(app, ["lint", "--no-timed", str(path)])
    assert (result.exit_code, result.stdout) == (1, (
        f"{path}:3:13: error unknown-kind: rule 'a': unknown remove kind 'lines'; did you mean `line`?\n"
        f"{path}:4:5: error unknown-key: rule 'a': unknown key 'mach' in a rule; did you mean `match`?\n"
        "2 errors, 0 warnings\n"
    ))


def test_lint_reports_yaml_syntax_in_the_same_shape(write) -> None:
    path = write("r.yaml", "rules:\n  - id: a\n   remove: line\n")
    result = runner.invoke(app, ["lint", "--no-timed", str(path)])
    assert (result.exit_code, result.stdout) == (1, (
        f"{path}:3:4: error yaml-syntax: invalid YAML: a line is indented differently from the keys above it\n"
        "1 error, 0 warnings\n"
    ))


def test_lint_runs_the_rules_examples(write) -> None:
    path = write("r.yaml", GOOD.replace("remove: ['广告']", "remove: ['广告位招租']"))
    result = runner.invoke(app, ["lint", "--no-timed", str(path)])
    assert (result.exit_code, result.stdout) == (1, (
        f"{path}:8:7: error failing-example: rule 'ad': remove example was not removed: '广告位招租'\n"
        "1 error, 0 warnings\n"
    ))


def test_lint_corpus_finds_dead_and_over_broad_rules(write, tmp_path: Path) -> None:
    rules = write(
        "r.yaml",
        "rules:\n"
        "  - {id: never, remove: line, match: '^zzz$', examples: {remove: [zzz], keep: [z]}}\n"
        "  - {id: every, remove: line, match: '\\S', examples: {remove: [a], keep: [' ']}}\n",
    )
    write("corpus/a.txt", "one\ntwo\n")
    result = runner.invoke(app, ["lint", "--no-timed", str(rules), "--corpus", str(tmp_path / "corpus")])
    assert (result.exit_code, result.stdout) == (0, (
        f"{rules}:2:5: warning dead-rule: rule 'never': never fires on {tmp_path / 'corpus'}\n"
        f"{rules}:3:5: warning over-broad: rule 'every': removes 100% of the lines of {tmp_path / 'corpus'}\n"
        "0 errors, 2 warnings\n"
    ))


def test_explain_text_marks_each_removed_line_with_its_rule(write) -> None:
    path = write("a.txt", "标题\n0 阅读:0\n正文。\n")
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 0
    assert result.stdout == (
        f"{'':24}     1 | 标题\n"
        f"{'- zh-counter':24}     2 | 0 阅读:0\n"
        f"{'':24}     3 | 正文。\n"
        "1 of 3 lines removed: zh-counter 1\n"
    )


def test_explain_json_replays_to_the_clean_text() -> None:
    result = runner.invoke(app, ["explain", str(SEED), "--format", "json"])
    data = json.loads(result.stdout)
    expected = SEED.with_name(SEED.stem + ".clean.txt").read_text(encoding="utf-8")
    assert data["text"] == expected
    assert [r["rule"] for r in data["removals"]] == ["post-stamp-line", "zh-follow-prompt", "zh-disclaimer", "zh-counter"]  # noqa: E501
    raw = SEED.read_text(encoding="utf-8")
    for removal in data["removals"]:  # every removal names exactly the text at its offsets
        assert raw[removal["start"] : removal["end"]] == removal["text"]


def test_explain_later_round_removals_map_back_to_input_lines(write) -> None:
    rules = write("r.yaml", "rules:\n  - {id: nav, remove: line, match: '^NAV$'}\n  - {id: top, remove: line, match: '^TOP$', within: {first: 1}}\n")  # noqa: E501
    doc = write("a.txt", "NAV\nTOP\nBody.\n")
    result = runner.invoke(app, ["explain", str(doc), "-r", str(rules)])
    assert result.stdout.splitlines()[:2] == [f"{'- nav':24}     1 | NAV", f"{'- top':24}     2 | TOP"]


def test_diff_shows_lines_whose_fate_changed(write, tmp_path: Path) -> None:
    old = write("old.yaml", "rules:\n  - {id: ad, remove: line, match: '^AD$'}\n")
    new = write("new.yaml", "rules:\n  - {id: promo, remove: line, match: '^PROMO$'}\n")
    write("corpus/a.txt", "Body.\nAD\nPROMO\n")
    write("corpus/b.txt", "Other body.\n")
    result = runner.invoke(app, ["diff", str(tmp_path / "corpus"), "--baseline", str(old), "-r", str(new)])
    assert result.exit_code == 0, result.output
    old_spelling = runner.invoke(app, ["diff", str(tmp_path / "corpus"), "-r", str(old), "--against", str(new)])
    assert old_spelling.stdout == result.stdout
    assert old_spelling.stderr == "cleaner: --against is deprecated: use --baseline OLD --rules NEW\n"
    assert result.stdout == (
        "== a.txt\n"
        "+     3 promo: PROMO\n"
        "-     2 ad: AD\n"
        "1 of 2 documents changed; 1 lines newly removed, 1 newly kept\n"
        "  newly removed by promo: 1\n"
        "  newly kept by ad: 1\n"
    )


def test_later_round_removals_carry_input_lines_and_offsets(write) -> None:
    """Round 2 works on round 1's output; its ledger/JSON entries still point into the input."""
    rules = write("r.yaml", "rules:\n  - {id: nav, remove: line, match: '^NAV$'}\n  - {id: top, remove: line, match: '^TOP$', within: {first: 1}}\n")  # noqa: E501
    raw = "NAV\n\nNAV\nTOP\nBody.\n"
    doc = write("a.txt", raw)
    data = json.loads(runner.invoke(app, ["explain", str(doc), "-r", str(rules), "-f", "json"]).stdout)
    assert [(r["rule"], r["round"], r["first_line"], r["last_line"], r["start"], r["end"], r["text"]) for r in data["removals"]] == [  # noqa: E501
        ("nav", 1, 1, 1, 0, 3, "NAV"),
        ("nav", 1, 3, 3, 5, 8, "NAV"),
        ("top", 2, 4, 4, 9, 12, "TOP"),
    ]
    for removal in data["removals"]:
        assert raw[removal["start"] : removal["end"]] == removal["text"]


def test_a_later_round_removal_split_where_the_input_had_other_lines_between(write) -> None:
    rules = write("r.yaml", "rules:\n  - {id: nav, remove: line, match: '^NAV$'}\n  - {id: box, remove: block, match: '^A$', lines: 2, within: {first: 2}}\n")  # noqa: E501
    raw = "Title\nNAV\nA\nNAV\nB\nBody text.\n"
    doc = write("a.txt", raw)
    data = json.loads(runner.invoke(app, ["explain", str(doc), "-r", str(rules), "-f", "json"]).stdout)
    assert data["text"] == "Title\nBody text.\n"
    assert [(r["rule"], r["round"], r["first_line"], r["last_line"], r["text"]) for r in data["removals"]] == [
        ("nav", 1, 2, 2, "NAV"), ("nav", 1, 4, 4, "NAV"), ("box", 2, 3, 3, "A"), ("box", 2, 5, 5, "B"),
    ]
    for removal in data["removals"]:
        assert raw[removal["start"] : removal["end"]] == removal["text"]


def test_lint_corpus_reads_jsonl_gz_records(write, tmp_path: Path) -> None:
    # the corpus is records in a gzipped JSONL file: each record's text is a document
    import gzip

    rules = write(
        "r.yaml",
        "rules:\n"
        "  - {id: never, remove: line, match: '^zzz$', examples: {remove: [zzz], keep: [z]}}\n"
        "  - {id: ad, remove: line, match: '^AD$', examples: {remove: [AD], keep: [ADD]}}\n",
    )
    (tmp_path / "corpus").mkdir()
    records = [{"id": "a", "text": "Body one.\nAD\nMore body.\nStill more.\nEnd."}, {"id": "b", "text": "Other body."}]
    with gzip.open(tmp_path / "corpus" / "part.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)
    result = runner.invoke(app, ["lint", "--no-timed", str(rules), "--corpus", str(tmp_path / "corpus")])
    assert (result.exit_code, result.stdout) == (0, (
        f"{rules}:2:5: warning dead-rule: rule 'never': never fires on {tmp_path / 'corpus'}\n"
        "0 errors, 1 warning\n"
    ))


def test_suggest_reads_jsonl_gz_records(tmp_path: Path) -> None:
    import gzip

    from cleaner.suggest import documents

    (tmp_path / "c").mkdir()
    with gzip.open(tmp_path / "c" / "part.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"text": "标题\n正文。", "url": "https://example.com/a"}) + "\n")
        f.write("not json\n")
    assert list(documents([tmp_path / "c"])) == [("part.jsonl.gz", "标题\n正文。", "https://example.com/a")]
