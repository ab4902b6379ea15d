"""Many documents: worker processes, bounded streaming, ordered output, report, ledger, resume.

An input file is a *unit*: a text file is one document, a JSONL file one
document per line. Units are read in order and cut into blocks of raw bytes
at line ends; workers split, decode, parse and clean them (all the per-document
work) and hand back one output blob and one partial report per block, which
come back in submission order through a bounded window. The parent only
reads, writes and adds up, so memory does not grow with the corpus, two
workers get two cores, and the output is the same whatever ``jobs`` is. Each unit's output is
written to a temporary file and renamed when complete, which makes a killed
run leave no partial file and lets ``resume`` skip every output that exists.
Nothing is lost: a document that fails is reported in ``errors.jsonl`` with
its id, source and reason, and the run goes on.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cleaner.errors import CleanerError, InputError, RuleTimeoutError
from cleaner.io import ERRORS_FILE, AtomicFile, Unit, decode_bytes, discover, write_text_atomic
from cleaner.pipeline import Pipeline
from cleaner.report import DocOutcome, RunReport
from cleaner.streams import compression, open_read, open_write



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
    """A block of one unit: a whole text file, or whole JSONL lines starting at ``first_line``."""

    unit: int
    jsonl: bool
    name: str
    data: bytes = b""
    first_line: int = 1
    last: bool = False
    #: Set when the unit could not even be read: it becomes one failed document.
    error: str | None = None
    #: Parquet rows for the worker: (id, text or None, url or None).
    rows: list[tuple[str, str | None, str | None]] | None = None
    #: Parquet, kept by the parent only: the record batch the rows came from, and the file's schema.
    record_batch: Any = None
    schema: Any = None


@dataclass
class _BatchResult:
    """What a worker sends back for a batch: the output bytes, a partial report, ledger lines."""

    output: bytes
    report: RunReport
    ledger: bytes = b""
    #: False when a text file failed: it gets no output file.
    wrote: bool = True
    #: Parquet: the clean text per row, None for a row that failed.
    texts: list[str | None] | None = None


# -- worker side --------------------------------------------------------------------------------

_PIPELINE: Pipeline | None = None
_OPTIONS: RunOptions | None = None


def _init_worker(pipeline: Pipeline, options: RunOptions) -> None:
    global _PIPELINE, _OPTIONS  # noqa: PLW0603 - one pipeline per worker process, built once
    _PIPELINE, _OPTIONS = pipeline, options


def _clean_batch(batch: _Batch) -> _BatchResult:
    assert _OPTIONS is not None
    report = RunReport()
    if batch.error is not None:
        report.add(DocOutcome(id=batch.name, source=batch.name, error=batch.error))
        return _BatchResult(b"", report, wrote=False)
    if batch.rows is not None:
        return _clean_parquet_rows(batch, report)
    if not batch.jsonl:
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
            texts.append(None)
        else:
            try:
                result = _clean(text, doc_id, url, batch.name)
            except CleanerError as exc:
                outcome = DocOutcome(id=doc_id, source=batch.name, error=f"row {row}: {exc}")
                texts.append(None)
            else:
                outcome = _outcome(doc_id, batch.name, result, len(text), _OPTIONS.ledger is not None)
                texts.append(result.text)
        report.add(outcome)
        outcomes.append(outcome)
    return _BatchResult(b"", report, _ledger_bytes(outcomes), texts=texts)


def _ledger_bytes(outcomes: list[DocOutcome]) -> bytes:
    lines = [json.dumps(entry, ensure_ascii=False) + "\n" for outcome in outcomes for entry in outcome.ledger]
    return "".join(lines).encode("utf-8")


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
        raise exc.for_document(doc_id) from None


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
        try:
            if unit.parquet:
                yield from _parquet_batches(index, unit, name, options)
            elif not unit.jsonl:
                yield _Batch(index, False, name, unit.source.read_bytes(), last=True)
            else:
                yield from _jsonl_blocks(index, unit, name, options.batch_bytes)
        except OSError as exc:
            yield _Batch(index, unit.jsonl, name, last=True, error=f"{unit.source}: cannot read ({exc.strerror})")


def _parquet_batches(index: int, unit: Unit, name: str, options: RunOptions) -> Iterator[_Batch]:
    """Record batches of a parquet file; each _Batch carries its rows and, for the parent, the batch."""
    pq = _pyarrow_parquet()
    reader = pq.ParquetFile(unit.source)
    schema = reader.schema_arrow
    pending: _Batch | None = None
    row = 0
    for record_batch in reader.iter_batches(batch_size=512):
        data = record_batch.to_pydict()
        texts = data.get(options.text_field) or [None] * record_batch.num_rows
        ids = data.get(options.id_field) or [None] * record_batch.num_rows
        urls = data.get(options.url_field) or [None] * record_batch.num_rows
        rows = [
            (str(i) if i is not None else f"{name}:{row + k}", t if isinstance(t, str) else None, u if isinstance(u, str) else None)  # noqa: E501
            for k, (i, t, u) in enumerate(zip(ids, texts, urls, strict=True))
        ]
        if pending is not None:
            yield pending
        pending = _Batch(index, False, name, first_line=row, rows=rows, record_batch=record_batch, schema=schema)
        row += record_batch.num_rows
    if pending is None:
        pending = _Batch(index, False, name, rows=[], schema=schema)
    pending.last = True
    yield pending


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading .parquet needs pyarrow: pip install 'chrome-cleaner[parquet]'") from None
    return pq


def _jsonl_blocks(index: int, unit: Unit, name: str, size: int) -> Iterator[_Batch]:
    """Blocks of whole lines, about ``size`` bytes each; the last one is marked."""
    pending: _Batch | None = None
    line_no, carry = 1, b""
    with open_read(unit.source) as stream:
        while True:
            chunk = stream.read(size)
            data = carry + chunk
            if not chunk:  # end of file: whatever is left is the last block (maybe empty)
                block, carry = data, b""
            else:
                cut = data.rfind(b"\n") + 1
                if cut == 0:  # one line longer than a block: keep reading it
                    carry = data
                    continue
                block, carry = data[:cut], data[cut:]
            if pending is not None:
                yield pending
            pending = _Batch(index, True, name, block, first_line=line_no)
            line_no += block.count(b"\n")
            if not chunk:
                break
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
    with context.Pool(options.jobs, initializer=_init_worker, initargs=(pipeline, options)) as pool:
        window: deque[tuple[_Batch, Any]] = deque()
        for batch in batches:
            meta = _Batch(batch.unit, batch.jsonl, batch.name, b"", batch.first_line, batch.last, batch.error,
                          record_batch=batch.record_batch, schema=batch.schema)  # fmt: skip
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
        self.stream: IO[bytes] = open_write(self.tmp, kind)

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def _close(self) -> None:
        self.stream.close()


class _ParquetUnitWriter(AtomicFile):
    """A parquet unit's cleaned record batches, with the input's schema."""

    def __init__(self, target: Path, schema: Any, text_field: str) -> None:
        super().__init__(target)
        self.text_field = text_field
        self.writer = _pyarrow_parquet().ParquetWriter(self.tmp, schema)

    def write_rows(self, record_batch: Any, texts: list[str | None]) -> None:
        """The batch with its text column replaced; rows that failed are left out (errors.jsonl has them)."""
        import pyarrow as pa

        if record_batch is None or not texts:
            return
        index = record_batch.schema.get_field_index(self.text_field)
        kept = pa.array([t is not None for t in texts])
        column = pa.array([t if t is not None else "" for t in texts], type=record_batch.schema.field(index).type)
        updated = pa.RecordBatch.from_arrays(
            [column if i == index else record_batch.column(i) for i in range(record_batch.num_columns)],
            schema=record_batch.schema,
        )
        self.writer.write_batch(updated.filter(kept))

    def _close(self) -> None:
        self.writer.close()


def run(
    inputs: list[Path],
    pipeline: Pipeline,
    options: RunOptions,
    pattern: str | None = None,
    progress: Callable[[RunProgress], None] | None = None,
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
    writer: _UnitWriter | _ParquetUnitWriter | None = None
    sizes = {index: _disk_size(units[index].source) for index in todo}
    total_bytes = sum(sizes.values())
    files_done = finished_bytes = partial_bytes = 0
    try:
        for batch, result in _ordered(_batches(units, todo, options), options, pipeline):
            unit = units[batch.unit]
            if writing and writer is None and unit.parquet and batch.schema is not None:
                writer = _ParquetUnitWriter(out / unit.relative, batch.schema, options.text_field)  # type: ignore[operator]
            elif writing and writer is None and not unit.parquet:
                writer = _UnitWriter(out / unit.relative, compression(unit.source) if unit.jsonl else None)  # type: ignore[operator]  # noqa: E501
            report.merge(result.report)
            if isinstance(writer, _ParquetUnitWriter):
                writer.write_rows(batch.record_batch, result.texts or [])
            elif writer is not None:
                writer.write(result.output)
            if ledger is not None:
                ledger.write(result.ledger)
            if batch.last:
                files_done, finished_bytes, partial_bytes = files_done + 1, finished_bytes + sizes[batch.unit], 0
            elif compression(unit.source) is None:
                partial_bytes += len(batch.data)
            if progress is not None:
                done = min(finished_bytes + partial_bytes, total_bytes)
                progress(RunProgress(report.documents, report.failed, files_done, len(todo), done, total_bytes))
            if batch.last and writer is not None:
                if result.wrote:
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
        _write_errors(out / ERRORS_FILE, kept_errors + report.failed_documents)  # type: ignore[operator]
    if options.report is not None and not options.dry_run:
        write_text_atomic(options.report, json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    return report


def _disk_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


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
