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
from pathlib import Path

from cleaner.formats.jsonl import is_jsonl

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
