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
    pipeline: Pipeline | None = None, url_column: str | None = "url",
) -> Any:  # fmt: skip
    """The dataset with ``text_column`` cleaned (every other column as it was).

    When the dataset has ``url_column``, each row's url chooses the site-targeted rule sets
    (``applies_to: {url: ...}``), exactly as ``cleaner clean --url-field`` does.
    """
    pipe = pipeline if pipeline is not None else Pipeline.from_rules(*rules)
    columns = getattr(ds, "column_names", None) or []
    kwargs = {"text_column": text_column, "url_column": url_column if url_column in columns else None}
    return ds.map(pipe.clean_batch, batched=True, fn_kwargs=kwargs, num_proc=num_proc)
