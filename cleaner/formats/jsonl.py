"""JSONL (plain, ``.gz``, ``.zst``): one JSON object per line, the text in one field.

Only the text is rewritten. The new value is spliced into the original line
between the old value's first and last byte, so every other field keeps its
exact bytes: ``1e400`` stays ``1e400`` (``json.dumps`` would write the
invalid ``Infinity``), ``1.0`` stays ``1.0``, ``"\\u00e9"`` keeps its escape,
key order and spacing stay. A text that cleaning leaves unchanged keeps its
original bytes too. Compressed outputs use the input's compression.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import IO, Any

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".json.gz", ".ndjson")

_WS = re.compile(r"[ \t\n\r]*")
_BOM = "\ufeff"
# Numbers are parsed as their text: nothing here needs their value, and 1e400 must not become inf.
_DECODER = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)


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
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "zst":
        return io.BufferedReader(_ZstdReader(path.open("rb")), buffer_size=1 << 16)
    return path.open("rb")


class _ZstdReader(io.RawIOBase):
    """Decompressed bytes of a ``.zst`` file, frame after frame; a file cut inside a frame is an error.

    (zstandard's own ``stream_reader`` ends quietly at a truncated frame, which would lose rows unseen.)
    """

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self._raw, self._new = raw, zstandard.ZstdDecompressor().decompressobj
        self._dobj = self._new()
        self._pending = b""
        self._in_frame = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            data = self._raw.read(1 << 16)
            if not data:
                if self._in_frame:
                    raise EOFError("zstd stream ended inside a frame (truncated file?)")
                return 0
            while data:
                self._in_frame = True
                self._pending += self._dobj.decompress(data)
                if not self._dobj.eof:
                    break
                data, self._dobj, self._in_frame = self._dobj.unused_data, self._new(), False
        size = min(len(buffer), len(self._pending))
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_write(path: Path, kind: str | None) -> IO[bytes]:
    """A binary stream that compresses like ``kind`` (None, "gz", "zst") into ``path``."""
    if kind == "gz":
        # mtime=0: the same input gives byte-identical output, run after run
        raw = path.open("wb")
        stream = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
        stream.myfileobj = raw  # type: ignore[assignment]  # closed with the stream, as gzip.open does
        return stream  # type: ignore[return-value]
    if kind == "zst":
        import zstandard

        return zstandard.ZstdCompressor(level=3).stream_writer(path.open("wb"), closefd=True)  # type: ignore[return-value]
    return path.open("wb")


@dataclass(frozen=True)
class Fields:
    """Which JSON fields hold the text, the document id and the url."""

    text: str = "text"
    id: str = "id"
    url: str = "url"


class RecordError(ValueError):
    """A line that holds no usable document; ``doc_id`` is the best id known for it."""

    def __init__(self, doc_id: str | None, message: str) -> None:
        super().__init__(message)
        self.doc_id = doc_id


@dataclass(frozen=True)
class Record:
    """One parsed line: its document, and where the text value sits in the line."""

    line: str
    doc_id: str | None
    text: str
    url: str | None
    start: int
    end: int

    def with_text(self, text: str) -> bytes:
        """The original line (with a newline) with only the text value replaced."""
        if text == self.text:
            value = self.line[self.start : self.end]
        else:
            value = json.dumps(text, ensure_ascii=False)
        out = self.line[: self.start] + value + self.line[self.end :] + "\n"
        try:
            return out.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: keep it as the \\udXXX escape it came in as
            return (self.line[: self.start] + json.dumps(text) + self.line[self.end :] + "\n").encode("utf-8")


def members(line: str) -> dict[str, tuple[Any, int, int]]:
    """Top-level key -> (value, start, end) of a JSON object line; ``ValueError`` when it is not one.

    >>> members('{"a": 1e400, "text": "x\\\\u00e9"}')["text"]
    ('xé', 21, 30)
    """
    pos = len(_BOM) if line.startswith(_BOM) else 0
    pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    if line[pos : pos + 1] != "{":
        raise RecordError(None, "not a JSON object")
    found: dict[str, tuple[Any, int, int]] = {}
    pos = _WS.match(line, pos + 1).end()  # type: ignore[union-attr]
    if line[pos : pos + 1] == "}":
        pos += 1
    else:
        while True:
            if line[pos : pos + 1] != '"':
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", line, pos)
            key, pos = scanstring(line, pos + 1, True)
            pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
            if line[pos : pos + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", line, pos)
            start = _WS.match(line, pos + 1).end()  # type: ignore[union-attr]
            value, end = _DECODER.raw_decode(line, start)
            found[key] = (value, start, end)  # a repeated key: the last one counts, as in json.loads
            pos = _WS.match(line, end).end()  # type: ignore[union-attr]
            if line[pos : pos + 1] == ",":
                pos = _WS.match(line, pos + 1).end()  # type: ignore[union-attr]
                continue
            if line[pos : pos + 1] != "}":
                raise json.JSONDecodeError("Expecting ',' delimiter", line, pos)
            pos += 1
            break
    pos = _WS.match(line, pos).end()  # type: ignore[union-attr]
    if pos != len(line):
        raise json.JSONDecodeError("Extra data", line, pos)
    return found


def parse(payload: bytes, fields: Fields) -> Record:
    """A line's document; ``RecordError`` (with the id when there is one) for anything unusable."""
    try:
        line = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(None, f"not UTF-8 at byte {exc.start}") from None
    try:
        found = members(line)
    except RecordError:
        raise
    except RecursionError:
        raise RecordError(None, "malformed JSON (nested too deep)") from None
    except ValueError as exc:
        raise RecordError(None, f"malformed JSON ({exc})") from None
    raw_id = found.get(fields.id, (None, 0, 0))[0]
    doc_id = str(raw_id) if raw_id is not None and not isinstance(raw_id, (dict, list)) else None
    if isinstance(raw_id, (dict, list)):
        doc_id = line[found[fields.id][1] : found[fields.id][2]]
    if fields.text not in found:
        raise RecordError(doc_id, f"field '{fields.text}' is missing")
    text, start, end = found[fields.text]
    if not isinstance(text, str) or line[start] != '"':
        raise RecordError(doc_id, f"field '{fields.text}' is not a string ({_json_type(text, line[start])})")
    url = found.get(fields.url, (None, 0, 0))[0]
    is_string_url = isinstance(url, str) and line[found[fields.url][1]] == '"'
    return Record(line, doc_id, text, url if is_string_url else None, start, end)


def _json_type(value: Any, first: str) -> str:
    """The Python name of a JSON value's type, as the old messages gave it (numbers are parsed as text)."""
    if first == "-" or first.isdigit():
        return "float" if any(c in value for c in ".eE") else "int"
    if first in "tf":
        return "bool"
    if first == "n":
        return "NoneType"
    return type(value).__name__


def lines_in(path: Path, size: int, on_error: Callable[[int, str], None]) -> Iterator[tuple[int, bytes]]:
    """(first line number, block of whole lines) of about ``size`` bytes, decompressed.

    A read error (truncated gzip, corrupt zstd frame, disk error) ends the file: the
    lines read so far are yielded, then ``on_error(first lost line, reason)`` is called.
    """
    from cleaner.formats import READ_ERRORS, read_error

    line_no, carry = 1, b""
    try:
        with open_read(path) as stream:
            for chunk in _chunks(stream, size):
                data = carry + chunk
                cut = data.rfind(b"\n") + 1
                if cut == 0:  # one line longer than a block: keep reading it
                    carry = data
                    continue
                block, carry = data[:cut], data[cut:]
                yield line_no, block
                line_no += block.count(b"\n")
    except READ_ERRORS as exc:
        on_error(line_no, read_error(exc))
        return
    if carry:
        yield line_no, carry


def _chunks(stream: IO[bytes], size: int) -> Iterator[bytes]:
    """About ``size`` bytes at a time, gathered with ``read1``; a read error comes after what came first.

    (``read(size)`` of a truncated gzip stream raises and drops everything it had decompressed.)
    """
    parts: list[bytes] = []
    got = 0
    while True:
        try:
            part = stream.read1(1 << 16)  # type: ignore[attr-defined]
        except BaseException:
            if parts:
                yield b"".join(parts)
            raise
        if not part:
            break
        parts.append(part)
        got += len(part)
        if got >= size:
            yield b"".join(parts)
            parts, got = [], 0
    if parts:
        yield b"".join(parts)
