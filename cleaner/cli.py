"""The ``cleaner`` command: a thin typer shell over the library.

Each command parses its options, calls one library function, prints, and
maps ``CleanerError`` to a one-line message on stderr and an exit code
(see ``cleaner.errors``). No cleaning logic lives here.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cleaner.engine import DEFAULT_TIMEOUT
from cleaner.errors import EXIT_SOME_FAILED, EXIT_USAGE, CleanerError, RuleTimeoutError
from cleaner.io import discover, write_text_atomic
from cleaner.model import Rule, RuleSet
from cleaner.pipeline import Pipeline
from cleaner.terminal import ColorMode, patch_typer_metavars, set_colour_mode, stdin_hint, use_colour

patch_typer_metavars()

if TYPE_CHECKING:
    from cleaner.evaluate import DocScore, ProbeHit
    from cleaner.report import RunReport

app = typer.Typer(
    name="cleaner",
    help="Remove site chrome from scraped text with YAML rule sets, then normalise it with ftfy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)

class Engine(str, Enum):
    local = "local"
    ray = "ray"


#: Failed documents echoed to stderr; all of them are in errors.jsonl.
MAX_ERRORS_SHOWN = 20

RulesOption = Annotated[
    Optional[list[str]],  # noqa: UP007 - typer needs Optional here on Python 3.10
    typer.Option("--rules", "-r", metavar="RULES", help="Built-in rule set name or YAML path; repeat for several. Default: default."),  # noqa: E501
]


def _print_version(value: bool) -> None:
    if value:
        from cleaner import __version__

        typer.echo(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")] = False,  # noqa: E501, FBT002
    color: Annotated[ColorMode, typer.Option("--color", metavar="WHEN", help="Colour output: auto (a terminal, unless NO_COLOR is set), always or never.")] = ColorMode.auto,  # noqa: E501
) -> None:
    """Remove site chrome from scraped text with YAML rule sets, then normalise it with ftfy."""
    set_colour_mode(color)


def _at_least_one_job(value: int) -> int:
    """``--jobs``: a count of workers; 0 (the default) means all cores."""
    if value < 0:
        raise typer.BadParameter(f"{value} is not a number of workers (give 1 or more; leave it out for all cores)")
    return value


def _share(value: float) -> float:
    """A share of documents or lines: a fraction in [0, 1] (``0.05``, not ``5``)."""
    if not 0 <= value <= 1:
        raise typer.BadParameter(f"{value:g} is not a share between 0 and 1 (0.05 means 5 %)")
    return value


def _positive(value: int) -> int:
    if value < 1:
        raise typer.BadParameter(f"{value} is not a count of 1 or more")
    return value


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"cleaner: {message}", err=True)
    return typer.Exit(code)


def _pipeline(rules: list[str] | None) -> Pipeline:
    return Pipeline.from_rules(*(rules or []))


def _expand(items: list[str]) -> list[Path]:
    """Arguments -> paths; a quoted glob (``'data/**/*.jsonl'``) is expanded here, sorted."""
    import glob as globbing

    paths: list[Path] = []
    for item in items:
        if not Path(item).exists() and any(ch in item for ch in "*?["):
            matches = sorted(globbing.glob(item, recursive=True))
            if not matches:
                raise _fail(f"{item}: no file matches")
            paths.extend(Path(m) for m in matches)
        else:
            paths.append(Path(item))
    return paths


class InputFormat(str, Enum):
    auto = "auto"
    txt = "txt"
    jsonl = "jsonl"


@app.command()
def clean(  # noqa: PLR0913 - one option per user-facing knob
    inputs: Annotated[Optional[list[str]], typer.Argument(metavar="INPUT", help="Files, directories or globs; '-' or nothing reads stdin.")] = None,  # noqa: UP007, E501
    rules: RulesOption = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Output directory (mirrors input paths), or one file for one input of its kind.")] = None,  # noqa: UP007, E501
    jobs: Annotated[int, typer.Option("--jobs", "-j", metavar="N", callback=_at_least_one_job, show_default=False, help="Worker processes (default: all cores).")] = 0,  # noqa: E501
    text_field: Annotated[str, typer.Option(help="JSONL field holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL field holding the document id (else the line number).")] = "id",  # noqa: E501
    url_field: Annotated[str, typer.Option(help="JSONL field holding the url, for applies_to.")] = "url",
    report: Annotated[Optional[Path], typer.Option(help="Write a JSON summary of the run here.")] = None,  # noqa: UP007
    ledger: Annotated[Optional[Path], typer.Option(help="Write one JSON line per removal here.")] = None,  # noqa: UP007
    resume: Annotated[bool, typer.Option(help="Skip outputs that are already complete.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Clean but write nothing; print the summary.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    glob: Annotated[Optional[str], typer.Option(help="Files to take from directories (default: *.txt and JSONL).")] = None,  # noqa: UP007, E501
    regex_timeout: Annotated[float, typer.Option(help="Seconds one regex may run on one document.")] = DEFAULT_TIMEOUT,
    engine: Annotated[Engine, typer.Option(help="local: this machine's cores; ray: a Ray cluster (JSONL/parquet).")] = Engine.local,  # noqa: E501
    ray_address: Annotated[Optional[str], typer.Option(help="Ray cluster address (default: start a local one).")] = None,  # noqa: UP007, E501
    in_place: Annotated[bool, typer.Option(help="Replace the inputs with their clean text (-o may then be the input).")] = False,  # noqa: E501
    input_format: Annotated[InputFormat, typer.Option("--format", help="What stdin holds (files go by their name).")] = InputFormat.auto,  # noqa: E501
) -> None:
    """Clean files, directories, JSONL corpora or stdin. Without -o one text file, or JSONL, goes to stdout."""
    if engine is Engine.ray:
        _clean_with_ray(inputs or [], rules or [], output, text_field, url_field, ray_address, quiet)
        return
    import signal

    from cleaner.errors import EXIT_INTERRUPTED
    from cleaner.progress import run_summary

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)  # SIGTERM cleans up like Ctrl-C
    try:
        started = time.perf_counter()
        result, to_stdout = _clean_corpus(
            inputs or ["-"], rules, output, jobs, text_field, id_field, url_field, report, ledger, resume,
            dry_run, quiet, glob, regex_timeout, in_place, input_format.value,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted; rerun with --resume" if output else "interrupted", EXIT_INTERRUPTED) from None
    except OSError as exc:
        raise _fail(f"{exc.filename or 'cleaner'}: {exc.strerror or exc}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    errors_file = output is not None and not dry_run and (output / "errors.jsonl").is_file()
    shown = MAX_ERRORS_SHOWN if errors_file else None  # without an errors.jsonl, stderr is the record: all of it
    for failure in result.failed_documents[:shown]:
        source, error = failure["source"], failure["error"]
        typer.echo(f"cleaner: {error}" if error.startswith(source) else f"cleaner: {source}: {error}", err=True)
    if errors_file and result.failed > MAX_ERRORS_SHOWN:
        typer.echo(f"cleaner: ... and {result.failed - MAX_ERRORS_SHOWN} more failed documents", err=True)
    if not quiet and not to_stdout:
        typer.echo(run_summary(result, output, dry_run, elapsed, report, ledger), err=True)
    if result.failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def _clean_corpus(  # noqa: PLR0913
    items: list[str], rules: list[str] | None, output: Path | None, jobs: int, text_field: str, id_field: str,
    url_field: str, report: Path | None, ledger: Path | None, resume: bool, dry_run: bool, quiet: bool,
    glob: str | None, regex_timeout: float, in_place: bool, input_format: str,
) -> tuple[RunReport, bool]:  # fmt: skip
    """The body of ``clean``: stdin or paths -> units -> the runner, into -o, or stdout."""
    from contextlib import nullcontext

    from cleaner.formats.stdio import stdin_unit, stdout_errors
    from cleaner.progress import ProgressDisplay
    from cleaner.runner import RunOptions, run

    if "-" in items and items != ["-"]:
        raise _fail("'-' (stdin) cannot be combined with other inputs")
    if in_place and output is None:
        if len(items) != 1 or items == ["-"]:
            raise _fail("--in-place takes one input file or directory (or give -o)")
        output = Path(items[0])
    if in_place and resume:
        raise _fail("--in-place and --resume do not go together: every output already exists")
    pipeline = _safe_pipeline(rules, timeout=regex_timeout)
    _prepare(pipeline, quiet)
    if items == ["-"]:
        stdin_hint("text or JSONL")
    reading = stdin_unit(sys.stdin.buffer, input_format) if items == ["-"] else nullcontext(None)
    with reading as stdin:
        paths = [stdin.source] if stdin is not None else [Path(item) for item in items]
        units = [stdin] if stdin is not None else discover(paths, glob)
        if not units:
            raise _fail(f"{', '.join(items)}: no documents to clean (an empty directory, or nothing matches --glob)")
        to_stdout = output is None and not dry_run
        if to_stdout and not (all(u.jsonl for u in units) or (len(units) == 1 and units[0].kind == "txt")):
            raise _fail("several text files, a directory or a parquet file need -o (one text file or JSONL can go to stdout)")  # noqa: E501
        one_text = len(units) == 1 and units[0].kind == "txt"  # one document: no worker pool to start
        options = RunOptions(
            output=output, jobs=1 if one_text else jobs or os.cpu_count() or 1,
            text_field=text_field, id_field=id_field, url_field=url_field, resume=resume, dry_run=dry_run,
            ledger=ledger, report=report, in_place=in_place,
        )  # fmt: skip
        sink = sys.stdout.buffer if to_stdout else None
        showing = not quiet and not to_stdout and sys.stderr.isatty()
        with stdout_errors() if to_stdout else nullcontext(), ProgressDisplay(enabled=showing) as progress:
            return run(paths, pipeline, options, glob, progress, units=units, sink=sink), to_stdout


def _clean_with_ray(
    inputs: list[str], rules: list[str], output: Path | None, text_field: str, url_field: str,
    address: str | None, quiet: bool,
) -> None:  # fmt: skip
    if output is None:
        raise _fail("--engine ray needs -o DIR")
    try:
        from cleaner.integrations import ray as ray_engine
    except ImportError:
        raise _fail("--engine ray needs Ray: pip install 'chrome-cleaner[ray]'") from None
    try:
        _safe_pipeline(rules)  # a bad rule file fails here, before a cluster starts
        summary = ray_engine.run(_expand(inputs), output, rules, text_field, url_field, address)
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    if not quiet:
        typer.echo(f"documents  {summary.get('documents', 0):>12,}\nchars out  {summary.get('chars_out', 0):>12,}", err=True)
        top = sorted(((k[5:], v) for k, v in summary.items() if k.startswith("rule:")), key=lambda kv: -kv[1])[:5]
        if top:
            typer.echo("top rules by removed characters:", err=True)
            for rule, chars in top:
                typer.echo(f"  {rule:<28} {chars:>10,} chars", err=True)


class Half(str, Enum):
    tune = "tune"
    check = "check"


@app.command("eval")
def eval_(
    folder: Annotated[Path, typer.Argument(help="Labelled pages: <doc>/raw.txt + <doc>/gold.txt [+ labels.tsv].")],
    rules: RulesOption = None,
    group: Annotated[bool, typer.Option(help="Also total by the prefix before '-' (the language).")] = True,
    apart: Annotated[
        str, typer.Option(help="With --group, also total every language but this one (targets often split so).")
    ] = "zh",
    split: Annotated[
        Optional[str],  # noqa: UP007 - typer needs Optional here on Python 3.10
        typer.Option(
            help="TSV of doc<TAB>tune|check: also total each half. Default: the project's eval/devset-split.tsv "
            "if there is one; 'none' for no split.",
            show_default=False,
        ),
    ] = None,
    half: Annotated[Optional[Half], typer.Option(help="Report on this half of the split only.")] = None,  # noqa: UP007
    pages: Annotated[bool, typer.Option(help="A line per page, with the content lines it lost.")] = True,
    rules_table: Annotated[bool, typer.Option(help="What each rule removed: chrome and content tokens.")] = True,
    categories: Annotated[
        bool, typer.Option(help="The chrome left, by the category labels.tsv gives each line, per language and half.")
    ] = True,
    probe: Annotated[
        bool,
        typer.Option(
            "--probe",
            help="Instead: put each content line between paragraphs of prose and list the rules that take it there.",
        ),
    ] = False,
    only_losses: Annotated[bool, typer.Option("--only-losses", help="Of the pages, show only those losing content.")] = False,  # noqa: E501
    json_file: Annotated[
        Optional[Path],  # noqa: UP007 - typer needs Optional here on Python 3.10
        typer.Option("--json", help="Also write everything (per page, per set, per rule) as JSON here; '-': stdout only."),  # noqa: E501
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Processes to score pages with; 0: one per core (from 16 pages on).")
    ] = 0,
    exclude: Annotated[
        Optional[list[str]],  # noqa: UP007 - typer needs Optional here on Python 3.10
        typer.Option(
            "--exclude", metavar="PAGE",
            help="Leave this page out (repeat for several): an outlier such as a 120,000-token spam line "
            "outweighs every other page in pooled figures.",
        ),
    ] = None,
) -> None:
    """Content kept, chrome removed and precision on labelled pages; what each rule removed; the lines lost."""
    import json

    from cleaner import evaluate as ev

    try:
        if not folder.is_dir():
            raise _fail(f"{folder}: not a directory")
        split_file = ev.default_split() if split is None else (None if split.lower() == "none" else Path(split))
        halves = ev.read_split(split_file) if split_file is not None else {}
        names = [doc.name for doc in ev.labelled_documents(folder) if doc.name not in set(exclude or ())]
        if not names:
            raise _fail(f"{folder}: no <doc>/raw.txt + gold.txt folders")
        if not any(name in halves for name in names):
            halves = {}
        if half is not None:
            if not halves:
                raise _fail("--half needs a split that covers these pages (--split FILE)")
            names = [name for name in names if halves.get(name) == half.value]
            if not names:
                raise _fail(f"no pages in the {half.value} half")
        if probe:
            probed, hits = ev.probe_content(folder, _pipeline(rules), names)
            for line in _probe_lines(probed, hits):
                typer.echo(line)
            return
        scores = ev.evaluate(folder, _pipeline(rules), jobs or None, names)
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    sets = ev.groups(scores, halves, group, apart)
    if json_file is not None:
        data = {"folder": str(folder), "split": str(split_file) if halves else None,
                "half": half.value if half else None, **ev.report(scores, sets, halves)}
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if str(json_file) == "-":
            typer.echo(text, nl=False)
            return
        write_text_atomic(json_file, text)
    for line in _eval_lines(scores, sets, halves, pages, only_losses, rules_table):
        typer.echo(line)
    if categories:
        for line in _category_lines(sets, apart):
            typer.echo(line)


def _eval_lines(
    scores: list[DocScore],
    sets: dict[str, list[DocScore]],
    halves: dict[str, str],
    pages: bool,
    only_losses: bool,
    rules_table: bool,
) -> Iterator[str]:
    """The text report of ``cleaner eval``: pages, the rule table, then one summary line per set."""
    from cleaner.evaluate import rule_table, summarise

    if pages or only_losses:
        for s in scores:
            if only_losses and not s.loses_content:
                continue
            yield f"{s.name:16} kept {s.kept:7.2%}  chrome removed {s.removed:7.2%}"
            for rule_id, line in s.lost_lines:
                yield f"{'':16}   lost by {rule_id}: {line[:70]}"
    if rules_table:
        table = rule_table(scores)
        width = max([len("rule"), *(len(r.rule) for r in table)])
        yield (f"{'rule':<{width}} {'pages':>6} {'lines':>7} {'chrome_tokens':>14} "
               f"{'content_tokens':>15} {'content_lines':>14} {'content_pages':>14}")
        for r in table:
            yield (f"{r.rule:<{width}} {r.pages:>6} {r.lines:>7} {r.chrome_tokens:>14} "
                   f"{r.content_tokens:>15} {r.content_lines:>14} {r.content_pages:>14}")
    if halves:
        unassigned = [s.name for s in scores if s.name not in halves]
        if unassigned:
            yield f"split: {len(unassigned)} pages in neither half: {' '.join(unassigned[:10])}"
    for name, members in sets.items():
        m = summarise(members)
        yield (
            f"{name:>6}: documents={m.documents} content_kept={m.content_kept:.2%} "
            f"chrome_removed={m.chrome_removed:.2%} docs_losing_content={m.docs_losing_content} "
            f"worst_kept={m.worst_kept:.2%} precision={m.precision:.2%}"
        )


def _probe_lines(probed: int, hits: list[ProbeHit]) -> Iterator[str]:
    """``cleaner eval --probe``: per rule, how many content lines it took out of their page, and which."""
    from collections import Counter

    yield f"{probed} content lines, each put between paragraphs of prose: {len(hits)} taken"
    for rule, count in Counter(hit.rule for hit in hits).most_common():
        yield f"{rule:<30} {count:>5}"
        for hit in [h for h in hits if h.rule == rule]:
            yield f"    {hit.page}: {hit.line[:90]}"


def _category_lines(sets: dict[str, list[DocScore]], apart: str) -> Iterator[str]:
    """``cleaner eval``'s table of the chrome left by category: tokens and share of the set's chrome.

    The columns are the halves by language when there is a split (``tune-zh``, ``check-zh``...),
    else ``all`` and the languages apart; each set's chrome is its own denominator.
    """
    from cleaner.evaluate import HALVES, category_table

    split_columns = [f"{half}-{lang}" for lang in (apart, f"not-{apart}") for half in HALVES]
    columns = [name for name in split_columns if name in sets] or [
        name for name in ("all", apart, f"not-{apart}") if name in sets
    ]
    table = category_table({name: sets[name] for name in columns})
    if not table:
        return
    width = max(len("chrome left"), *(len(category) for category, _ in table))
    yield f"{'chrome left':<{width}} " + " ".join(f"{name:>17}" for name in columns)
    for category, by_set in table:
        cells = (by_set.get(name, (0, 0.0)) for name in columns)
        yield f"{category:<{width}} " + " ".join(f"{count:>8} {share:>8.2%}" for count, share in cells)


def _rule_files(rules: list[str] | None) -> list[Path]:
    from cleaner.loader import builtin_rules_dir, iter_rule_files

    files = list(iter_rule_files(rules or [str(builtin_rules_dir())]))
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise _fail(f"{missing[0]}: no such rule file or built-in set")
    return files


@app.command("rules")
def rules_(
    names: Annotated[Optional[list[str]], typer.Argument(metavar="NAME", help="Rule set names or files, or rule ids.", show_default=False)] = None,  # noqa: UP007, E501
    rules: RulesOption = None,
) -> None:
    """List the built-in rule sets, or print a set's rules, or one rule's doc, pattern and examples.

    A NAME is a built-in set, a rule file, or a rule id; ids are looked up in the sets given
    with -r first, then in the built-in sets.
    """
    from cleaner.loader import builtin_rule_sets, load_builtin, load_rules, resolve_rules_path

    try:
        builtin = {n: load_builtin(n) for n in builtin_rule_sets()}
        own = [load_rules(r) for r in rules or []]
        if not names:
            if own:
                for rs in own:
                    _print_set_rules(rs)
            else:
                for n, rs in builtin.items():
                    typer.echo(f"{n:10} {len(rs.rules):3} rules  {rs.description}")
            return
        for name in names:
            if name in builtin:
                _print_set_rules(builtin[name])
            elif resolve_rules_path(name).is_file() and name.endswith((".yaml", ".yml")):
                _print_set_rules(load_rules(name))
            else:
                rule = next((r for rs in [*own, *builtin.values()] for r in rs.rules if r.id == name), None)
                if rule is None:
                    where = "the given sets or the built-in sets" if own else "the built-in sets (add yours with -r FILE)"
                    raise _fail(f"no rule set, rule file or rule named '{name}' in {where}")
                _print_rule(rule)
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None


def _print_set_rules(rule_set: RuleSet) -> None:
    for rule in rule_set.rules:
        typer.echo(f"{rule.id:28} {rule.kind:5}  {rule.location}")


def _print_rule(rule: Rule) -> None:
    typer.echo(f"{rule.id} ({rule.kind}, {rule.location})\n\n{rule.doc}\n")
    if rule.pattern_source:
        typer.echo(f"match: {rule.pattern_source}")
    for text in rule.examples.remove:
        typer.echo(f"  removes: {text!r}")
    for text in rule.examples.keep:
        typer.echo(f"  keeps:   {text!r}")


@app.command("test")
def test_(
    rules: Annotated[Optional[list[str]], typer.Argument(metavar="RULES", help="Rule sets, files or directories. Default: the built-in sets.", show_default=False)] = None,  # noqa: UP007, E501
    fixtures: Annotated[Optional[Path], typer.Option(help="Also check <name>.txt -> <name>.clean.txt under DIR.")] = None,  # noqa: UP007, E501
    update: Annotated[bool, typer.Option(help="Rewrite the expected .clean.txt files and show what changed.")] = False,
) -> None:
    """Run every rule's examples, every set's tests, and fixture snapshots."""
    from cleaner.loader import load_rules
    from cleaner.testing import example_failures, fixture_failures, fixture_pairs, set_test_failures

    try:
        sets = [load_rules(path) for path in _rule_files(rules)]
        failures = []
        checks = 0
        for rs in sets:
            own = [r for r in rs.rules if r.source == rs.path]
            checks += sum(len(r.examples.remove) + len(r.examples.keep) for r in own) + len(rs.tests)
            failures += list(example_failures(rs)) + list(set_test_failures(rs))
        if fixtures is not None:
            pipeline = Pipeline.from_rules(*rules) if rules else Pipeline.default()
            checks += sum(1 for _ in fixture_pairs(fixtures))
            failures += list(fixture_failures(fixtures, pipeline, update=update))
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    updated = [f for f in failures if update and f.message in ("updated", "created")]
    failed = [f for f in failures if f not in updated]
    for failure in failures:
        typer.echo(str(failure), err=failure in failed)
    typer.echo(f"{checks - len(failed)} passed, {len(failed)} failed" + (f", {len(updated)} updated" if updated else ""))
    if failed:
        raise typer.Exit(EXIT_SOME_FAILED)


class ExplainFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


@app.command()
def explain(  # noqa: PLR0913
    file: Annotated[str, typer.Argument(metavar="FILE", help="The raw document: a text file, a JSONL/gz/zst or parquet file, or '-' (stdin).")],  # noqa: E501
    rules: RulesOption = None,
    format: Annotated[ExplainFormat, typer.Option("--format", "-f")] = ExplainFormat.text,  # noqa: A002
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,  # noqa: UP007, E501
    doc_id: Annotated[Optional[str], typer.Option("--id", help="Which document of a JSONL or parquet file (default: the first).")] = None,  # noqa: UP007, E501
    text_field: Annotated[str, typer.Option(help="JSONL field holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL field holding the document id.")] = "id",
    url_field: Annotated[str, typer.Option(help="JSONL field holding the url, for applies_to.")] = "url",
) -> None:
    """Show which rule removed which line (text margin, JSON, or a self-contained HTML page)."""
    from cleaner.errors import EXIT_INTERRUPTED
    from cleaner.explain import explain_lines, render_html, render_json, render_text
    from cleaner.formats.jsonl import Fields
    from cleaner.formats.stdio import documents_of, stdout_errors
    from cleaner.io import check_file_target

    try:
        if output is not None:
            check_file_target(output)
        pipeline = _safe_pipeline(rules)
        if file == "-":
            stdin_hint("a document")
        with documents_of([file], None, Fields(text_field, id_field, url_field)) as docs:
            doc = next((d for d in docs if doc_id is None or d.id == doc_id), None)
        if doc is None:
            raise _fail(f"{file}: no document" + (f" with id '{doc_id}'" if doc_id else ""))
        if doc.error is not None:
            raise _fail(doc.error if doc.error.startswith(doc.source) else f"{doc.source}: {doc.error}", EXIT_SOME_FAILED)
        text = doc.text
        try:
            result = pipeline.clean(text, url=doc.url, path=doc.source)
        except RuleTimeoutError as exc:
            raise exc.for_document(doc.id) from None
        if format is ExplainFormat.json:
            page = render_json(result) + "\n"
        elif format is ExplainFormat.html:
            page = render_html(explain_lines(text, result), Path(doc.id).name if doc.id == doc.source else doc.id)
        else:
            page = render_text(explain_lines(text, result))
            if output is None and use_colour(sys.stdout):
                page = "".join(_colour(line) for line in page.splitlines(keepends=True))
        if output is None:
            with stdout_errors():
                sys.stdout.write(page)
        else:
            write_text_atomic(output, page)
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted", EXIT_INTERRUPTED) from None


def _prepare(pipeline: Pipeline, quiet: bool) -> None:
    """Compile the rule scan before the run; past a second, say why the command waits (a first run)."""
    from cleaner import scan

    notice = threading.Timer(1.0, lambda: print(
        f"cleaner: compiling the rule scan for these rules, once: later runs load it from {scan.cache_dir()}",
        file=sys.stderr, flush=True,
    ))  # fmt: skip
    if not quiet:
        notice.start()
    try:
        pipeline.prepare()
    finally:
        notice.cancel()


def _safe_pipeline(rules: list[str] | None, **kwargs: object) -> Pipeline:
    """``Pipeline.from_rules``, with a rule file too deeply nested for the YAML reader as one line."""
    try:
        return Pipeline.from_rules(*(rules or []), **kwargs)  # type: ignore[arg-type]
    except RecursionError:
        raise _fail(f"{', '.join(rules or ['default'])}: YAML nested too deep to load") from None


def _colour(line: str) -> str:
    if line.startswith("- "):
        return typer.style(line, fg="red")
    if line.startswith("~ "):
        return typer.style(line, fg="yellow")
    return line


@app.command()
def lint(
    rules: Annotated[Optional[list[str]], typer.Argument(metavar="RULES", help="Rule sets, files or directories. Default: the built-in sets.", show_default=False)] = None,  # noqa: UP007, E501
    corpus: Annotated[Optional[Path], typer.Option(metavar="DIR", help="Also report rules that never fire or fire too often here.")] = None,  # noqa: UP007, E501
    max_share: Annotated[float, typer.Option(metavar="SHARE", callback=_share, help="With --corpus: warn when a rule removes more than this share of lines.")] = 0.2,  # noqa: E501
    timed: Annotated[bool, typer.Option("--timed/--no-timed", help="Also time each pattern on adversarial input (warnings only; depends on the machine).")] = True,  # noqa: E501, FBT002
) -> None:
    """Check rule files: schema, regexes, their examples, backtracking; with --corpus, dead and over-broad rules.

    One finding per line, `path:line:col: level rule-id: message`, then a summary; exit 1 on any error.
    """
    from cleaner.lint import lint_files, summary

    if corpus is not None and not corpus.is_dir():
        raise _fail(f"{corpus}: not a directory")
    try:
        findings = lint_files(_rule_files(rules), corpus, max_share, timed)
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    for finding in findings:  # findings on stdout, like ruff, semgrep and eslint
        typer.echo(str(finding))
    typer.echo(summary(findings))
    if any(f.level == "error" for f in findings):
        raise typer.Exit(EXIT_SOME_FAILED)


BaselineOption = Annotated[
    Optional[list[str]],  # noqa: UP007 - typer needs Optional here on Python 3.10
    typer.Option("--baseline", "-b", metavar="RULES", help="The rule sets in use now, to compare against (default: default)."),  # noqa: E501
]
#: Before --baseline, `diff -r OLD --against NEW` and `suggest --against X` used one word for two roles.
AgainstOption = Annotated[Optional[list[str]], typer.Option("--against", hidden=True)]  # noqa: UP007


def _baseline_and_candidate(
    baseline: list[str] | None, rules: list[str] | None, against: list[str] | None
) -> tuple[list[str], list[str]]:
    """(baseline sets, candidate sets); the old spelling ``-r OLD --against NEW`` still works, with a note."""
    if against:
        typer.echo("cleaner: --against is deprecated: use --baseline OLD --rules NEW", err=True)
        return rules or [], against
    if not rules:
        raise _fail("give the candidate rule sets with -r/--rules (and the current ones with --baseline)")
    return baseline or [], rules


@app.command()
def diff(  # noqa: PLR0913
    corpus: Annotated[list[str], typer.Argument(metavar="INPUT", help="Raw documents: directories, files (txt, JSONL, parquet), globs or '-'.")],  # noqa: E501
    rules: Annotated[Optional[list[str]], typer.Option("--rules", "-r", metavar="RULES", help="The candidate rule sets (name or YAML path; repeat for several).")] = None,  # noqa: UP007, E501
    baseline: BaselineOption = None,
    against: AgainstOption = None,
    sample: Annotated[int, typer.Option(help="At most this many documents (first in path order).")] = 1000,
    glob: Annotated[Optional[str], typer.Option(help="Which files to take from directories (default: *.txt, JSONL, parquet).")] = None,  # noqa: UP007, E501
    text_field: Annotated[str, typer.Option(help="JSONL field holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL field holding the document id.")] = "id",
    url_field: Annotated[str, typer.Option(help="JSONL field holding the url, for applies_to.")] = "url",
) -> None:
    """Lines that only the candidate rules remove (+) or only the baseline removed (-), per document."""
    from itertools import islice

    from cleaner.diffing import diff_documents, summarise
    from cleaner.errors import EXIT_INTERRUPTED
    from cleaner.formats.jsonl import Fields
    from cleaner.formats.stdio import documents_of, stdout_errors

    old_sets, new_sets = _baseline_and_candidate(baseline, rules, against)
    failed: list[str] = []
    try:
        old, new = _safe_pipeline(old_sets), _safe_pipeline(new_sets)
        with documents_of(corpus, glob, Fields(text_field, id_field, url_field)) as docs:
            diffs = diff_documents(islice(docs, sample), old, new, failed.append)
        with stdout_errors():
            _print_diffs(diffs, summarise(diffs))
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted", EXIT_INTERRUPTED) from None
    for error in failed[:MAX_ERRORS_SHOWN]:
        typer.echo(f"cleaner: {error}", err=True)
    if failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def _print_diffs(diffs: list, summary: dict) -> None:  # type: ignore[type-arg]
    for d in diffs:
        if not d.changed:
            continue
        typer.echo(f"== {d.name}")
        for number, rule, text in d.newly_removed:
            typer.echo(f"+ {number:>5} {rule}: {text}")
        for number, rule, text in d.newly_kept:
            typer.echo(f"- {number:>5} {rule}: {text}")
    typer.echo(
        f"{summary['documents_changed']} of {summary['documents']} documents changed; "
        f"{summary['lines_newly_removed']} lines newly removed, {summary['lines_newly_kept']} newly kept"
    )
    for label in ("newly_removed_by_rule", "newly_kept_by_rule"):
        for rule, count in summary[label].items():
            typer.echo(f"  {label.split('_by')[0].replace('_', ' ')} by {rule}: {count}")


class GroupBy(str, Enum):
    url_host = "url-host"
    dir = "dir"


@app.command()
def suggest(
    corpus: Annotated[list[Path], typer.Argument(help="Directories or files of raw documents (txt or JSONL).")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the draft here (default: stdout).")] = None,  # noqa: UP007, E501
    min_docs: Annotated[int, typer.Option(metavar="N", callback=_positive, help="Propose lines found in at least this many documents.")] = 20,  # noqa: E501
    min_share: Annotated[float, typer.Option(metavar="SHARE", callback=_share, help="... and in at least this share of the documents.")] = 0.05,  # noqa: E501
    group_by: Annotated[Optional[GroupBy], typer.Option(help="Propose one site-specific set per url host or top directory.")] = None,  # noqa: UP007, E501
    baseline: Annotated[Optional[list[str]], typer.Option("--baseline", "-b", metavar="RULES", help="Skip lines these rule sets already remove, in their own documents.")] = None,  # noqa: UP007, E501
    against: AgainstOption = None,
    text_field: Annotated[str, typer.Option(help="JSONL field holding the text.")] = "text",
    url_field: Annotated[str, typer.Option(help="JSONL field holding the url (for --group-by url-host).")] = "url",
) -> None:
    """Mine a corpus for repeated chrome and write draft rules to review, lint, test and diff."""
    from cleaner.suggest import suggest as mine

    try:
        if against:
            typer.echo("cleaner: --against is deprecated: use --baseline", err=True)
        baseline = baseline or against
        known = Pipeline.from_rules(*baseline) if baseline else None
        drafts = mine(corpus, min_docs, min_share, group_by.value if group_by else None, known, text_field, url_field)
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    if output is None:
        sys.stdout.write("\n---\n".join(drafts.values()) if len(drafts) > 1 else "".join(drafts.values()))
        return
    for text in drafts.values():
        target = output
        if len(drafts) > 1:
            slug = text.split("\n", 1)[0].removeprefix("name: ")
            target = output.with_name(f"{output.stem}.{slug}{output.suffix or '.yaml'}")
        write_text_atomic(target, text)
        typer.echo(f"wrote {target} ({text.count('  - id: ')} rules)", err=True)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
