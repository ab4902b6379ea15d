"""One document layer: every format in and out, stdin like a file, globs that keep their folders."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import zstandard
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.errors import EXIT_SOME_FAILED
from cleaner.formats.jsonl import Fields, RecordError, parse

runner = CliRunner()
ARTICLE = "标题{n}\n\n0 阅读:{n}\n白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。\n"
CLEAN = "标题{n}\n\n白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。\n"
LONG = "白俄罗斯总统卢卡申科的一系列表态引发了广泛关注。分析人士认为，这一举动表明白俄罗斯正在试图保持灵活性。\n"


def line(n: int, **extra: object) -> str:
    return json.dumps({"id": f"d{n}", **extra, "text": ARTICLE.format(n=n)}, ensure_ascii=False)


def clean_line(n: int, **extra: object) -> str:
    return json.dumps({"id": f"d{n}", **extra, "text": CLEAN.format(n=n)}, ensure_ascii=False)


# -- stdin and stdout -----------------------------------------------------------------------------


def test_jsonl_on_stdin_is_detected_and_written_to_stdout() -> None:
    data = f"{line(1)}\n\n{line(2, url='https://x.org/')}\n"
    result = runner.invoke(app, ["clean"], input=data.encode())
    assert (result.exit_code, result.stdout) == (0, f"{clean_line(1)}\n{clean_line(2, url='https://x.org/')}\n")


def test_format_txt_takes_json_looking_stdin_as_one_text() -> None:
    data = '{"text": "a"}\n0 阅读:3\n'
    result = runner.invoke(app, ["clean", "--format", "txt", "-"], input=data.encode())
    assert (result.exit_code, result.stdout) == (0, '{"text": "a"}\n')


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_stdin_gets_the_same_encoding_detection_as_files(encoding: str) -> None:
    result = runner.invoke(app, ["clean", "-r", "base"], input=LONG.encode(encoding))
    assert (result.exit_code, result.stdout) == (0, LONG)


def test_stdin_with_output_file_and_report(tmp_path: Path) -> None:
    data = f"{line(1)}\n{line(2)}\n"
    result = runner.invoke(app, ["clean", "-o", str(tmp_path / "out.jsonl"), "--report", str(tmp_path / "r.json"), "-q"], input=data.encode())  # noqa: E501
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == f"{clean_line(1)}\n{clean_line(2)}\n"
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["documents"] == 2


# -- encodings that must not be guessed -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("标题正文".encode("gbk"), "short.txt: not UTF-8, and 8 bytes are too few to tell the encoding (add a BOM or convert it)"),  # noqa: E501
        ("Café crème".encode("latin-1"), "short.txt: not UTF-8, and 10 bytes are too few to tell the encoding (add a BOM or convert it)"),  # noqa: E501
        ("正文 😀".encode()[:-1], "short.txt: UTF-8 cut off inside its last character (truncated file?)"),
    ],
)
def test_a_handful_of_undecodable_bytes_is_reported_not_guessed(tmp_path: Path, data: bytes, message: str) -> None:
    (tmp_path / "short.txt").write_bytes(data)
    result = runner.invoke(app, ["clean", str(tmp_path / "short.txt")])
    assert (result.exit_code, result.stdout, result.stderr) == (EXIT_SOME_FAILED, "", f"cleaner: {message}\n")


# -- files: -o FILE, stdout, globs --------------------------------------------------------------------


def test_one_jsonl_input_and_output_file_writes_that_file(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl.gz").write_bytes(gzip.compress(f"{line(1)}\n".encode()))
    result = runner.invoke(app, ["clean", str(tmp_path / "in.jsonl.gz"), "-o", str(tmp_path / "out.jsonl"), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == f"{clean_line(1)}\n"  # its own name's compression
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl.gz", "out.jsonl"]


def test_jsonl_files_without_output_go_to_stdout(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(f"{line(1)}\n", encoding="utf-8")
    (tmp_path / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(f"{line(2)}\n".encode()))
    result = runner.invoke(app, ["clean", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl.zst")])
    assert (result.exit_code, result.stdout) == (0, f"{clean_line(1)}\n{clean_line(2)}\n")


def test_a_glob_keeps_the_folders_below_its_root(tmp_path: Path) -> None:
    for day in ("2024-01", "2024-02"):
        (tmp_path / "dumps" / day).mkdir(parents=True)
        raw = zstandard.ZstdCompressor().compress(f"{line(int(day[-1]))}\n".encode())
        (tmp_path / "dumps" / day / "part-0000.jsonl.zst").write_bytes(raw)
    pattern = str(tmp_path / "dumps" / "**" / "*.jsonl.zst")
    result = runner.invoke(app, ["clean", pattern, "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert written == ["2024-01/part-0000.jsonl.zst", "2024-02/part-0000.jsonl.zst"]
    got = zstandard.ZstdDecompressor().stream_reader((tmp_path / "out" / "2024-02" / "part-0000.jsonl.zst").open("rb")).read()  # noqa: E501
    assert got.decode() == f"{clean_line(2)}\n"


# -- explain and diff read every format ---------------------------------------------------------------


def test_explain_reads_a_gzipped_jsonl_document_by_id(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(f"{line(1)}\n{line(2)}\n".encode()))
    result = runner.invoke(app, ["explain", str(tmp_path / "c.jsonl.gz"), "--id", "d2", "-f", "json"])
    assert result.exit_code == 0, result.output
    removals = json.loads(result.stdout)["removals"]
    assert [(r["rule"], r["text"]) for r in removals] == [("zh-counter", "0 阅读:2")]


def test_diff_reads_jsonl_records_as_documents(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "c.jsonl").write_text(f"{line(1)}\n{line(2)}\n", encoding="utf-8")
    result = runner.invoke(app, ["diff", str(tmp_path / "corpus"), "--baseline", "base", "-r", "default"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:5] == [
        "== d1", "+     3 zh-counter: 0 阅读:1", "== d2", "+     3 zh-counter: 0 阅读:2",
        "2 of 2 documents changed; 2 lines newly removed, 0 newly kept",
    ]  # fmt: skip


# -- the JSONL record reader ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[1, 2]", "not a JSON object"),
        (b'{"text": 3}', "field 'text' is not a string (int)"),
        (b'{"text": 1.5e400}', "field 'text' is not a string (float)"),
        (b'{"id": "x"}', "field 'text' is missing"),
        (b'{"text": "a"} x', "malformed JSON (Extra data: line 1 column 15 (char 14))"),
        (b'{"text": "\xff"}', "not UTF-8 at byte 10"),
    ],
)
def test_record_errors_say_what_is_wrong(raw: bytes, message: str) -> None:
    with pytest.raises(RecordError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse(raw, Fields())


def test_hf_adapter_honours_the_url_column(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    from cleaner.integrations.hf import clean_dataset

    site = tmp_path / "site.yaml"
    site.write_text("name: site\napplies_to: {url: 'example\\.com/'}\nrules:\n  - {id: site-foot, remove: line, match: '^FOOT$'}\n", encoding="utf-8")  # noqa: E501
    ds = datasets.Dataset.from_dict({"text": ["Body.\nFOOT\n", "Body.\nFOOT\n"], "url": ["https://example.com/1", "https://other.org/"]})  # noqa: E501
    out = clean_dataset(ds, rules=["default", str(site)])
    assert out["text"] == ["Body.\n", "Body.\nFOOT\n"]
