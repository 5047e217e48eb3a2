"""The two consoles every command writes to: results on stdout, progress and errors on stderr."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from harness.errors import HarnessError
from harness.neutral import neutralise
from harness.redaction import SCRUBBER, ScrubbedStream, clip
from harness.trail import run_id
from harness.verdicts import EXIT_ERROR, Outcome, Report, exit_code

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@contextlib.contextmanager
def scrubbed_output() -> Iterator[None]:
    """stdout and stderr through the scrubber for one invocation (Rich's consoles write to them when they print)."""
    streams = sys.stdout, sys.stderr
    with SCRUBBER.scope():
        sys.stdout, sys.stderr = ScrubbedStream(sys.stdout), ScrubbedStream(sys.stderr)  # type: ignore[assignment]
        try:
            yield
        finally:
            sys.stdout, sys.stderr = streams


def say(text: str) -> None:
    """A plain line on stderr (what the command is doing, where a report went)."""
    err.print(text, highlight=False, markup=False)


def announce(line: str, cautions: tuple[str, ...]) -> None:
    """What the command is about to do, and any caution about its target (a token that looks like a word)."""
    say(f"{line} (run {run_id()})")
    for caution in cautions:
        err.print(f"[yellow]caution:[/yellow] {escape(caution)}", highlight=False)


def show_error(error: HarnessError | OSError) -> None:
    """The reason in one line, then any detail lines (each problem of a broken spec)."""
    err.print(f"[red]error:[/red] {escape(neutralise(str(error)))}", highlight=False)
    for line in getattr(error, "details", ()):
        err.print(f"  {line}", highlight=False, markup=False)


def finish(reports: Iterable[Report]) -> NoReturn:
    """Exit with the reports' code; when it is 2, the last line on stderr says why in one line."""
    reports = list(reports)
    code = exit_code(reports)
    if code == EXIT_ERROR:
        errors = [row for report in reports for row in report.rows if row.outcome is Outcome.ERROR]
        count = f"{len(errors)} rows could not be judged; the first: " if len(errors) > 1 else ""
        reason = f"{count}{errors[0].label}: {clip(' '.join(errors[0].message.split()), 300)}" if errors else ""
        err.print(f"[red]error:[/red] {escape(reason)}", highlight=False)
    raise typer.Exit(code)
