"""Corpus runs end to end: every input kind, encoding and failure is accounted for."""

from __future__ import annotations

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
from cleaner.streams import open_read

runner = CliRunner()
ARTICLE = "标题{n}\n\n0 阅读:{n}\n白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。\n"
CLEAN = "标题{n}\n\n白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。\n"


def records(count: int) -> list[dict[str, object]]:
    return [{"meta": {"n": n}, "text": ARTICLE.format(n=n), "id": f"doc-{n}", "score": 0.5} for n in range(count)]


def write_jsonl(path: Path, rows: list[dict[str, object]], extra_lines: tuple[str, ...] = ()) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "".join(extra_lines)
    raw = data.encode("utf-8")
    if path.name.endswith(".gz"):
        raw = gzip.compress(raw)
    elif path.name.endswith(".zst"):
        raw = zstandard.ZstdCompressor().compress(raw)
    path.write_bytes(raw)


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with open_read(path) as stream:
        return [json.loads(line) for line in stream]


def errors_of(out: Path) -> list[dict[str, object]]:
    path = out / "errors.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def clean(*args: str) -> object:
    return runner.invoke(app, ["clean", *args, "-q"])


@pytest.mark.parametrize("name", ["c.jsonl", "c.jsonl.gz", "c.jsonl.zst", "c.json.gz"])
def test_jsonl_in_every_compression_keeps_fields_and_order(tmp_path: Path, name: str) -> None:
    write_jsonl(tmp_path / name, records(150))
    result = clean(str(tmp_path / name), "-o", str(tmp_path / "out"), "-j", "2")
    assert result.exit_code == 0, result.output
    rows = read_jsonl(tmp_path / "out" / name)
    assert [list(r) for r in rows] == [["meta", "text", "id", "score"]] * 150
    assert rows[7] == {"meta": {"n": 7}, "text": CLEAN.format(n=7), "id": "doc-7", "score": 0.5}
    assert errors_of(tmp_path / "out") == []


