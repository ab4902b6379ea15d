"""Parquet (``pip install 'chrome-cleaner[parquet]'``): record batches in, the same schema out.

Only the text column is replaced; rows that fail are left out of the output
(``errors.jsonl`` has them). A file that is not parquet, or whose text column
is not a string column, fails as a whole, with one line that says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaner.errors import InputError
from cleaner.formats.jsonl import Fields

#: A text that stands for "this row's own text, unchanged" (in place, a row that failed is kept as it was).
KEEP_ROW = "\0keep-row"
#: Rows per record batch read.
BATCH_ROWS = 512

Row = tuple[str, "str | None", "str | None"]


def pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading .parquet needs pyarrow: pip install 'chrome-cleaner[parquet]'") from None
    return pq


def open_file(path: Path, name: str, fields: Fields) -> Any:
    """A ``ParquetFile`` whose text column holds strings; ``InputError`` otherwise."""
    import pyarrow as pa

    try:
        reader = pyarrow_parquet().ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{name}: not a readable parquet file ({exc})") from None
    schema = reader.schema_arrow
    if schema.get_field_index(fields.text) < 0:
        columns = ", ".join(schema.names)
        raise InputError(f"{name}: no column '{fields.text}' (columns: {columns}); choose one with --text-field")
    kind = schema.field(fields.text).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise InputError(f"{name}: column '{fields.text}' holds {kind}, not strings")
    return reader


def batches(reader: Any, name: str, fields: Fields) -> Iterator[tuple[int, list[Row], Any]]:
    """(first row number, rows as (id, text, url), the record batch) for each batch of the file."""
    row = 0
    for record_batch in reader.iter_batches(batch_size=BATCH_ROWS):
        data = record_batch.to_pydict()
        n = record_batch.num_rows
        texts, ids, urls = (data.get(f) or [None] * n for f in (fields.text, fields.id, fields.url))
        rows = [
            (str(i) if i is not None else f"{name}:{row + k}", t if isinstance(t, str) else None,
             u if isinstance(u, str) else None)
            for k, (i, t, u) in enumerate(zip(ids, texts, urls, strict=True))
        ]  # fmt: skip
        yield row, rows, record_batch
        row += n


class Writer:
    """A parquet file's cleaned record batches, with the input's schema, written to ``path``."""

    def __init__(self, path: Path, schema: Any, text_field: str) -> None:
        self.text_field = text_field
        self.writer = pyarrow_parquet().ParquetWriter(path, schema)

    def write_rows(self, record_batch: Any, texts: list[str | None]) -> None:
        """The batch with its text column replaced; rows that failed are left out."""
        import pyarrow as pa

        if record_batch is None or not texts:
            return
        index = record_batch.schema.get_field_index(self.text_field)
        kept = pa.array([t is not None for t in texts])
        old = record_batch.column(index).to_pylist()
        new = [old[i] if t == KEEP_ROW else t if t is not None else "" for i, t in enumerate(texts)]
        column = pa.array(new, type=record_batch.schema.field(index).type)
        updated = pa.RecordBatch.from_arrays(
            [column if i == index else record_batch.column(i) for i in range(record_batch.num_columns)],
            schema=record_batch.schema,
        )
        self.writer.write_batch(updated.filter(kept))

    def close(self) -> None:
        self.writer.close()
