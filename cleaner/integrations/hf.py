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
    url = url_column if url_column in columns else None
    return ds.map(
        _CleanUrlBatch(pipe, text_column, url), batched=True, num_proc=num_proc,
    )  # fmt: skip


class _CleanUrlBatch:
    """``Dataset.map``'s function: the text column cleaned with each row's url (a picklable callable)."""

    def __init__(self, pipeline: Pipeline, text_column: str, url_column: str | None) -> None:
        self.pipeline, self.text_column, self.url_column = pipeline, text_column, url_column

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        texts = batch[self.text_column]
        urls = batch[self.url_column] if self.url_column else [None] * len(texts)
        cleaned = [
            self.pipeline.clean(text, url=url if isinstance(url, str) else None).text
            for text, url in zip(texts, urls, strict=True)
        ]
        return {**batch, self.text_column: cleaned}
