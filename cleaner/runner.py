"""Many documents: worker processes, bounded streaming, ordered output, report, ledger, resume.

An input file is a *unit*: a text file is one document, a JSONL file one
document per line, a parquet file one per row. What a format is lives in
:mod:`cleaner.formats`; this module only schedules, counts and resumes.
Units are read in order and cut into blocks at line ends (record batches for
parquet); workers parse and clean them (all the per-document work) and hand
back one output blob and one partial report per block, which come back in
submission order through a bounded window. The parent only reads, writes and
adds up, so memory does not grow with the corpus, two workers get two cores,
and the output is the same whatever ``jobs`` is.

Nothing is lost and nothing is overwritten: outputs never replace inputs
(:func:`cleaner.io.refuse_overwrite`); each unit's output is written to a
temporary file and renamed when complete; a document that fails is reported
in ``errors.jsonl`` with its id, source and reason and the run goes on; a
read error in the middle of a compressed file keeps the lines before it and
reports the rest as lost; and the run journal (:mod:`cleaner.journal`) lets
``resume`` give the report, errors and ledger of the whole run after a crash.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cleaner.errors import CleanerError, InputError, OutputError, RuleTimeoutError
from cleaner.formats import READ_ERRORS, jsonl, parquet
from cleaner.formats.txt import decode_bytes, universal_newlines
from cleaner.io import (
    ERRORS_FILE,
    AtomicFile,
    Unit,
    check_file_target,
    discover,
    output_is_file,
    refuse_overwrite,
    write_text_atomic,
)  # fmt: skip
from cleaner.journal import Journal
from cleaner.pipeline import Pipeline
from cleaner.report import DocOutcome, RunReport


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
    #: JSONL is shipped to workers in blocks of about this many bytes (whole lines).
    batch_bytes: int = 1 << 18
    #: Allow outputs to replace their inputs (``-o`` equal to the input file or directory).
    in_place: bool = False

    @property
    def fields(self) -> jsonl.Fields:
        return jsonl.Fields(self.text_field, self.id_field, self.url_field)


#: Records looked at before a run starts, to catch a mistyped ``--text-field`` at once.
FIELD_CHECK_RECORDS = 20


@dataclass(frozen=True)
class RunProgress:
    """Sent to the progress display after every batch: counts so far and the totals known at the start.

    ``bytes_done`` counts input bytes on disk: a plain file advances batch by batch, a
    compressed one (whose size on disk says nothing of what is read) when it is finished.
    """

    documents: int
    failed: int
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int


@dataclass
class _Batch:
    """A block of one unit: a whole text file, whole JSONL lines from ``first_line``, or parquet rows."""

    unit: int
    kind: str
    name: str
    data: bytes = b""
    first_line: int = 1
    last: bool = False
    #: Set when (the rest of) the unit could not be read: it becomes one failed document.
    error: str | None = None
    error_id: str | None = None
    #: For an error batch: whether the lines read before the error make an output worth keeping.
    keep: bool = False
    #: Parquet rows for the worker: (id, text or None, url or None).
    rows: list[parquet.Row] | None = None
    #: Parquet, kept by the parent only: the record batch the rows came from, and the file's schema.
    record_batch: Any = None
    schema: Any = None


@dataclass
class _BatchResult:
    """What a worker sends back for a batch: the output bytes, a partial report, ledger lines."""

    output: bytes
    report: RunReport
    ledger: bytes = b""
    #: False when a unit has no output (a text file that failed, a file that could not be read).
    wrote: bool = True
    #: Parquet: the clean text per row, None for a row that failed.
    texts: list[str | None] | None = None


# -- worker side --------------------------------------------------------------------------------

_PIPELINE: Pipeline | None = None
_OPTIONS: RunOptions | None = None
#: File descriptors a forked worker must not keep open (the run's lock).
_PARENT_FDS: list[int] = []


def _init_worker(pipeline: Pipeline, options: RunOptions) -> None:
    global _PIPELINE, _OPTIONS  # noqa: PLW0603 - one pipeline per worker process, built once
    _PIPELINE, _OPTIONS = pipeline, options


def _init_child(pipeline: Pipeline, options: RunOptions) -> None:
    """A worker process: Ctrl-C is the parent's to handle (it stops the pool), SIGTERM just ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for fd in _PARENT_FDS:
        try:
            os.close(fd)
        except OSError:
            pass
    _init_worker(pipeline, options)


