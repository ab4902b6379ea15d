"""Plain text: one document per file (or per stdin), decoded once.

A BOM decides when there is one (UTF-8, UTF-16, UTF-32); valid UTF-8 is
UTF-8; anything else is handed to charset-normalizer, which knows GB18030,
Big5, Shift-JIS and the rest far better than a hand-written guess. It cannot
know them from a handful of bytes, though (8 bytes of GBK read as Korean,
a French line as cp1250), so an input shorter than :data:`MIN_DETECT_BYTES`
that is not UTF-8 is reported, never guessed; so is UTF-8 cut inside its
last character. Bytes that no encoding explains are an ``InputError``,
never silently replaced.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from cleaner.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Below this many bytes a non-UTF-8 input is too short for detection to be more than a guess.
MIN_DETECT_BYTES = 64


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode a raw file's bytes; raise ``InputError`` naming ``name`` when nothing fits.

    >>> decode_bytes("标题".encode("gbk"), "a.txt")
    Traceback (most recent call last):
    ...
    cleaner.errors.InputError: a.txt: not UTF-8, and 4 bytes are too few to tell the encoding (add a BOM or convert it)
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: not valid {encoding} despite its byte-order mark ({exc.reason})") from None
    head = data[:8192]
    if head.count(b"\x00") * 10 > len(head):  # text has a stray NUL at most; binaries are full of them
        raise InputError(f"{name}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3 and _utf8(data[: exc.start]):
            raise InputError(f"{name}: UTF-8 cut off inside its last character (truncated file?)") from None
    if len(data) < MIN_DETECT_BYTES:
        raise InputError(
            f"{name}: not UTF-8, and {len(data)} bytes are too few to tell the encoding (add a BOM or convert it)"
        )
    import charset_normalizer  # only needed for the rare non-UTF-8 file

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: cannot decode: not UTF-8 and no known encoding fits")
    return str(best)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def universal_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` as ``\\n``, like ``open()`` in text mode."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_text(path: Path) -> str:
    """A text file's content, decoded once; universal newlines."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return universal_newlines(decode_bytes(data, str(path)))
