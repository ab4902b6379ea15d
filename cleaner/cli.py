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


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(EXIT_OK)