@contextmanager
def _worker_signals() -> Iterator[None]:
    """While the pool forks: Ctrl-C ignored and SIGTERM fatal, as kernel dispositions the workers inherit.

    Set in the parent around the fork, not only in ``_init_child``: a worker that never gets
    to run Python (a lock held by another parent thread at fork time) would otherwise keep
    the parent's Python-level SIGTERM handler, ignore ``Pool.terminate`` and hang the run.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread; the caller owns them
        return
    saved = signal.signal(signal.SIGINT, signal.SIG_IGN), signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, saved[0] if saved[0] is not None else signal.SIG_DFL)
        signal.signal(signal.SIGTERM, saved[1] if saved[1] is not None else signal.SIG_DFL)


def _clean_batch(batch: _Batch) -> _BatchResult:
    assert _OPTIONS is not None
    report = RunReport()
    if batch.error is not None:
        report.add(DocOutcome(id=batch.error_id or batch.name, source=batch.name, error=batch.error))
        return _BatchResult(b"", report, wrote=batch.keep)
    if batch.rows is not None:
        return _clean_parquet_rows(batch, report)
    if batch.kind == "txt":
        output, outcome = _clean_text_doc(batch.name, batch.data)
        report.add(outcome)
        return _BatchResult(output or b"", report, _ledger_bytes([outcome]), wrote=output is not None)
    outputs, outcomes = [], []
    for offset, line in enumerate(batch.data.split(b"\n")):
        if not line.strip():
            continue  # blank lines carry no document
        output, outcome = _clean_json_doc(batch.name, batch.first_line + offset, line)
        report.add(outcome)
        outcomes.append(outcome)
        if output is None and _OPTIONS.in_place:
            output = line + b"\n"  # replacing the input: a line that failed stays as it was
        if output is not None:
            outputs.append(output)
    return _BatchResult(b"".join(outputs), report, _ledger_bytes(outcomes))


def _clean_parquet_rows(batch: _Batch, report: RunReport) -> _BatchResult:
    assert _OPTIONS is not None and batch.rows is not None
    texts: list[str | None] = []
    outcomes = []
    for offset, (doc_id, text, url) in enumerate(batch.rows):
        row = batch.first_line + offset
        if text is None:
            outcome = DocOutcome(id=doc_id, source=batch.name, error=f"row {row}: field '{_OPTIONS.text_field}' is missing or not a string")  # noqa: E501
            texts.append(parquet.KEEP_ROW if _OPTIONS.in_place else None)
        else:
            try:
                result = _clean(text, doc_id, url, batch.name)
            except CleanerError as exc:
                outcome = DocOutcome(id=doc_id, source=batch.name, error=f"row {row}: {exc}")
                texts.append(text if _OPTIONS.in_place else None)
            else:
                outcome = _outcome(doc_id, batch.name, result, len(text), _OPTIONS.ledger is not None)
                texts.append(result.text)
        report.add(outcome)
        outcomes.append(outcome)
    return _BatchResult(b"", report, _ledger_bytes(outcomes), texts=texts)


def json_line(entry: Any) -> bytes:
    """One JSON line in UTF-8; a lone surrogate (which UTF-8 cannot hold) is kept as its escape."""
    try:
        return (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(entry) + "\n").encode("utf-8")


def _ledger_bytes(outcomes: list[DocOutcome]) -> bytes:
    return b"".join(json_line(entry) for outcome in outcomes for entry in outcome.ledger)


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
    """One document through the pipeline; any failure is a ``CleanerError`` naming what went wrong."""
    assert _PIPELINE is not None
    try:
        return _PIPELINE.clean(text, url=url, path=path)
    except RuleTimeoutError as exc:
        raise exc.for_document(doc_id) from None
    except CleanerError:
        raise
    except RecursionError:
        raise InputError("too deeply nested to clean") from None
    except Exception as exc:  # noqa: BLE001 - one document's bug must not abort a corpus run; it is reported
        raise InputError(f"unexpected error ({type(exc).__name__}: {exc})") from None


def _clean_text_doc(name: str, payload: bytes) -> tuple[bytes | None, DocOutcome]:
    assert _OPTIONS is not None
    try:
        text = universal_newlines(decode_bytes(payload, name))
        result = _clean(text, name, None, name)
        output = result.text.encode("utf-8", "surrogateescape")
    except CleanerError as exc:
        return None, DocOutcome(id=name, source=name, error=str(exc))
    except UnicodeEncodeError:
        return None, DocOutcome(id=name, source=name, error=f"{name}: clean text holds a lone surrogate")
    return output, _outcome(name, name, result, len(text), _OPTIONS.ledger is not None)


def _clean_json_doc(name: str, line_no: int, payload: bytes) -> tuple[bytes | None, DocOutcome]:
    assert _OPTIONS is not None
    fallback_id = f"{name}:{line_no}"
    try:
        record = jsonl.parse(payload, _OPTIONS.fields)
    except jsonl.RecordError as exc:
        return None, DocOutcome(id=exc.doc_id or fallback_id, source=name, error=f"line {line_no}: {exc}")
    doc_id = record.doc_id or fallback_id
    try:
        result = _clean(record.text, doc_id, record.url, name)
    except CleanerError as exc:
        return None, DocOutcome(id=doc_id, source=name, error=f"line {line_no}: {exc}")
    outcome = _outcome(doc_id, name, result, len(record.text), _OPTIONS.ledger is not None)
    return record.with_text(result.text), outcome


# -- parent side --------------------------------------------------------------------------------


def _batches(units: list[Unit], todo: list[int], options: RunOptions) -> Iterator[_Batch]:
    for index in todo:
        unit = units[index]
        name = str(unit.relative)
        if unit.parquet:
            yield from _parquet_batches(index, unit, name, options)
        elif unit.jsonl:
            yield from _jsonl_batches(index, unit, name, options)
        else:
            try:
                data = unit.source.read_bytes()
            except OSError as exc:
                yield _Batch(index, "txt", name, last=True, error=f"{unit.source}: cannot read ({exc.strerror})")
            else:
                yield _Batch(index, "txt", name, data, last=True)


def _parquet_batches(index: int, unit: Unit, name: str, options: RunOptions) -> Iterator[_Batch]:
    """Record batches of a parquet file; each _Batch carries its rows and, for the parent, the batch."""
    import pyarrow as pa

    try:
        reader = parquet.open_file(unit.source, name, options.fields)
    except InputError as exc:
        yield _Batch(index, "parquet", name, last=True, error=str(exc))
        return
    pending = _Batch(index, "parquet", name, rows=[], schema=reader.schema_arrow)
    rows_read = 0
    try:
        for first_row, rows, record_batch in parquet.batches(reader, name, options.fields):
            yield pending
            pending = _Batch(index, "parquet", name, first_line=first_row, rows=rows, record_batch=record_batch)
            rows_read = first_row + len(rows)
    except (OSError, pa.ArrowException) as exc:
        yield pending
        rest = "the file is left as it was" if options.in_place else "the rows from there on are lost"
        message = f"{name}: read error at row {rows_read} ({exc}); {rest}"
        yield _Batch(index, "parquet", name, last=True, error=message, error_id=f"{name}:{rows_read}",
                     keep=not options.in_place)  # fmt: skip
        return
    pending.last = True
    yield pending


def _jsonl_batches(index: int, unit: Unit, name: str, options: RunOptions) -> Iterator[_Batch]:
    """Blocks of whole lines, about ``batch_bytes`` each; the last one is marked (or is a read error).

    After a read error the lines before it are kept, unless the output would replace the input.
    """
    size = options.batch_bytes
    failure: list[tuple[int, str]] = []
    pending: _Batch | None = None
    for first_line, block in jsonl.lines_in(unit.source, size, lambda line, why: failure.append((line, why))):
        if pending is not None:
            yield pending
        pending = _Batch(index, "jsonl", name, block, first_line=first_line)
    if failure:
        if pending is not None:
            yield pending
        line, why = failure[0]
        rest = "the file is left as it was" if options.in_place else "the lines from there on are lost"
        message = f"{name}: read error at line {line} ({why}); {rest}"
        yield _Batch(index, "jsonl", name, last=True, error=message, error_id=f"{name}:{line}",
                     keep=line > 1 and not options.in_place)  # fmt: skip
        return
    if pending is None:
        pending = _Batch(index, "jsonl", name, b"")
    pending.last = True
    yield pending


def _ordered(batches: Iterator[_Batch], options: RunOptions, pipeline: Pipeline) -> Iterator[tuple[_Batch, _BatchResult]]:  # noqa: E501
    """Results in submission order, with at most a few batches per worker in flight."""
    if options.jobs <= 1:
        _init_worker(pipeline, options)
        for batch in batches:
            yield batch, _clean_batch(batch)
        return
    # fork: workers start at once and inherit the pipeline, and a caller's __main__ (a notebook, a
    # script on stdin) need not be importable, as spawn and forkserver require. Workers use nothing
    # a parent thread (the progress bar) could be holding.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with _worker_signals():
        pool = context.Pool(options.jobs, initializer=_init_child, initargs=(pipeline, options))
    with pool:
        window: deque[tuple[_Batch, Any]] = deque()
        for batch in batches:
            meta = _Batch(batch.unit, batch.kind, batch.name, b"", batch.first_line, batch.last, batch.error,
                          batch.error_id, batch.keep, record_batch=batch.record_batch, schema=batch.schema)  # fmt: skip
            batch.record_batch = batch.schema = None  # the worker needs the rows only
            window.append((meta, pool.apply_async(_clean_batch, (batch,))))
            if len(window) >= options.jobs * 3:
                done, future = window.popleft()
                yield done, future.get()
        while window:
            done, future = window.popleft()
            yield done, future.get()


class _UnitWriter(AtomicFile):
    """Bytes out: a text file or a (possibly compressed) JSONL file."""

    def __init__(self, target: Path, kind: str | None) -> None:
        super().__init__(target)
        self.stream: IO[bytes] = jsonl.open_write(self.tmp, kind)

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except OSError as exc:  # a full disk: the run stops, with the file it could not write
            raise OutputError(f"{self.target}: cannot write ({exc.strerror})") from None

    def _close(self) -> None:
        self.stream.close()


class _ParquetUnitWriter(AtomicFile):
    """A parquet unit's cleaned record batches, with the input's schema."""

    def __init__(self, target: Path, schema: Any, text_field: str) -> None:
        super().__init__(target)
        self.writer = parquet.Writer(self.tmp, schema, text_field)

    def write_rows(self, record_batch: Any, texts: list[str | None]) -> None:
        try:
            self.writer.write_rows(record_batch, texts)
        except OSError as exc:
            raise OutputError(f"{self.target}: cannot write ({exc.strerror})") from None

    def _close(self) -> None:
        self.writer.close()


class _StreamSink:
    """JSONL (or one text) to an open binary stream, e.g. stdout: written as it comes, nothing to rename."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def commit(self) -> None:
        self.stream.flush()

    def abort(self) -> None:
        self.stream.flush()


