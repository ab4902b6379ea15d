"""Run a cleaner ``Pipeline`` over a Ray Data dataset, one pipeline per actor.

>>> import ray                                                         # doctest: +SKIP
>>> from cleaner.integrations.ray import clean_dataset                 # doctest: +SKIP
>>> ds = ray.data.read_json("s3://bucket/crawl/*.jsonl.gz")            # doctest: +SKIP
>>> clean_dataset(ds, rules=["default"]).write_json("s3://bucket/clean/")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ray

from cleaner.pipeline import Pipeline


class CleanBatch:
    """The ``map_batches`` callable: builds the pipeline once, in its actor, then cleans batches."""

    def __init__(self, rules: Sequence[str], text_column: str, url_column: str | None, ledger: bool) -> None:
        self.pipeline = Pipeline.from_rules(*rules)
        self.text_column, self.url_column, self.ledger = text_column, url_column, ledger

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        texts = batch[self.text_column]
        urls = batch.get(self.url_column) if self.url_column else None
        cleaned, removed, removals = [], [], []
        for i, text in enumerate(texts):
            url = urls[i] if urls is not None and isinstance(urls[i], str) else None
            result = self.pipeline.clean(str(text), url=url)
            cleaned.append(result.text)
            removed.append(result.removed_chars)
            if self.ledger:
                removals.append(json.dumps([r.to_dict() for r in result.removals], ensure_ascii=False))
        out = dict(batch)
        out[self.text_column] = cleaned
        out["removed_chars"] = removed
        if self.ledger:
            out["removals"] = removals
        return out


def clean_dataset(
    ds: ray.data.Dataset,
    rules: Sequence[str] = (),
    text_column: str = "text",
    url_column: str | None = "url",
    ledger: bool = False,
    concurrency: int | tuple[int, int] | None = None,
    batch_size: int = 256,
) -> ray.data.Dataset:
    """The dataset with its text column cleaned, plus ``removed_chars`` (and ``removals`` as JSON).

    The default actor pool grows from 1 to one less than the cluster's CPUs: a pool holding every
    CPU leaves none for the operators that feed it, and the dataset never finishes.
    """
    columns = ds.columns() or []
    if concurrency is None:
        concurrency = (1, max(1, int(ray.cluster_resources().get("CPU", 1)) - 1))
    return ds.map_batches(
        CleanBatch,
        fn_constructor_args=(tuple(rules), text_column, url_column if url_column in columns else None, ledger),
        batch_size=batch_size,
        batch_format="numpy",
        concurrency=concurrency,
    )


def run(
    inputs: Sequence[Path], output: Path, rules: Sequence[str] = (), text_field: str = "text",
    url_field: str = "url", address: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """`cleaner clean --engine ray`: read JSONL or parquet, clean, write the same format; return a summary."""
    paths = [str(p) for p in inputs]
    _check_inputs(paths)
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    parquet = all(p.endswith(".parquet") for p in paths)
    ds = ray.data.read_parquet(paths) if parquet else ray.data.read_json(paths, lines=True)
    cleaned = clean_dataset(ds, rules, text_field, url_field, ledger=True).materialize()
    summary: Counter[str] = Counter()
    for batch in cleaned.select_columns(["removals", text_field]).iter_batches(batch_size=1024, batch_format="numpy"):
        summary["documents"] += len(batch[text_field])
        summary["chars_out"] += sum(len(t) for t in batch[text_field])
        for entry in batch["removals"]:
            for removal in json.loads(entry):
                summary[f"rule:{removal['rule']}"] += len(removal["text"])
    result = cleaned.drop_columns(["removals"])
    (result.write_parquet if parquet else result.write_json)(str(output))
    return dict(summary)


def _check_inputs(paths: list[str]) -> None:
    """Ray reads JSONL or parquet, not a mix and not text files: say so before a cluster starts."""
    from cleaner.errors import InputError
    from cleaner.formats import kind_of

    if not paths:
        raise InputError("--engine ray needs input files (JSONL or parquet), not stdin")
    kinds = set()
    for path in paths:
        local = "://" not in path
        if local and not Path(path).exists():
            raise InputError(f"{path}: no such file or directory")
        if local and Path(path).is_dir():
            continue  # Ray takes the files it knows under a directory
        kind = kind_of(Path(path))
        if kind == "txt":
            raise InputError(f"{path}: --engine ray reads JSONL or parquet files; clean text files with the local engine")
        kinds.add(kind)
    if len(kinds) > 1:
        raise InputError("--engine ray reads JSONL or parquet in one run, not both")
