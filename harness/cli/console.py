"""The two consoles every command writes to: results on stdout, progress and errors on stderr."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from harness.errors import HarnessError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def say(text: str) -> None:
    """A plain line on stderr (what the command is doing, where a report went)."""
    err.print(text, highlight=False, markup=False)


def show_error(error: HarnessError | OSError) -> None:
    """The reason in one line, then any detail lines (each problem of a broken spec)."""
    err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
    for line in getattr(error, "details", ()):
        err.print(f"  {line}", highlight=False, markup=False)
