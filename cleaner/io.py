"""Finding the inputs, choosing where their outputs go, and writing files atomically.

Nothing here may destroy data: an output that would land on an input, or an
output tree inside (or around) an input tree, is refused unless ``in_place``
says so; outputs are written to a temporary file and renamed, so a killed
run never leaves half a file; and every failure to write is one
``OutputError`` line naming the path, never a traceback.
"""

from __future__ import annotations

import glob as globbing
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import InputError, OutputError
from cleaner.formats import kind_of
from cleaner.formats.txt import decode_bytes, read_text

__all__ = [
    "ERRORS_FILE",
    "AtomicFile",
    "Unit",
    "decode_bytes",
    "discover",
    "output_is_file",
    "read_text",
    "refuse_overwrite",
    "write_text_atomic",
]  # fmt: skip

_UMASK = os.umask(0o022)
os.umask(_UMASK)

_MAGIC = frozenset("*?[")


class AtomicFile:
    """A file written beside its target under a temporary name; ``commit`` renames it into place.

    A killed writer leaves only a hidden ``.NAME.*.tmp`` file, never a partial output.
    Subclasses open their own stream on ``self.tmp`` and close it in ``_close``.
    """

    def __init__(self, target: Path) -> None:
        try:
            if target.is_dir():
                raise OutputError(f"{target}: is a directory")
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
        os.close(fd)
        self.target, self.tmp = target, Path(tmp)

    def _close(self) -> None:
        """Close whatever stream writes ``self.tmp``."""

    def commit(self) -> None:
        try:
            self._close()
            os.chmod(self.tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.tmp.unlink(missing_ok=True)
            raise OutputError(f"{self.target}: cannot write ({exc.strerror})") from None

    def abort(self) -> None:
        try:
            self._close()
        except OSError:
            pass  # a full disk fails the close too; the file goes anyway
        self.tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text via a temporary file in the same directory and a rename."""
    out = AtomicFile(path)
    try:
        out.tmp.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        out.abort()
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
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
    #: The directory, glob root or file this unit was found under (what the output must not touch).
    root: Path | None = None

    @property
    def kind(self) -> str:
        return "jsonl" if self.jsonl else "parquet" if self.parquet else "txt"


def _unit(file: Path, relative: Path, root: Path) -> Unit:
    kind = kind_of(file)
    return Unit(file, relative, kind == "jsonl", kind == "parquet", root)


def _hidden(relative: Path) -> bool:
    """Dot-files and anything under a dot-directory (``.cleaner/`` run state, temporary files)."""
    return any(part.startswith(".") for part in relative.parts)


def glob_root(pattern: str) -> Path:
    """The directory a glob's matches are relative to: its leading parts without a wildcard.

    >>> str(glob_root("dumps/**/part-*.jsonl.zst"))
    'dumps'
    """
    parts = Path(pattern).parts
    lead = [p for p in _takewhile_plain(parts)]
    return Path(*lead) if lead else Path(".")


def _takewhile_plain(parts: tuple[str, ...]) -> list[str]:
    out = []
    for part in parts[:-1]:  # the last part names files, even without a wildcard
        if _MAGIC & set(part):
            break
        out.append(part)
    return out


def discover(inputs: list[Path], pattern: str | None = None) -> list[Unit]:
    """Files, directories and globs -> units, directories walked recursively in sorted order.

    Without ``pattern`` a directory contributes its ``*.txt``, ``*.parquet`` and JSONL files.
    A glob's matches keep their path below the glob's root (``dumps/**/x.jsonl`` -> ``2024/x.jsonl``).
    Two inputs that would write the same output path are an error.
    """
    if pattern is not None and (Path(pattern).is_absolute() or ".." in Path(pattern).parts):
        raise InputError(f"--glob '{pattern}': must be relative (it is matched under each input directory)")
    units: list[Unit] = []
    for item in inputs:
        if item.is_dir():
            for file in sorted(p for p in item.rglob(pattern or "*") if p.is_file()):
                relative = file.relative_to(item)
                if _hidden(relative) or relative == Path(ERRORS_FILE):
                    continue
                if pattern is None and kind_of(file) == "txt" and file.suffix != ".txt":
                    continue
                units.append(_unit(file, relative, item))
        elif item.is_file():
            units.append(_unit(item, Path(item.name), item))
        elif not item.exists() and _MAGIC & set(str(item)):
            root = glob_root(str(item))
            matches = sorted(Path(m) for m in globbing.glob(str(item), recursive=True))
            files = [m for m in matches if m.is_file() and not _hidden(m.relative_to(root))]
            if not files:
                raise InputError(f"{item}: no file matches")
            units += [_unit(m, m.relative_to(root), root) for m in files]
        elif item.exists():
            raise InputError(f"{item}: not a regular file or directory")
        else:
            raise InputError(f"{item}: no such file" + ("" if item.suffix else " or directory"))
    seen: dict[Path, Path] = {}
    for unit in units:
        if unit.relative in seen:
            raise InputError(f"{unit.source} and {seen[unit.relative]} would both write {unit.relative}")
        seen[unit.relative] = unit.source
    return units


def output_is_file(inputs: list[Path], units: list[Unit], output: Path) -> bool:
    """Whether ``-o`` names one output file rather than a directory to mirror the inputs in.

    It does when there is one input file and ``output`` is an existing file, or does not exist
    and ends like the input (``-o clean.jsonl`` for ``raw.jsonl.gz``, ``-o clean.txt`` for ``raw.txt``).
    """
    single = len(inputs) == 1 and len(units) == 1 and inputs[0].is_file()
    try:
        mode = output.stat().st_mode
    except FileNotFoundError:
        return single and kind_of(output) == units[0].kind and (units[0].kind != "txt" or output.suffix == ".txt")
    except OSError as exc:
        raise OutputError(f"{output}: cannot write ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        return False
    if not stat.S_ISREG(mode):
        raise OutputError(f"{output}: not a regular file or directory; -o takes a directory or a file")
    if single and kind_of(output) == units[0].kind:
        return True
    raise OutputError(f"{output}: exists and is not a directory (-o FILE takes one input file of the same kind)")


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def refuse_overwrite(units: list[Unit], output: Path, output_file: bool, in_place: bool, extra: list[Path]) -> None:
    """``OutputError`` when writing would replace an input, unless ``in_place`` asks for exactly that.

    ``extra`` are the other files a run writes (``--report``, ``--ledger``): those may never be inputs.
    """
    out = output.resolve()
    sources = {unit.source.resolve(): unit for unit in units}
    for path in extra:
        if path.resolve() in sources:
            raise OutputError(f"{path}: is an input; refusing to overwrite it")
    if not output_file:
        roots = {unit.root.resolve(): unit.root for unit in units if unit.root is not None and unit.root.is_dir()}
        for resolved, root in sorted(roots.items()):
            if out == resolved:
                if in_place:
                    continue
                raise OutputError(
                    f"{output}: is the input directory {root}; choose another -o (or --in-place to replace the inputs)"
                )
            if _inside(out, resolved):
                raise OutputError(f"{output}: output directory is inside the input directory {root}; choose another -o")
            if _inside(resolved, out):
                raise OutputError(f"{output}: output directory contains the input directory {root}; choose another -o")
    for unit in units:
        target = out if output_file else out / unit.relative
        if not in_place and target.resolve() == unit.source.resolve():
            raise OutputError(
                f"{output}: would overwrite the input {unit.source}; choose another -o (or --in-place to replace it)"
            )


def check_file_target(path: Path) -> None:
    """``OutputError`` unless ``path`` can become a file (``--report``, ``--ledger``, ``explain -o``)."""
    if path.is_dir():
        raise OutputError(f"{path}: is a directory")
    if path.exists() and not path.is_file():  # a device or a FIFO: renaming over it would replace it
        raise OutputError(f"{path}: not a regular file")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{path}: cannot write ({parent} is not a directory)")

