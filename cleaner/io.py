"""Reading raw scraped files and writing clean ones.

Bytes are decoded once: a BOM decides when there is one (UTF-8, UTF-16,
UTF-32); valid UTF-8 is taken as UTF-8; anything else is handed to
charset-normalizer, which knows GB18030, Big5, Shift-JIS and the rest far
better than a hand-written guess. Bytes that no encoding explains are an
``InputError``, never silently replaced. Outputs are UTF-8, written to a
temporary file and renamed, so a killed run never leaves half a file.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import InputError
from cleaner.streams import is_jsonl

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode a raw file's bytes; raise ``InputError`` naming ``name`` when nothing fits."""
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
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only needed for the rare non-UTF-8 file

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: cannot decode: not UTF-8 and no known encoding fits")
    return str(best)


def read_text(path: Path) -> str:
    """A text file's content, decoded once; universal newlines, like ``open()`` in text mode."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text = decode_bytes(data, str(path))
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


class AtomicFile:
    """A file written beside its target under a temporary name; ``commit`` renames it into place.

    A killed writer leaves only a hidden ``.NAME.*.tmp`` file, never a partial output.
    Subclasses open their own stream on ``self.tmp`` and close it in ``_close``.
    """

    def __init__(self, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        self.target, self.tmp = target, Path(tmp)

    def _close(self) -> None:
        """Close whatever stream writes ``self.tmp``."""

    def commit(self) -> None:
        self._close()
        os.chmod(self.tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        self._close()
        self.tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text via a temporary file in the same directory and a rename."""
    out = AtomicFile(path)
    try:
        out.tmp.write_text(text, encoding="utf-8", newline="\n")
    except BaseException:
        out.abort()
        raise
    out.commit()


#: Written next to a run's outputs; never taken as an input.
ERRORS_FILE = "errors.jsonl"


@dataclass(frozen=True)
class Unit:
    """One input file and where its output goes (its path relative to the input it came from)."""

    source: Path
    relative: Path
    jsonl: bool
    parquet: bool = False


def discover(inputs: list[Path], pattern: str | None = None) -> list[Unit]:
    """Files and directories -> units, directories walked recursively in sorted order.

    Without ``pattern`` a directory contributes its ``*.txt``, ``*.parquet`` and JSONL files.
    Two inputs that would write the same output path are an error.
    """
    units: list[Unit] = []
    for item in inputs:
        if item.is_dir():
            for file in sorted(p for p in item.rglob(pattern or "*") if p.is_file()):
                if file.name.startswith(".") or file.name == ERRORS_FILE:
                    continue
                if pattern is None and not (file.suffix in (".txt", ".parquet") or is_jsonl(file)):
                    continue
                units.append(Unit(file, file.relative_to(item), is_jsonl(file), file.suffix == ".parquet"))
        elif item.is_file():
            units.append(Unit(item, Path(item.name), is_jsonl(item), item.suffix == ".parquet"))
        else:
            raise InputError(f"{item}: no such file or directory")
    seen: dict[Path, Path] = {}
    for unit in units:
        if unit.relative in seen:
            raise InputError(f"{unit.source} and {seen[unit.relative]} would both write {unit.relative}")
        seen[unit.relative] = unit.source
    return units