def check_fields(units: list[Unit], options: RunOptions) -> None:
    """A mistyped ``--text-field`` is one error before the run, not a failure per document."""
    first = next((u for u in units if u.jsonl), None)
    if first is not None:
        seen: list[str] = []
        records = 0
        try:
            for _, block in jsonl.lines_in(first.source, 1 << 16, lambda *_: None):
                for line in block.split(b"\n"):
                    try:
                        found = jsonl.members(line.decode("utf-8")) if line.strip() else None
                    except (ValueError, RecursionError):
                        continue
                    if found is None:
                        continue
                    if options.text_field in found:
                        return
                    records += 1
                    seen += [key for key in found if key not in seen]
                    if records >= FIELD_CHECK_RECORDS:
                        break
                break  # the first block is enough
        except READ_ERRORS:
            return  # the run reports it
        if records:
            raise InputError(
                f"{first.relative}: none of the first {records} records has a field '{options.text_field}' "
                f"(fields: {', '.join(seen[:12])}); choose one with --text-field"
            )
    first = next((u for u in units if u.parquet), None)
    if first is not None:
        try:
            parquet.open_file(first.source, str(first.relative), options.fields)
        except InputError as exc:
            if "no column" in str(exc):
                raise
        # an unreadable file is one failed document of the run, like any other


