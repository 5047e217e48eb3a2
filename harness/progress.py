"""How a long run says where it is: one callback type for every engine, one display for the terminal.

Engines call ``on_progress(description, done, total)`` (``total`` None when
unknown, e.g. a load run's elapsed seconds against its bound). The terminal
shows a bar; when stderr is not a terminal (CI logs), each new description
is printed once as a plain line instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

OnProgress = Callable[[str, float, float | None], None]


def ignore_progress(description: str, done: float, total: float | None) -> None:
    """The default ``on_progress``: say nothing."""


@contextmanager
def progress_bar(console: Console) -> Iterator[OnProgress]:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        printed: set[str] = set()

        def on_progress(description: str, done: float, total: float | None) -> None:
            bar.update(task, description=description, completed=done, total=total)
            if not console.is_terminal and description not in printed:
                printed.add(description)
                console.print(description, highlight=False, markup=False)

        yield on_progress
