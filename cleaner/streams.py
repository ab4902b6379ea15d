"""Opening JSONL inputs and outputs by their name: plain, ``.gz`` or ``.zst``.

Compressed outputs are written with the same compression as the input they
mirror, so a ``.jsonl.zst`` corpus comes out as ``.jsonl.zst``.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".json.gz", ".ndjson")


def is_jsonl(path: Path) -> bool:
    return path.name.endswith(JSONL_SUFFIXES)


def compression(path: Path) -> str | None:
    if path.name.endswith(".gz"):
        return "gz"
    if path.name.endswith(".zst"):
        return "zst"
    return None


def open_read(path: Path) -> IO[bytes]:
    """A binary stream of the decompressed bytes."""
    kind = compression(path)
    if kind == "gz":
        return gzip.open(path, "rb")
    if kind == "zst":
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(path.open("rb"), closefd=True))
    return path.open("rb")


def open_write(path: Path, kind: str | None) -> IO[bytes]:
    """A binary stream that compresses like ``kind`` (None, "gz", "zst") into ``path``."""
    if kind == "gz":
        # mtime=0: the same input gives byte-identical output, run after run
        raw = path.open("wb")
        stream = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
        stream.myfileobj = raw  # close the file with the stream, as gzip.open does
        return stream  # type: ignore[return-value]
    if kind == "zst":
        import zstandard

        return zstandard.ZstdCompressor(level=3).stream_writer(path.open("wb"), closefd=True)  # type: ignore[return-value]
    return path.open("wb")
