"""Many documents: worker processes, bounded streaming, ordered output, report, ledger, resume.

An input file is a *unit*: a text file is one document, a JSONL file one
document per line. Units are read in order and cut into batches of raw bytes;
workers decode, parse and clean them (the CPU work), and results come back in
submission order through a bounded window, so memory does not grow with the
corpus and the output is the same whatever ``jobs`` is. Each unit's output is
written to a temporary file and renamed when complete, which makes a killed
run leave no partial file and lets ``resume`` skip every output that exists.
Nothing is lost: a document that fails is reported in ``errors.jsonl`` with
its id, source and reason, and the run goes on.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.errors import CleanerError, InputError, RuleTimeoutError
from cleaner.io import decode_bytes, write_text_atomic
from cleaner.pipeline import Pipeline
from cleaner.report import DocOutcome, RunReport
from cleaner.streams import compression, is_jsonl, open_read, open_write

ERRORS_FILE = "errors.jsonl"


@dataclass(frozen=True)
class RunOptions:
    """How to run over a corpus. Every field has a default that suits a plain text tree."""

    output: Path | None = None
    jobs: int = 1
    text_field: str = "text"
    id_field: str = "id"
    url_field: str = "url"
    resume: bool = False
    dry_run: bool = False
    ledger: Path | None = None
    report: Path | None = None
    #: A batch closes at this many documents or bytes, whichever comes first.
    batch_docs: int = 64
    batch_bytes: int = 1 << 20


@dataclass(frozen=True)
class Unit:
    """One input file and where its output goes."""

    source: Path
    relative: Path
    jsonl: bool


@dataclass
class _Batch:
    unit: int
    kind: str  # "txt" | "jsonl"
    name: str
    first_line: int = 1
    payloads: list[bytes] = field(default_factory=list)
    last: bool = False
    #: Set when the unit could not even be read: it becomes one failed document.
    error: str | None = None
    nbytes: int = 0


def discover(inputs: list[Path], pattern: str | None = None) -> list[Unit]:
    """Files and directories -> units, directories walked recursively in sorted order.

    Without ``pattern`` a directory contributes its ``*.txt`` and JSONL files.
    """
    units: list[Unit] = []
    for item in inputs:
        if item.is_dir():
            for file in sorted(p for p in item.rglob(pattern or "*") if p.is_file()):
                if file.name.startswith(".") or file.name == ERRORS_FILE:
                    continue
                if pattern is None and not (file.suffix == ".txt" or is_jsonl(file)):
                    continue
                units.append(Unit(file, file.relative_to(item), is_jsonl(file)))
        elif item.is_file():
            units.append(Unit(item, Path(item.name), is_jsonl(item)))
        else:
            raise InputError(f"{item}: no such file or directory")
    seen: dict[Path, Path] = {}
    for unit in units:
        if unit.relative in seen:
            raise InputError(f"{unit.source} and {seen[unit.relative]} would both write {unit.relative}")
        seen[unit.relative] = unit.source
    return units


# -- worker side --------------------------------------------------------------------------------

_PIPELINE: Pipeline | None = None
_OPTIONS: RunOptions | None = None


def _init_worker(pipeline: Pipeline, options: RunOptions) -> None:
    global _PIPELINE, _OPTIONS  # noqa: PLW0603 - one pipeline per worker process, built once
    _PIPELINE, _OPTIONS = pipeline, options


def _clean_batch(batch: _Batch) -> list[tuple[bytes | None, DocOutcome]]:
    assert _PIPELINE is not None and _OPTIONS is not None
    results = []
    for offset, payload in enumerate(batch.payloads):
        if batch.kind == "txt":
            results.append(_clean_text_doc(batch.name, payload))
        else:
            results.append(_clean_json_doc(batch.name, batch.first_line + offset, payload))
    return results


def _outcome(doc_id: str, source: str, result: Any, chars_in: int, ledger: bool) -> DocOutcome:
    outcome = DocOutcome(
        id=doc_id,
        source=source,
        chars_in=chars_in,
        chars_out=len(result.text),
        removed_fraction=result.removed_fraction,
        flagged=result.flagged,
        rule_sets=result.rule_sets,
    )
    for removal in result.removals:
        lines = removal.last_line - removal.first_line + 1
        outcome.rule_lines[removal.rule_id] = outcome.rule_lines.get(removal.rule_id, 0) + lines
        outcome.rule_chars[removal.rule_id] = outcome.rule_chars.get(removal.rule_id, 0) + len(removal.text)
        if ledger:
            outcome.ledger.append({"id": doc_id, **removal.to_dict()})
    return outcome


def _clean(text: str, doc_id: str, url: str | None, path: str) -> Any:
    assert _PIPELINE is not None
    try:
        return _PIPELINE.clean(text, url=url, path=path)
    except RuleTimeoutError as exc:
        raise RuleTimeoutError(exc.rule_id, _PIPELINE.timeout, doc_id) from None


def _clean_text_doc(name: str, payload: bytes) -> tuple[bytes | None, DocOutcome]:
    assert _OPTIONS is not None
    try:
        text = decode_bytes(payload, name)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        result = _clean(text, name, None, name)
    except CleanerError as exc:
        return None, DocOutcome(id=name, source=name, error=str(exc))
    return result.text.encode("utf-8"), _outcome(name, name, result, len(text), _OPTIONS.ledger is not None)


def _clean_json_doc(name: str, line_no: int, payload: bytes) -> tuple[bytes | None, DocOutcome]:
    assert _OPTIONS is not None
    opts = _OPTIONS
    fallback_id = f"{name}:{line_no}"
    try:
        record = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, DocOutcome(id=fallback_id, source=name, error=f"line {line_no}: malformed JSON ({exc})")
    if not isinstance(record, dict):
        return None, DocOutcome(id=fallback_id, source=name, error=f"line {line_no}: not a JSON object")
    raw_id = record.get(opts.id_field)
    doc_id = str(raw_id) if raw_id is not None else fallback_id
    text = record.get(opts.text_field)
    if not isinstance(text, str):
        what = "missing" if text is None else f"not a string ({type(text).__name__})"
        return None, DocOutcome(id=doc_id, source=name, error=f"line {line_no}: field '{opts.text_field}' is {what}")
    url = record.get(opts.url_field)
    try:
        result = _clean(text, doc_id, url if isinstance(url, str) else None, name)
    except CleanerError as exc:
        return None, DocOutcome(id=doc_id, source=name, error=f"line {line_no}: {exc}")
    record[opts.text_field] = result.text  # every other field stays as it was, in order
    line = json.dumps(record, ensure_ascii=False) + "\n"
    return line.encode("utf-8"), _outcome(doc_id, name, result, len(text), opts.ledger is not None)


# -- parent side --------------------------------------------------------------------------------


def _batches(units: list[Unit], todo: list[int], options: RunOptions) -> Iterator[_Batch]:
    for index in todo:
        unit = units[index]
        name = str(unit.relative)
        if not unit.jsonl:
            try:
                yield _Batch(index, "txt", name, payloads=[unit.source.read_bytes()], last=True)
            except OSError as exc:
                yield _Batch(index, "txt", name, last=True, error=f"{unit.source}: cannot read ({exc.strerror})")
            continue
        batch = _Batch(index, "jsonl", name)
        size = 0
        try:
            stream = open_read(unit.source)
        except OSError as exc:
            yield _Batch(index, "jsonl", name, last=True, error=f"{unit.source}: cannot read ({exc.strerror})")
            continue
        with stream:
            for line_no, line in enumerate(stream, 1):
                if not line.strip():
                    continue  # blank lines carry no document
                if not batch.payloads:
                    batch.first_line = line_no
                if batch.payloads and line_no != batch.first_line + len(batch.payloads):
                    yield batch
                    batch, size = _Batch(index, "jsonl", name, first_line=line_no), 0
                batch.payloads.append(line)
                size += len(line)
                if len(batch.payloads) >= options.batch_docs or size >= options.batch_bytes:
                    yield batch
                    batch, size = _Batch(index, "jsonl", name), 0
        batch.last = True
        yield batch


def _run_batch(batch: _Batch) -> list[tuple[bytes | None, DocOutcome]]:
    if batch.error is not None:
        return [(None, DocOutcome(id=batch.name, source=batch.name, error=batch.error))]
    return _clean_batch(batch)


def _ordered(batches: Iterator[_Batch], options: RunOptions, pipeline: Pipeline) -> Iterator[tuple[_Batch, list[tuple[bytes | None, DocOutcome]]]]:  # noqa: E501
    """Results in submission order, with at most a few batches per worker in flight."""
    if options.jobs <= 1:
        _init_worker(pipeline, options)
        for batch in batches:
            batch.nbytes = sum(len(p) for p in batch.payloads)
            yield batch, _run_batch(batch)
        return
    # fork: workers start at once and inherit the pipeline, and a caller's __main__ (a notebook, a
    # script on stdin) need not be importable, as spawn and forkserver require. Workers use nothing
    # a parent thread (the progress bar) could be holding.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(options.jobs, initializer=_init_worker, initargs=(pipeline, options)) as pool:
        window: deque[tuple[_Batch, Any]] = deque()
        for batch in batches:
            nbytes = sum(len(p) for p in batch.payloads)
            meta = _Batch(batch.unit, batch.kind, batch.name, batch.first_line, [], batch.last, batch.error, nbytes)
            window.append((meta, pool.apply_async(_run_batch, (batch,))))
            if len(window) >= options.jobs * 4:
                done, future = window.popleft()
                yield done, future.get()
        while window:
            done, future = window.popleft()
            yield done, future.get()


class _UnitWriter:
    """Writes one unit's output to a temporary file; ``commit`` renames it into place."""

    def __init__(self, target: Path, kind: str | None) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        self.target, self.tmp = target, Path(tmp)
        self.stream: IO[bytes] = open_write(self.tmp, kind)

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def commit(self) -> None:
        self.stream.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        self.stream.close()
        self.tmp.unlink(missing_ok=True)


