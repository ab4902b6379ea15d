"""The ``cleaner`` command: a thin typer shell over the library.

Each command parses its options, calls one library function, prints, and
maps ``CleanerError`` to a one-line message on stderr and an exit code
(see ``cleaner.errors``). No cleaning logic lives here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cleaner.errors import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, CleanerError
from cleaner.io import read_text, walk_inputs, write_text_atomic
from cleaner.pipeline import Pipeline

app = typer.Typer(
    name="cleaner",
    help="Remove site chrome from scraped text with YAML rule sets, then normalise it with ftfy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

RulesOption = Annotated[
    Optional[list[str]],  # noqa: UP007 - typer needs Optional here on Python 3.10
    typer.Option("--rules", "-r", help="Built-in rule set name or YAML path; repeat for several. Default: default."),
]


@app.callback()
def _root() -> None:
    """Remove site chrome from scraped text with YAML rule sets, then normalise it with ftfy."""


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"cleaner: {message}", err=True)
    return typer.Exit(code)


def _pipeline(rules: list[str] | None) -> Pipeline:
    return Pipeline.from_rules(*(rules or []))


@app.command()
def clean(
    inputs: Annotated[Optional[list[str]], typer.Argument(help="Files or directories; '-' or nothing reads stdin.")] = None,  # noqa: UP007, E501
    rules: RulesOption = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Output directory (mirrors input paths).")] = None,  # noqa: UP007, E501
    glob: Annotated[str, typer.Option(help="Which files to take from directories.")] = "*.txt",
) -> None:
    """Clean files, directories or stdin. One file and no -o prints the clean text."""
    try:
        pipeline = _pipeline(rules)
        items = inputs or ["-"]
        if items == ["-"]:
            text = sys.stdin.read()
            sys.stdout.write(pipeline(text))
            return
        paths = [Path(item) for item in items]
        if output is None:
            if len(paths) != 1 or paths[0].is_dir():
                raise _fail("several inputs or a directory need -o DIR")
            sys.stdout.write(pipeline(read_text(paths[0])))
            return
        failed = 0
        for file, relative in walk_inputs(paths, glob):
            try:
                write_text_atomic(output / relative, pipeline(read_text(file)))
            except CleanerError as exc:
                failed += 1
                typer.echo(f"cleaner: {exc}", err=True)
        if failed:
            raise typer.Exit(EXIT_SOME_FAILED)
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None


@app.command("eval")
def eval_(
    folder: Annotated[Path, typer.Argument(help="Labelled pages: <doc>/raw.txt + <doc>/gold.txt.")],
    rules: RulesOption = None,
    group: Annotated[bool, typer.Option(help="Also total by the prefix before '-' (the language).")] = True,
) -> None:
    """Content kept and chrome removed on labelled pages, and the rules behind each lost line."""
    from cleaner.evaluate import evaluate, summarise

    try:
        if not folder.is_dir():
            raise _fail(f"{folder}: not a directory")
        scores = evaluate(folder, _pipeline(rules))
    except CleanerError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    if not scores:
        raise _fail(f"{folder}: no <doc>/raw.txt + gold.txt folders")
    for s in scores:
        typer.echo(f"{s.name:16} kept {s.kept:7.2%}  chrome removed {s.removed:7.2%}")
        for rule_id, line in s.lost_lines:
            typer.echo(f"{'':16}   lost by {rule_id}: {line[:70]}")
    groups = {"all": scores}
    if group:
        for s in scores:
            groups.setdefault(s.name.split("-")[0], []).append(s)
    for name, members in groups.items():
        m = summarise(members)
        typer.echo(
            f"{name:>5}: documents={m.documents} content_kept={m.content_kept:.2%} "
            f"chrome_removed={m.chrome_removed:.2%} docs_losing_content={m.docs_losing_content} "
            f"worst_kept={m.worst_kept:.2%}"
        )


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(EXIT_OK)
