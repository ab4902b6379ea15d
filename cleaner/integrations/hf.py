"""Clean a Hugging Face ``datasets.Dataset`` with ``Dataset.map``.

>>> from datasets import Dataset                                       # doctest: +SKIP
>>> from cleaner.integrations.hf import clean_dataset                  # doctest: +SKIP
>>> clean_dataset(Dataset.from_dict({"text": raw_texts}), rules=["zh-news"], num_proc=4)  # doctest: +SKIP

A ``Pipeline`` pickles, so ``num_proc`` workers each get a copy, and
``Dataset.map(pipeline.clean_batch, batched=True)`` works without this helper too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cleaner.pipeline import Pipeline


def clean_dataset(
    ds: Any, rules: Sequence[str] = (), text_column: str = "text", num_proc: int | None = None,
    pipeline: Pipeline | None = None,
) -> Any:  # fmt: skip
    """The dataset with ``text_column`` cleaned (every other column as it was)."""
    pipe = pipeline if pipeline is not None else Pipeline.from_rules(*rules)
    return ds.map(pipe.clean_batch, batched=True, fn_kwargs={"text_column": text_column}, num_proc=num_proc)
