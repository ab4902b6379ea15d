"""Sources and sinks: one module per format, each a reader of documents and a writer of them.

- ``txt``: one document per file; bytes decoded once (BOM, UTF-8, then detection).
- ``jsonl``: one JSON object per line, plain, ``.gz`` or ``.zst``; every field but the
  text is written back byte for byte (the new text is spliced into the original line).
- ``parquet``: record batches; the text column is replaced, the schema kept.
- ``stdio``: stdin and stdout, with the same detection as files.

The runner only schedules, counts and resumes; what a file *is* is decided here,
so adding a format touches one module and :func:`kind_of`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.formats.jsonl import Fields, is_jsonl

if TYPE_CHECKING:
    from cleaner.io import Unit  # cleaner.io imports this package: only for annotations

#: What a failing read of a (possibly compressed) file raises: OS errors, a truncated gzip
#: stream (EOFError), a bad deflate block (zlib.error), a corrupt zstd frame (ZstdError).
READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)
try:
    import zstandard as _zstd

    READ_ERRORS += (_zstd.ZstdError,)
except ImportError:  # pragma: no cover - zstandard is a dependency
    pass


def kind_of(path: Path) -> str:
    """``"jsonl"``, ``"parquet"`` or ``"txt"`` (everything else is read as text), by the file's name."""
    if is_jsonl(path):
        return "jsonl"
    if path.name.endswith(".parquet"):
        return "parquet"
    return "txt"


def read_error(exc: BaseException) -> str:
    """A read failure as a short reason (``Compressed file ended before …``), never a traceback."""
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return reason.rstrip(".")


@dataclass(frozen=True)
class Doc:
    """One document read from any format: enough to clean, explain or diff it.

    ``error`` is set (and ``text`` empty) for a document that could not be read;
    a reader never raises for one bad document.
    """

    id: str
    text: str
    url: str | None = None
    source: str = ""
    error: str | None = None


def documents(units: Iterable[Unit], fields: Fields | None = None) -> Iterator[Doc]:
    """Every document of ``units`` (from :func:`cleaner.io.discover`), in order, whatever their format.

    This is how commands other than ``clean`` read a corpus (explain, diff, lint --corpus,
    suggest): a JSONL file is its records, a parquet file its rows, a text file itself.
    """
    from cleaner.errors import CleanerError
    from cleaner.formats import jsonl, parquet
    from cleaner.formats.txt import decode_bytes, universal_newlines

    fields = fields or Fields()
    for unit in units:
        name = str(unit.relative)
        if unit.jsonl:
            lost: list[tuple[int, str]] = []
            for first, block in jsonl.lines_in(unit.source, 1 << 18, _collect(lost)):
                for offset, line in enumerate(block.split(b"\n")):
                    if not line.strip():
                        continue
                    number = first + offset
                    try:
                        record = jsonl.parse(line, fields)
                    except jsonl.RecordError as exc:
                        yield Doc(exc.doc_id or f"{name}:{number}", "", None, name, f"line {number}: {exc}")
                        continue
                    yield Doc(record.doc_id or f"{name}:{number}", universal_newlines(record.text), record.url, name)
            for number, why in lost:
                yield Doc(f"{name}:{number}", "", None, name, f"{name}: read error at line {number} ({why})")
        elif unit.parquet:
            try:
                reader = parquet.open_file(unit.source, name, fields)
                for first, rows, _ in parquet.batches(reader, name, fields):
                    for offset, (doc_id, text, url) in enumerate(rows):
                        error = None if text is not None else f"row {first + offset}: no text"
                        yield Doc(doc_id, universal_newlines(text or ""), url, name, error)
            except CleanerError as exc:
                yield Doc(name, "", None, name, str(exc))
            except Exception as exc:  # noqa: BLE001 - pyarrow's read errors have no common base we can import
                yield Doc(name, "", None, name, f"{name}: read error ({exc})")
        else:
            try:
                text = universal_newlines(decode_bytes(unit.source.read_bytes(), name))
            except CleanerError as exc:
                yield Doc(name, "", None, name, str(exc))
            except OSError as exc:
                yield Doc(name, "", None, name, f"{name}: cannot read ({exc.strerror})")
            else:
                yield Doc(name, text, None, name)


def _collect(into: list[tuple[int, str]]) -> Callable[[int, str], None]:
    """A ``lines_in`` error callback that keeps (line, reason) for the reader to report after the lines."""

    def add(line: int, why: str) -> None:
        into.append((line, why))

    return add