def run(  # noqa: PLR0912, PLR0915 - the one loop that ties sources, workers, sinks and the journal
    inputs: list[Path],
    pipeline: Pipeline,
    options: RunOptions,
    pattern: str | None = None,
    progress: Callable[[RunProgress], None] | None = None,
    units: list[Unit] | None = None,
    sink: IO[bytes] | None = None,
) -> RunReport:
    """Clean every document of ``inputs`` into ``options.output`` (or ``sink``); report what happened.

    ``units`` replaces the discovery of ``inputs`` (stdin comes in that way, as a unit over a file).
    """
    if units is None:
        units = discover(inputs, pattern)
    out = options.output
    writing = out is not None and not options.dry_run
    output_file = out is not None and output_is_file(inputs, units, out)
    extra = [p for p in (options.report, options.ledger) if p is not None]
    if out is not None:
        refuse_overwrite(units, out, output_file, options.in_place, extra)
    if not options.dry_run:
        for path in extra:
            check_file_target(path)
    check_fields(units, options)

    def target(unit: Unit) -> Path:
        assert out is not None
        return out if output_file else out / unit.relative

    journal = Journal(out, options.resume) if writing and not output_file else None  # type: ignore[arg-type]
    with journal if journal is not None else nullcontext():
        try:
            return _run(units, pipeline, options, journal, target if writing else None, sink, progress)
        except BaseException:
            if journal is not None:  # an interrupt can land between a temp file's creation and its writer
                _remove_temp_files(journal)
            raise


