"""Nothing lost, nothing overwritten, no traceback: the hostile-input sweep of issue 13, case by case.

Each test asserts the exact line the user sees and the exit code, or the exact bytes written.
Runs that are interrupted are interrupted at a deterministic point (once the first output
exists); polling timeouts only bound a hang.
"""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zstandard
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.errors import EXIT_INTERRUPTED, EXIT_SOME_FAILED, EXIT_USAGE

runner = CliRunner()
ARTICLE = "标题{n}\n\n0 阅读:{n}\n白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。\n"
CLEAN = "标题{n}\n\n白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。\n"


def clean(*args: str) -> object:
    return runner.invoke(app, ["clean", *args, "-q"])


def jsonl_bytes(count: int) -> bytes:
    return "".join(json.dumps({"id": f"d{n}", "text": ARTICLE.format(n=n)}, ensure_ascii=False) + "\n" for n in range(count)).encode()  # noqa: E501


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "corpus"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE.format(n=1), encoding="utf-8")
    return src


# -- 1. refuse to destroy input ---------------------------------------------------------------------


def test_output_equal_to_the_input_directory_is_refused(corpus: Path) -> None:
    before = tree(corpus)
    result = clean(str(corpus), "-o", str(corpus))
    assert (result.exit_code, result.stderr) == (
        EXIT_USAGE,
        f"cleaner: {corpus}: is the input directory {corpus}; choose another -o (or --in-place to replace the inputs)\n",
    )
    assert tree(corpus) == before


def test_a_file_cleaned_into_its_own_directory_is_refused(corpus: Path) -> None:
    result = clean(str(corpus / "a.txt"), "-o", str(corpus))
    assert (result.exit_code, result.stderr) == (
        EXIT_USAGE,
        f"cleaner: {corpus}: would overwrite the input {corpus / 'a.txt'}; choose another -o (or --in-place to replace it)\n",  # noqa: E501
    )
    assert (corpus / "a.txt").read_text(encoding="utf-8") == ARTICLE.format(n=1)


def test_output_tree_inside_or_around_the_input_tree_is_refused(corpus: Path) -> None:
    inside = clean(str(corpus), "-o", str(corpus / "clean"))
    assert (inside.exit_code, inside.stderr) == (
        EXIT_USAGE, f"cleaner: {corpus / 'clean'}: output directory is inside the input directory {corpus}; choose another -o\n",  # noqa: E501
    )  # fmt: skip
    around = clean(str(corpus), "-o", str(corpus.parent))
    assert (around.exit_code, around.stderr) == (
        EXIT_USAGE, f"cleaner: {corpus.parent}: output directory contains the input directory {corpus}; choose another -o\n",  # noqa: E501
    )  # fmt: skip
    assert not (corpus / "clean").exists()


def test_report_or_ledger_on_an_input_is_refused(corpus: Path, tmp_path: Path) -> None:
    result = clean(str(corpus), "-o", str(tmp_path / "out"), "--report", str(corpus / "a.txt"))
    assert (result.exit_code, result.stderr) == (EXIT_USAGE, f"cleaner: {corpus / 'a.txt'}: is an input; refusing to overwrite it\n")  # noqa: E501
    assert (corpus / "a.txt").read_text(encoding="utf-8") == ARTICLE.format(n=1)


def test_in_place_replaces_the_inputs_and_leaves_nothing_else(corpus: Path) -> None:
    (corpus / "sub").mkdir()
    (corpus / "sub" / "b.txt").write_text(ARTICLE.format(n=2), encoding="utf-8")
    result = clean(str(corpus), "--in-place")
    assert result.exit_code == 0, result.output
    assert tree(corpus) == {"a.txt": CLEAN.format(n=1).encode(), "sub/b.txt": CLEAN.format(n=2).encode()}


# -- 2. one line, never a traceback --------------------------------------------------------------------


