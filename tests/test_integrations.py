"""Each engine adapter gives exactly the local `cleaner clean` output, document for document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app

from .conftest import FIXTURES

runner = CliRunner()


def corpus() -> list[dict[str, object]]:
    """Real raw pages (the fixtures) plus small synthetic ones, as JSONL records."""
    rows: list[dict[str, object]] = []
    for raw in sorted(FIXTURES.rglob("*.txt")):
        if not raw.name.endswith(".clean.txt"):
            rows.append({"id": raw.stem, "url": f"https://example.com/{raw.stem}", "text": raw.read_text(encoding="utf-8")})  # noqa: E501
    for n in range(40):
        rows.append({"id": f"s{n}", "url": "https://example.com/s", "text": f"标题{n}号新闻稿件来了\n\n0 阅读:{n}\n正文第{n}段。\n"})
    return rows


@pytest.fixture(scope="module")
def local_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """id -> clean text, from the local engine through the CLI."""
    work = tmp_path_factory.mktemp("local")
    (work / "c.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus()), encoding="utf-8")  # noqa: E501
    result = runner.invoke(app, ["clean", str(work / "c.jsonl"), "-o", str(work / "out"), "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (work / "out" / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["id"]: r["text"] for r in rows}


def test_hf_datasets_map(local_output: dict[str, str]) -> None:
    datasets = pytest.importorskip("datasets")
    from cleaner.integrations.hf import clean_dataset

    rows = corpus()
    ds = datasets.Dataset.from_list(rows)
    cleaned = clean_dataset(ds, num_proc=2)
    assert dict(zip(cleaned["id"], cleaned["text"], strict=True)) == local_output
    assert cleaned.column_names == ["id", "url", "text"]


def test_datatrove_local_executor(local_output: dict[str, str], tmp_path: Path) -> None:
    pytest.importorskip("datatrove")
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor

    from cleaner.integrations.datatrove import CleanerFormatter

    collected: dict[str, str] = {}

    def collect(data, rank: int = 0, world_size: int = 1):  # noqa: ANN001, ANN202 - datatrove's step signature
        for doc in data:
            collected[doc.id] = doc.text
            yield doc

    docs = [Document(text=r["text"], id=r["id"], metadata={"url": r["url"]}) for r in corpus()]
    formatter = CleanerFormatter()
    executor = LocalPipelineExecutor(pipeline=[docs, formatter, collect], tasks=1, workers=1, logging_dir=str(tmp_path / "logs"))  # noqa: E501
    executor.run()
    assert collected == local_output
    # datatrove runs a copy of each step and merges their stats into logging_dir/stats.json
    steps = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    stats = next(step["stats"] for step in steps if "cleaner" in step["name"])
    def total(value: object) -> object:  # a counter is a number, or a summary once values vary
        return value["total"] if isinstance(value, dict) else value

    assert total(stats["total"]) == len(local_output)
    assert total(stats["removed_lines/zh-counter"]) == 41  # the 40 synthetic pages and one seed


@pytest.fixture(scope="module")
def ray_cluster():  # noqa: ANN201
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_ray_data_map_batches(ray_cluster, local_output: dict[str, str]) -> None:  # noqa: ANN001
    from cleaner.integrations.ray import clean_dataset

    ds = ray_cluster.data.from_items(corpus())
    rows = clean_dataset(ds, ledger=True).take_all()
    assert {r["id"]: r["text"] for r in rows} == local_output
    by_id = {r["id"]: r for r in rows}
    assert by_id["s3"]["removed_chars"] == len("0 阅读:3")
    assert json.loads(by_id["s3"]["removals"])[0]["rule"] == "zh-counter"


def test_cli_engine_ray(ray_cluster, local_output: dict[str, str], tmp_path: Path) -> None:  # noqa: ANN001
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus()), encoding="utf-8")  # noqa: E501
    result = runner.invoke(app, ["clean", str(tmp_path / "c.jsonl"), "-o", str(tmp_path / "out"), "--engine", "ray"])
    assert result.exit_code == 0, result.output
    assert f"documents  {len(local_output):>12,}" in result.stderr
    rows = [json.loads(line) for f in sorted((tmp_path / "out").glob("*.json*")) for line in f.read_text(encoding="utf-8").splitlines()]  # noqa: E501
    assert {r["id"]: r["text"] for r in rows} == local_output