def _remove_temp_files(journal: Journal) -> None:
    """Delete the hidden ``.NAME.*.tmp`` files under the output directory: the lock says they are this run's."""
    for stale in journal.root.parent.rglob(".*.tmp"):
        stale.unlink(missing_ok=True)


def _run(  # noqa: PLR0912, PLR0913
    units: list[Unit],
    pipeline: Pipeline,
    options: RunOptions,
    journal: Journal | None,
    target: Callable[[Unit], Path] | None,
    sink: IO[bytes] | None,
    progress: Callable[[int, int], None] | None,
) -> RunReport:
    earlier: deque[tuple[int, RunReport]] = deque()  # units a previous run completed, in input order
    previous = _read_errors(journal.root.parent / ERRORS_FILE) if journal is not None and options.resume else []
    todo = []
    skipped = 0
    done_entries = []
    for index, unit in enumerate(units):
        name = str(unit.relative)
        if options.resume and target is not None:
            entry = journal.done(name, target(unit)) if journal is not None else None
            if entry is not None:
                earlier.append((index, RunReport.from_state(entry["report"])))
                done_entries.append(entry)
                skipped += 1
                continue
            if target(unit).exists():  # complete, from a run the journal does not know: its failures stay
                earlier.append((index, _earlier_failures(previous, name)))
                skipped += 1
                continue
        todo.append(index)
    if journal is not None and options.resume:
        journal.keep_ledger(done_entries)
        _remove_temp_files(journal)  # an earlier run's, killed before it could clean up

    ledger = None
    if options.ledger is not None and not options.dry_run and journal is None:
        ledger = _UnitWriter(options.ledger, None)
    if journal is not None:
        _PARENT_FDS[:] = [journal.lock_fd] if journal.lock_fd is not None else []
    writer: Any = None
    report, unit_report = RunReport(), RunReport()
    documents = 0
    sizes = {index: _disk_size(units[index].source) for index in todo}
    total_bytes = sum(sizes.values())
    files_done = finished_bytes = partial_bytes = 0
    try:
        for batch, result in _ordered(_batches(units, todo, options), options, pipeline):
            unit = units[batch.unit]
            if writer is None:
                writer = _writer_for(unit, batch, target, sink, options)
            unit_report.merge(result.report)
            if isinstance(writer, _ParquetUnitWriter):
                writer.write_rows(batch.record_batch, result.texts or [])
            elif writer is not None:
                writer.write(result.output)
            if result.ledger and journal is not None and options.ledger is not None:
                journal.ledger(result.ledger)
            elif ledger is not None:
                ledger.write(result.ledger)
            documents += result.report.documents
            if batch.last:
                files_done, finished_bytes, partial_bytes = files_done + 1, finished_bytes + sizes[batch.unit], 0
            elif jsonl.compression(unit.source) is None:
                partial_bytes += len(batch.data)
            if progress is not None:
                done = min(finished_bytes + partial_bytes, total_bytes)
                failed = report.failed + unit_report.failed
                progress(RunProgress(documents, failed, files_done, len(todo), done, total_bytes))
            if batch.last:
                wrote = result.wrote and writer is not None
                if journal is not None:
                    journal.record(str(unit.relative), wrote, unit_report.to_state())
                if writer is not None:
                    writer.commit() if wrote else writer.abort()
                _merge_in_order(report, earlier, before=batch.unit)
                report.merge(unit_report)
                unit_report, writer = RunReport(), None
    except BaseException:
        if writer is not None:
            writer.abort()
        if ledger is not None:
            ledger.abort()
        raise
    finally:
        _PARENT_FDS.clear()
    _merge_in_order(report, earlier, before=len(units))
    report.skipped_units = skipped
    _finish(report, options, journal, ledger, target is not None)
    return report