def test_lone_surrogates_and_deep_nesting_fail_one_line_each(tmp_path: Path) -> None:
    lines = [
        '{"id": "s", "note": "\\ud800", "text": "正文。\\n"}',  # a lone surrogate in another field: kept as it is
        '{"id": "t", "text": "正文\\udfff。\\n"}',  # in the text: ftfy's fix_surrogates replaces it
        '{"id": "deep", "x": ' + "[" * 1000 + "]" * 1000 + ', "text": "a"}',
        '{"id": "ok", "text": "正文。\\n"}',
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = clean(str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (EXIT_SOME_FAILED, "cleaner: c.jsonl: line 3: malformed JSON (nested too deep)\n")  # noqa: E501
    assert (tmp_path / "out" / "c.jsonl").read_text(encoding="utf-8") == (
        lines[0] + "\n" + '{"id": "t", "text": "正文\ufffd。\\n"}\n' + lines[3] + "\n"
    )


def test_a_truncated_gzip_keeps_the_lines_before_the_cut_and_counts_the_loss(tmp_path: Path) -> None:
    data = gzip.compress(jsonl_bytes(2000))
    (tmp_path / "c.jsonl.gz").write_bytes(data[: len(data) // 2])
    result = clean(str(tmp_path / "c.jsonl.gz"), "-o", str(tmp_path / "out"), "--report", str(tmp_path / "r.json"))
    kept = gzip.decompress((tmp_path / "out" / "c.jsonl.gz").read_bytes()).decode().splitlines()
    lost_from = len(kept) + 1
    message = (
        f"c.jsonl.gz: read error at line {lost_from} (Compressed file ended before the end-of-stream marker was "
        "reached); the lines from there on are lost"
    )
    assert (result.exit_code, result.stderr) == (EXIT_SOME_FAILED, f"cleaner: {message}\n")
    assert 0 < len(kept) < 2000 and json.loads(kept[-1])["text"] == CLEAN.format(n=len(kept) - 1)
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert (report["documents"], report["cleaned"], report["failed"]) == (len(kept) + 1, len(kept), 1)
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert errors == [{"id": f"c.jsonl.gz:{lost_from}", "source": "c.jsonl.gz", "error": message}]


def test_corrupt_and_truncated_zstd_are_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl.zst").write_bytes(b"\x28\xb5\x2f\xfd" + b"garbage" * 50)
    data = zstandard.ZstdCompressor().compress(jsonl_bytes(3000))
    (tmp_path / "cut.jsonl.zst").write_bytes(data[: len(data) // 2])
    result = clean(str(tmp_path / "bad.jsonl.zst"), str(tmp_path / "cut.jsonl.zst"), "-o", str(tmp_path / "out"))
    lines = result.stderr.splitlines()
    assert result.exit_code == EXIT_SOME_FAILED and len(lines) == 2
    assert lines[0].startswith("cleaner: bad.jsonl.zst: read error at line 1 (zstd decompress")
    assert lines[0].endswith("); the lines from there on are lost")
    assert lines[1].startswith("cleaner: cut.jsonl.zst: read error at line ")
    assert lines[1].endswith(" (zstd stream ended inside a frame (truncated file?)); the lines from there on are lost")
    assert not (tmp_path / "out" / "bad.jsonl.zst").exists()  # nothing was read: no output
    assert (tmp_path / "out" / "cut.jsonl.zst").exists()


def test_bad_parquet_and_an_integer_text_column_are_one_line_each(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a-junk.parquet").write_bytes(b"PAR1 this is not parquet")
    pq.write_table(pa.table({"text": [1, 2]}), tmp_path / "in" / "b-ints.parquet")
    pq.write_table(pa.table({"text": ["正文。\n"]}), tmp_path / "in" / "c-good.parquet")
    whole = (tmp_path / "in" / "c-good.parquet").read_bytes()
    (tmp_path / "in" / "d-cut.parquet").write_bytes(whole[: len(whole) // 2])
    result = clean(str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert result.exit_code == EXIT_SOME_FAILED
    lines = result.stderr.splitlines()
    assert lines[0].startswith("cleaner: a-junk.parquet: not a readable parquet file (")
    assert lines[1] == "cleaner: b-ints.parquet: column 'text' holds int64, not strings"
    assert lines[2].startswith("cleaner: d-cut.parquet: not a readable parquet file (")
    assert len(lines) == 3
    assert sorted(tree(tmp_path / "out")) == ["c-good.parquet", "errors.jsonl"]


def test_output_paths_that_cannot_be_written_are_one_line(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    cases = {
        ("-o", str(tmp_path / "file")): f"{tmp_path / 'file'}: exists and is not a directory (-o FILE takes one input file of the same kind)",  # noqa: E501
        ("-o", str(tmp_path / "file" / "out")): f"{tmp_path / 'file' / 'out'}: cannot write (Not a directory)",
        ("-o", "/dev/full"): "/dev/full: not a regular file or directory; -o takes a directory or a file",
        ("-o", str(tmp_path / "o"), "--report", str(tmp_path)): f"{tmp_path}: is a directory",
        ("-o", str(tmp_path / "o"), "--ledger", str(tmp_path)): f"{tmp_path}: is a directory",
        ("-o", str(tmp_path / "o"), "--report", str(tmp_path / "file" / "r.json")): f"{tmp_path / 'file' / 'r.json'}: cannot write ({tmp_path / 'file'} is not a directory)",  # noqa: E501
        ("-o", str(tmp_path / "o"), "--report", "/dev/null"): "/dev/null: not a regular file",
        ("-o", str(tmp_path / "o"), "--glob", "/abs/*"): "--glob '/abs/*': must be relative (it is matched under each input directory)",  # noqa: E501
    }
    for args, message in cases.items():
        result = clean(str(corpus), *args)
        assert (result.exit_code, result.stderr) == (EXIT_USAGE, f"cleaner: {message}\n"), args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "file"]  # not even a temp file


def test_an_existing_file_as_output_for_one_input_of_its_kind_is_replaced(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")
    result = clean(str(corpus / "a.txt"), "-o", str(tmp_path / "old.txt"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "old.txt").read_text(encoding="utf-8") == CLEAN.format(n=1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_output_directory_is_one_line(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "ro").mkdir(mode=0o555)
    result = clean(str(corpus), "-o", str(tmp_path / "ro"))
    assert (result.exit_code, result.stderr) == (EXIT_USAGE, f"cleaner: {tmp_path / 'ro'}: cannot write (Permission denied)\n")  # noqa: E501


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_is_one_line(corpus: Path) -> None:
    with open("/dev/full", "wb") as full:  # noqa: PTH123
        done = subprocess.run(
            [sys.executable, "-m", "cleaner", "clean", str(corpus / "a.txt")], stdout=full, stderr=subprocess.PIPE,
            timeout=120, check=False,
        )  # fmt: skip
    assert (done.returncode, done.stderr.decode()) == (EXIT_USAGE, "cleaner: stdout: cannot write (No space left on device)\n")  # noqa: E501


def test_explain_into_a_missing_place_is_one_line(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["explain", str(corpus / "a.txt"), "-o", str(tmp_path / "file" / "x.html")])
    assert (result.exit_code, result.stderr) == (
        EXIT_USAGE, f"cleaner: {tmp_path / 'file' / 'x.html'}: cannot write ({tmp_path / 'file'} is not a directory)\n"
    )  # fmt: skip


def test_yaml_nested_250_deep_is_one_line_in_every_command(corpus: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("name: deep\nrules:\n  - id: x\n    remove: line\n    match: a\n    doc:"
                    + "".join("\n" + "  " * (i + 3) + "k:" for i in range(250)) + " 1\n", encoding="utf-8")  # fmt: skip
    for args in (
        ["clean", str(corpus / "a.txt"), "-r", str(deep)],
        ["explain", str(corpus / "a.txt"), "-r", str(deep)],
        ["diff", str(corpus), "-r", str(deep)],
    ):
        result = runner.invoke(app, args)
        assert (result.exit_code, result.stderr) == (EXIT_USAGE, f"cleaner: {deep}: YAML nested too deep to load\n"), args


def test_ray_engine_on_text_files_is_refused_before_a_cluster_starts(corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["clean", str(corpus / "a.txt"), "--engine", "ray", "-o", str(tmp_path / "out")])
    assert (result.exit_code, result.stderr) == (
        EXIT_USAGE, f"cleaner: {corpus / 'a.txt'}: --engine ray reads JSONL or parquet files; clean text files with the local engine\n"  # noqa: E501
    )  # fmt: skip


def _big_corpus(src: Path, files: int = 400) -> None:
    src.mkdir()
    body = "白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。\n" * 300
    for n in range(files):
        (src / f"{n:03}.txt").write_text(f"标题{n}\n0 阅读:{n}\n" + body, encoding="utf-8")


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "cleaner", *args], stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_output(out: Path, pattern: str = "*.txt") -> None:
    deadline = time.monotonic() + 120  # bounds a hang only
    while time.monotonic() < deadline and not any(out.glob(pattern)):
        time.sleep(0.01)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_an_interrupted_run_says_so_leaves_no_temp_file_and_resumes(tmp_path: Path, how: str) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    _big_corpus(src)
    proc = _start(["clean", str(src), "-o", str(out), "-j", "2", "-q"])
    _wait_for_output(out)
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the workers too
    _, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stderr.decode()) == (EXIT_INTERRUPTED, "cleaner: interrupted; rerun with --resume\n")
    assert [p.name for p in out.rglob("*.tmp")] == []
    done_before = len(list(out.glob("*.txt")))
    assert 0 < done_before < 400
    resumed = clean(str(src), "-o", str(out), "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert len(list(out.glob("*.txt"))) == 400 and not (out / ".cleaner").exists()


# -- 3. fields other than the text, byte for byte ---------------------------------------------------


def test_every_field_but_the_text_comes_out_byte_for_byte(tmp_path: Path) -> None:
    line = '{ "n":1e400, "f": 1.0, "big": 123456789012345678901234567890, "e":"caf\\u00e9 \\/", "text" : "标题\\n\\n0 阅读:1\\n正文。\\n", "meta":{"b":2,"a":[1, 2]}, "z":null }\r'  # noqa: E501
    same = '{"text": "\\u6b63\\u6587\\u3002\\n", "id": 1}'  # nothing to clean: the escapes stay
    (tmp_path / "c.jsonl").write_bytes((line + "\n" + same).encode())
    result = clean(str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "c.jsonl").read_bytes() == (
        line.replace("标题\\n\\n0 阅读:1\\n正文。\\n", "标题\\n\\n正文。\\n") + "\n" + same + "\n"
    ).encode()


def test_a_mistyped_text_field_is_one_error_before_the_run(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_bytes(jsonl_bytes(50))
    result = clean(str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out"), "--text-field", "body")
    assert (result.exit_code, result.stderr) == (
        EXIT_USAGE, "cleaner: c.jsonl: none of the first 20 records has a field 'body' (fields: id, text); choose one with --text-field\n"  # noqa: E501
    )  # fmt: skip
    assert not (tmp_path / "out").exists()


# -- 4. every document accounted for ---------------------------------------------------------------


def _failing_corpus(src: Path) -> int:
    """400 documents, of which the early and late ones include failures; returns how many fail."""
    _big_corpus(src)
    (src / "000.txt").write_bytes(bytes(range(256)) * 40)  # undecodable, first in order
    (src / "200.txt").write_bytes(b"\x00\x01" * 400)  # binary, in the middle
    bad_lines = b'{"id": "m1", "text": "a"}\n{broken\n{"id": "m3", "no": "text"}\n' * 5 + jsonl_bytes(300)
    (src / "001.jsonl").write_bytes(bad_lines)
    return 2 + 10


def test_resume_after_sigkill_accounts_for_every_document(tmp_path: Path) -> None:
    src, killed, whole = tmp_path / "in", tmp_path / "killed", tmp_path / "whole"
    failing = _failing_corpus(src)
    args = ["--ledger", "LEDGER", "--report", "REPORT"]
    proc = _start(["clean", str(src), "-o", str(killed), "-j", "2", "-q", *args])
    _wait_for_output(killed, "01*.txt")  # past the failing units at the start
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=120)
    done_before = len(list(killed.glob("*.txt")))
    assert (killed / "010.txt").exists() and done_before < 398, "the run was not interrupted mid-way"
    assert not (killed / "errors.jsonl").exists()
    resumed = clean(str(src), "-o", str(killed), "--resume", "--ledger", str(tmp_path / "l1.jsonl"), "--report", str(tmp_path / "r1.json"))  # noqa: E501
    complete = clean(str(src), "-o", str(whole), "--ledger", str(tmp_path / "l2.jsonl"), "--report", str(tmp_path / "r2.json"))  # noqa: E501
    assert resumed.exit_code == complete.exit_code == EXIT_SOME_FAILED
    assert tree(killed) == tree(whole)  # outputs and errors.jsonl, byte for byte
    assert (tmp_path / "l1.jsonl").read_bytes() == (tmp_path / "l2.jsonl").read_bytes()
    r1, r2 = (json.loads((tmp_path / f"r{n}.json").read_text(encoding="utf-8")) for n in (1, 2))
    assert r1.pop("skipped_complete_outputs") >= done_before and r2.pop("skipped_complete_outputs") == 0
    assert r1 == r2
    errors = (killed / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    written = len(list(killed.glob("*.txt"))) + len((killed / "001.jsonl").read_text(encoding="utf-8").splitlines())
    documents_in = 400 + 15 + 300  # text files, JSONL lines
    assert (len(errors), written + len(errors), r1["documents"]) == (failing, documents_in, documents_in)


def test_a_second_run_into_the_same_directory_is_refused(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".cleaner").mkdir(parents=True)
    with (out / ".cleaner" / "lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # what a running cleaner holds
        result = clean(str(corpus), "-o", str(out))
        resumed = clean(str(corpus), "-o", str(out), "--resume")
    message = f"cleaner: {out}: another cleaner run is writing here; wait for it or choose another -o\n"
    assert (result.exit_code, result.stderr) == (resumed.exit_code, resumed.stderr) == (EXIT_USAGE, message)
    assert sorted(tree(out)) == [".cleaner/lock"]
    assert clean(str(corpus), "-o", str(out)).exit_code == 0  # once the lock is free


# -- 6. bounded time and memory -------------------------------------------------------------------


def test_the_regex_budget_is_one_per_document_across_rules_and_rounds() -> None:
    from cleaner.engine import document_budget, strip
    from cleaner.errors import RuleTimeoutError
    from cleaner.loader import load_rules_text

    rules = load_rules_text("name: t\nrules:\n  - {id: fast, remove: line, match: '^x$'}\n").rules
    spent = document_budget(2.0, "a\n", len(rules))
    spent.deadline -= 10  # what earlier rules and rounds of this document already used
    with pytest.raises(RuleTimeoutError, match=r"^rule 'fast': regex timed out after 2s"):
        strip("a\nx\n", rules, spent)
    assert strip("a\nx\n", rules, 2.0).text == "a\n"  # a plain timeout: a fresh budget for this call


def test_an_applies_to_url_regex_has_a_budget_and_names_its_set(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("name: site\napplies_to: {url: '^https://(a|aa)+$'}\nrules:\n  - {id: foot, remove: line, match: '^FOOT$'}\n", encoding="utf-8")  # noqa: E501
    url = "https://" + "a" * 80 + "b"  # (a|aa)+ tries about 10^16 ways before giving up
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "u", "url": url, "text": "正文。\n"}) + "\n", encoding="utf-8")
    result = clean(str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out"), "-r", str(site), "--regex-timeout", "0.2")
    assert (result.exit_code, result.stderr) == (
        EXIT_SOME_FAILED,
        "cleaner: c.jsonl: line 1: rule 'site/applies_to.url': regex timed out after 0.2s on document 'u' (catastrophic backtracking?)\n",  # noqa: E501
    )


def test_a_pattern_that_unrolls_to_a_million_items_is_refused_at_load(tmp_path: Path, corpus: Path) -> None:
    rules = tmp_path / "big.yaml"
    rules.write_text("name: big\nrules:\n  - id: huge\n    remove: line\n    match: 'x(a{1000}){1000}'\n", encoding="utf-8")
    result = clean(str(corpus / "a.txt"), "-r", str(rules))
    assert (result.exit_code, result.stderr) == (
        EXIT_USAGE, f"cleaner: {rules}:5:12: rule 'huge': pattern too large: its counted repeats unroll to about 1,000,001 items (limit 20,000)\n"  # noqa: E501
    )  # fmt: skip


def test_resuming_a_complete_run_keeps_its_failures(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "c.jsonl").write_text('{"id": "a", "text": "正文。\\n"}\n{broken\n', encoding="utf-8")
    first = clean(str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    errors = (tmp_path / "out" / "errors.jsonl").read_bytes()
    again = clean(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--resume")
    assert first.exit_code == again.exit_code == EXIT_SOME_FAILED
    assert (tmp_path / "out" / "errors.jsonl").read_bytes() == errors
    assert json.loads(errors)["error"].startswith("line 2: malformed JSON")


def test_in_place_keeps_what_it_could_not_clean(tmp_path: Path) -> None:
    """Replacing the inputs must not drop a record that failed, nor a file's unreadable rest."""
    lines = ['{"id": "a", "text": "标题\\n\\n0 阅读:1\\n正文。\\n"}', '{"id": "b", "text": 3}', "{broken"]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = gzip.compress(jsonl_bytes(2000))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    result = clean(str(tmp_path), "--in-place")
    assert result.exit_code == EXIT_SOME_FAILED
    assert result.stderr.splitlines()[-1].endswith("; the file is left as it was")
    assert (tmp_path / "cut.jsonl.gz").read_bytes() == data[: len(data) // 2]
    assert (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines() == [
        '{"id": "a", "text": "标题\\n\\n正文。\\n"}', lines[1], lines[2]
    ]


def test_in_place_parquet_keeps_rows_that_failed(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"id": ["a", "b"], "text": [ARTICLE.format(n=1), None]}), tmp_path / "c.parquet")
    result = clean(str(tmp_path / "c.parquet"), "--in-place")
    assert result.exit_code == EXIT_SOME_FAILED
    assert pq.read_table(tmp_path / "c.parquet").to_pydict() == {"id": ["a", "b"], "text": [CLEAN.format(n=1), None]}


def test_pool_workers_are_forked_with_fatal_sigterm_whatever_the_parent_handles() -> None:
    """A worker stuck before it runs any Python must still die on Pool.terminate (SIGTERM)."""
    import multiprocessing

    from cleaner.runner import _worker_signals

    previous = signal.signal(signal.SIGTERM, lambda *_: None)  # a parent handler that survives SIGTERM
    try:
        with _worker_signals():
            child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(120,))
            child.start()
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # the parent's own handler is back
        child.terminate()
        child.join(timeout=120)  # bounds a hang only
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert child.exitcode == -signal.SIGTERM