def test_malformed_lines_are_reported_and_every_document_accounted_for(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "c.jsonl", records(5), ("{broken\n", "[1, 2]\n", '{"id": "x", "text": 3}\n', '{"id": "y"}\n'))
    result = clean(str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    out_rows = read_jsonl(tmp_path / "out" / "c.jsonl")
    errors = errors_of(tmp_path / "out")
    assert len(out_rows) + len(errors) == 9
    assert [(e["id"], e["error"]) for e in errors][1:] == [
        ("c.jsonl:7", "line 7: not a JSON object"),
        ("x", "line 8: field 'text' is not a string (int)"),
        ("y", "line 9: field 'text' is missing"),
    ]
    assert errors[0]["error"].startswith("line 6: malformed JSON")


def test_ids_that_look_like_paths_cannot_escape_the_output(tmp_path: Path) -> None:
    rows = [{"id": "../../escape", "text": "正文。\n"}, {"id": "/etc/passwd", "text": "正文。\n"}]
    write_jsonl(tmp_path / "in" / "c.jsonl" if (tmp_path / "in").mkdir() is None else tmp_path, rows)
    result = clean(str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["in/c.jsonl", "out/c.jsonl"]


ENCODED = {
    "gb18030": ("gb18030", "白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。\n分析人士认为，这一举动表明白俄罗斯正在试图保持灵活性。\n"
                "白俄罗斯既不想与俄罗斯过于紧密地捆绑在一起，也不想与西方彻底决裂。\n"),
    "utf16": ("utf-16", "各方都在关注这场会谈。\n外界高度关注此次会谈的结果。\n"),
    "big5": ("big5", "颱風即將登陸臺灣，氣象局發布海上警報。\n民眾應做好防颱準備，避免前往海邊。\n"
             "交通部表示，明日部分航班可能取消，請旅客留意最新消息。\n"),
    "shift_jis": ("shift_jis", "東京の天気は晴れでしょう。\n明日は雨が降るかもしれませんので、傘を持って出かけてください。\n"
                  "週末は気温が下がる見込みです。\n"),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_legacy_encodings_are_decoded_and_written_as_utf8(tmp_path: Path, name: str) -> None:
    encoding, text = ENCODED[name]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"{name}.txt").write_bytes(text.encode(encoding))
    result = clean(str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / f"{name}.txt").read_text(encoding="utf-8") == text


def test_binary_empty_and_nul_files(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (src / "zeros.txt").write_bytes(b"\x00\x01\x02\x03" * 1000)
    (src / "empty.txt").write_bytes(b"")
    (src / "nul.txt").write_bytes("正文。\x00尾巴。\n".encode())
    result = clean(str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert (tmp_path / "out" / "empty.txt").read_bytes() == b""
    assert (tmp_path / "out" / "nul.txt").read_text(encoding="utf-8") == "正文。尾巴。\n"  # ftfy drops the NUL
    assert not (tmp_path / "out" / "binary.txt").exists()
    assert [(e["id"], e["error"]) for e in errors_of(tmp_path / "out")] == [
        ("binary.txt", "binary.txt: cannot decode: not UTF-8 and no known encoding fits"),
        ("zeros.txt", "zeros.txt: binary file (NUL bytes), not text"),
    ]
    assert not (tmp_path / "out" / "zeros.txt").exists()


def test_jobs_do_not_change_the_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for n in range(30):
        (src / ("sub" if n % 2 else "") / f"{n:02}.txt").write_text(ARTICLE.format(n=n), encoding="utf-8")
    write_jsonl(src / "c.jsonl.gz", records(300))
    one = clean(str(src), "-o", str(tmp_path / "one"), "-j", "1", "--report", str(tmp_path / "r1.json"))
    two = clean(str(src), "-o", str(tmp_path / "two"), "-j", "2", "--report", str(tmp_path / "r2.json"))
    assert one.exit_code == two.exit_code == 0
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert len(files) == 31
    for rel in files:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel
    report = json.loads((tmp_path / "r2.json").read_text(encoding="utf-8"))
    assert (report["documents"], report["cleaned"], report["failed"]) == (330, 330, 0)
    assert report["rules"]["zh-counter"]["lines"] == 330
    assert report == json.loads((tmp_path / "r1.json").read_text(encoding="utf-8"))


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "c.jsonl", records(3))
    result = runner.invoke(app, ["clean", str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out"), "--dry-run"])
    assert result.exit_code == 0
    assert "documents             3" in result.stderr and "dry run: nothing written" in result.stderr
    assert not (tmp_path / "out").exists()


def test_site_sets_apply_by_url_and_the_report_counts_them(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("name: site\napplies_to: {url: 'example\\.com/'}\nrules:\n  - {id: site-foot, remove: line, match: '^FOOT$'}\n", encoding="utf-8")  # noqa: E501
    rows = [{"id": "a", "url": "https://example.com/1", "text": "Body.\nFOOT\n"}, {"id": "b", "url": "https://other.org/", "text": "Body.\nFOOT\n"}]  # noqa: E501
    write_jsonl(tmp_path / "c.jsonl", rows)
    result = clean(str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out"), "-r", "default", "-r", str(site), "--report", str(tmp_path / "r.json"))  # noqa: E501
    assert result.exit_code == 0, result.output
    assert [r["text"] for r in read_jsonl(tmp_path / "out" / "c.jsonl")] == ["Body.\n", "Body.\nFOOT\n"]
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["rule_sets"] == {"default": 2, "site": 1}


def test_ledger_has_one_line_per_removal(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "c.jsonl", records(4))
    clean(str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out"), "--ledger", str(tmp_path / "ledger.jsonl"))
    entries = [json.loads(line) for line in (tmp_path / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["id"], e["rule"], e["first_line"], e["text"]) for e in entries] == [
        (f"doc-{n}", "zh-counter", 3, f"0 阅读:{n}") for n in range(4)
    ]


def test_a_50_mb_single_line_file_is_cleaned(tmp_path: Path) -> None:
    line = ("白俄罗斯总统卢卡申科表态引发关注 the news, " * 1_300_000)[:50_000_000]
    (tmp_path / "big.txt").write_text(line + "\n", encoding="utf-8")
    result = clean(str(tmp_path / "big.txt"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "big.txt").stat().st_size == (tmp_path / "big.txt").stat().st_size


def test_resume_after_sigkill_gives_the_same_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    body = "白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。\n" * 400
    for n in range(400):
        (src / f"{n:03}.txt").write_text(f"标题{n}\n0 阅读:{n}\n" + body, encoding="utf-8")
    write_jsonl(src / "z.jsonl", records(500))
    command = [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(tmp_path / "killed"), "-j", "2", "-q"]
    proc = subprocess.Popen(command, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((tmp_path / "killed").glob("*.txt"))) < 20:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, mid-way
    proc.wait()
    done_before = len(list((tmp_path / "killed").glob("*.txt")))
    assert 0 < done_before < 400, "the run was not interrupted mid-way"
    resumed = clean(str(src), "-o", str(tmp_path / "killed"), "--resume", "--report", str(tmp_path / "r.json"))
    assert resumed.exit_code == 0, resumed.output
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["skipped_complete_outputs"] >= done_before
    whole = clean(str(src), "-o", str(tmp_path / "whole"))
    assert whole.exit_code == 0

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert tree(tmp_path / "killed") == tree(tmp_path / "whole")


def test_library_run_with_workers_from_a_script_on_stdin(tmp_path: Path) -> None:
    """A caller whose __main__ cannot be re-imported (stdin, notebooks) must not hang the pool."""
    write_jsonl(tmp_path / "c.jsonl", records(40))
    script = (
        "from pathlib import Path\n"
        "from cleaner import Pipeline\n"
        "from cleaner.runner import RunOptions, run\n"
        f"r = run([Path({str(tmp_path / 'c.jsonl')!r})], Pipeline.default(), RunOptions(output=Path({str(tmp_path / 'out')!r}), jobs=2, batch_bytes=512))\n"  # noqa: E501
        "print(r.documents, r.failed)\n"
    )
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (0, "40 0\n"), done.stderr[-2000:]


def test_parquet_keeps_schema_and_columns_and_reports_bad_rows(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "id": [f"doc-{n}" for n in range(1200)],
            "text": [ARTICLE.format(n=n) if n != 7 else None for n in range(1200)],
            "score": [n / 10 for n in range(1200)],
        }
    )
    pq.write_table(table, tmp_path / "c.parquet")
    result = clean(str(tmp_path / "c.parquet"), "-o", str(tmp_path / "out"), "-j", "2")
    assert result.exit_code == 1  # the row without text
    out = pq.read_table(tmp_path / "out" / "c.parquet")
    assert out.schema == table.schema
    assert out.num_rows == 1199
    assert out.column("text")[0].as_py() == CLEAN.format(n=0)
    assert out.column("id")[7].as_py() == "doc-8" and out.column("score")[7].as_py() == 0.8
    assert [(e["id"], e["error"]) for e in errors_of(tmp_path / "out")] == [
        ("doc-7", "row 7: field 'text' is missing or not a string")
    ]