def _disk_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _merge_in_order(report: RunReport, earlier: deque[tuple[int, RunReport]], before: int) -> None:
    """Fold in the earlier units that come before unit ``before``: the report reads in input order."""
    while earlier and earlier[0][0] < before:
        report.merge(earlier.popleft()[1])


def _writer_for(
    unit: Unit, batch: _Batch, target: Callable[[Unit], Path] | None, sink: IO[bytes] | None, options: RunOptions
) -> Any:
    if target is not None:
        if unit.parquet:
            return _ParquetUnitWriter(target(unit), batch.schema, options.text_field) if batch.schema else None
        return _UnitWriter(target(unit), jsonl.compression(target(unit)) if unit.jsonl else None)
    if sink is not None and not options.dry_run:
        return _StreamSink(sink)
    return None


def _finish(report: RunReport, options: RunOptions, journal: Journal | None, ledger: Any, writing: bool) -> None:
    """The files a run writes at its end: errors.jsonl, the ledger, the report."""
    if ledger is not None:
        ledger.commit()
    if journal is not None:
        errors = journal.root.parent / ERRORS_FILE
        if report.failed_documents:
            write_text_atomic(errors, b"".join(json_line(e) for e in report.failed_documents).decode("utf-8"))
        else:
            errors.unlink(missing_ok=True)
        if options.ledger is not None:
            journal.flush_ledger()
            _copy_atomic(journal.ledger_path, options.ledger)
        journal.remove()
    if options.report is not None and not options.dry_run:
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n"
        write_text_atomic(options.report, text.encode("utf-8", "backslashreplace").decode("utf-8"))


def _read_errors(path: Path) -> list[dict[str, Any]]:
    """The entries of an existing ``errors.jsonl`` (a line that does not parse is skipped)."""
    entries = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
    return entries


def _earlier_failures(previous: list[dict[str, Any]], unit: str) -> RunReport:
    """A complete unit's failures from an earlier ``errors.jsonl``, kept when its output is skipped."""
    report = RunReport()
    report.failed_documents = [e for e in previous if isinstance(e, dict) and e.get("source") == unit]
    report.documents = report.failed = len(report.failed_documents)
    return report


def _copy_atomic(source: Path, target: Path) -> None:
    out = AtomicFile(target)
    try:
        if source.exists():
            shutil.copyfile(source, out.tmp)
    except OSError as exc:
        out.abort()
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
    out.commit()