def run(
    inputs: list[Path],
    pipeline: Pipeline,
    options: RunOptions,
    pattern: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Clean every document of ``inputs`` into ``options.output``; report what happened."""
    units = discover(inputs, pattern)
    report = RunReport()
    out = options.output
    writing = out is not None and not options.dry_run
    previous_errors = _read_errors(out / ERRORS_FILE) if (writing and options.resume) else []
    todo = []
    kept_errors = []
    for index, unit in enumerate(units):
        if writing and options.resume and (out / unit.relative).exists():  # type: ignore[operator]
            report.skipped_units += 1
            kept_errors += [e for e in previous_errors if e.get("source") == str(unit.relative)]
            continue
        todo.append(index)
    if writing and options.resume:
        for stale in out.rglob(".*.tmp"):  # type: ignore[union-attr]
            stale.unlink(missing_ok=True)

    ledger = _UnitWriter(options.ledger, None) if options.ledger and not options.dry_run else None
    writer: _UnitWriter | None = None
    errors: list[dict[str, Any]] = []
    try:
        for batch, results in _ordered(_batches(units, todo, options), options, pipeline):
            unit = units[batch.unit]
            if writing and writer is None:
                kind = compression(unit.source) if unit.jsonl else None
                writer = _UnitWriter(out / unit.relative, kind)  # type: ignore[operator]
            for data, outcome in results:
                report.add(outcome)
                if outcome.error is not None:
                    errors.append({"id": outcome.id, "source": outcome.source, "error": outcome.error})
                elif writer is not None and data is not None:
                    writer.write(data)
                if ledger is not None:
                    for entry in outcome.ledger:
                        ledger.write((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
            report.bytes_in += batch.nbytes
            if progress is not None:
                progress(report.documents, report.bytes_in)
            if batch.last and writer is not None:
                if unit.jsonl or any(d is not None for d, _ in results):
                    writer.commit()
                else:
                    writer.abort()  # a text file that failed has no output; errors.jsonl says why
                writer = None
    except BaseException:
        if writer is not None:
            writer.abort()
        if ledger is not None:
            ledger.abort()
        raise
    if ledger is not None:
        ledger.commit()
    if writing:
        _write_errors(out / ERRORS_FILE, kept_errors + errors)  # type: ignore[operator]
    if options.report is not None and not options.dry_run:
        write_text_atomic(options.report, json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    return report


def _read_errors(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries


def _write_errors(path: Path, entries: list[dict[str, Any]]) -> None:
    if entries:
        write_text_atomic(path, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries))
    else:
        path.unlink(missing_ok=True)
