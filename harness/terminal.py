"""What every command shares on the terminal: the two consoles and the exit codes CI gates on.

0 clean, 1 findings (defects, contract failures, SLO breaches, SDK cells that
break), 2 the harness could not do its job (bad input, unusable spec, target
unreachable), with the reason in one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console

from harness.errors import HarnessError
from harness.spec import SpecError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(reason: str) -> NoReturn:
    """Stop with exit 2 and ``reason`` on one line of stderr."""
    err.print(f"[red]error:[/red] {reason}", highlight=False)
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Within the block, an unusable spec, a harness error or an OS error stops the command with exit 2."""
    try:
        yield
    except SpecError as error:
        fail(f"the spec cannot be used: {error.problems[0] if error.problems else error}")
    except (HarnessError, OSError) as error:
        fail(str(error))
