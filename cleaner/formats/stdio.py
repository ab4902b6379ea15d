"""stdin and stdout: the same detection as files, and write errors as one line.

stdin is read whole (detection needs the bytes) and handed to the runner as
a unit over a temporary file, so it gets exactly what a file gets: encoding
detection for text, one document per line for JSONL, a report, a ledger,
``-o``. JSONL on stdin is recognised by its first line (a JSON object) or
chosen with ``--format jsonl``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cleaner.errors import OutputError
from cleaner.formats import Doc
from cleaner.formats.jsonl import Fields, members
from cleaner.io import Unit

#: What is read of stdin to tell JSONL from text.
PEEK_BYTES = 1 << 16


def detect_kind(data: bytes) -> str:
    """``"jsonl"`` when the first non-blank line is a JSON object, else ``"txt"``.

    >>> detect_kind(b'\\n{"text": "a"}\\n{"text": "b"}\\n'), detect_kind(b"{not json}\\n")
    ('jsonl', 'txt')
    """
    for line in data.split(b"\n", 64)[:64]:
        if line.strip():
            try:
                members(line.decode("utf-8"))
            except (ValueError, RecursionError):
                return "txt"
            return "jsonl"
    return "txt"


@contextmanager
def stdin_unit(stream: IO[bytes], kind: str = "auto") -> Iterator[Unit]:
    """stdin as a unit named ``stdin.txt`` or ``stdin.jsonl``; the temporary copy goes afterwards.

    Only the first block is held to decide the kind; the rest is copied through in chunks,
    so a corpus piped in does not have to fit in memory.
    """
    head = stream.read(PEEK_BYTES)
    if kind == "auto":
        kind = detect_kind(head)
    with tempfile.TemporaryDirectory(prefix="cleaner-stdin-") as tmp:
        path = Path(tmp) / f"stdin.{kind}"
        with path.open("wb") as copy:
            copy.write(head)
            shutil.copyfileobj(stream, copy, 1 << 20)
        yield Unit(path, Path(path.name), kind == "jsonl", False, None)


@contextmanager
def stdout_errors() -> Iterator[None]:
    """A failed write to stdout (a full disk, ``/dev/full``, a closed pipe) as one ``OutputError`` line.

    stdout is then pointed at ``/dev/null``, so Python's own flush at exit cannot add a traceback.
    """
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass  # not a real file descriptor (a test runner's buffer): nothing will flush it
        raise OutputError(f"stdout: cannot write ({exc.strerror or exc})") from None


@contextmanager
def documents_of(items: list[str], pattern: str | None = None, fields: Fields | None = None) -> Iterator[Iterator[Doc]]:
    """The documents of command-line inputs (files, directories, globs, ``-``), whatever their format.

    What every command but ``clean`` reads through (``clean`` streams units to workers):

    >>> with documents_of(["-"]) as docs: ...                            # doctest: +SKIP
    """
    from cleaner.formats import documents
    from cleaner.io import discover

    if "-" in items:
        if items != ["-"]:
            from cleaner.errors import InputError

            raise InputError("'-' (stdin) cannot be combined with other inputs")
        with stdin_unit(sys.stdin.buffer) as unit:
            yield documents([unit], fields)
        return
    yield documents(discover([Path(item) for item in items], pattern), fields)
