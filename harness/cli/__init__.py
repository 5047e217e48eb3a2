"""The ``harness`` command line: one thin module per command, each importing its engine only when it runs.

Exit codes are the same for every command so CI can gate on them
(``harness.verdicts``): 0 clean, 1 findings, 2 the harness could not do its
job. Every :class:`~harness.errors.HarnessError` (and an OS error such as a
report directory that cannot be written) is turned into exit 2 and a
one-line reason here, in :class:`HarnessGroup`, and nowhere else.
``harness --help``, ``serve`` and ``spec`` import neither schemathesis,
Locust nor matplotlib.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from harness.cli import contract, load, run, sdk, serve, spec
from harness.cli.console import scrubbed_output, show_error
from harness.cli.settings import default_map
from harness.errors import HarnessError
from harness.facts import OPERATIONS_ENV
from harness.verdicts import EXIT_ERROR

CONFIGURABLE = ("contract", "load", "sdk", "run")
DISTRIBUTION = "togai-ingestion-harness"


class HarnessGroup(TyperGroup):
    """Typer's group, with the one place where an error of the harness becomes exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        with scrubbed_output():  # no secret of the run reaches stdout or stderr, whatever wrote it
            try:
                return super().invoke(ctx)
            except BrokenPipeError:  # the reader went away (``| head``): nothing left to say
                raise typer.Exit(EXIT_ERROR) from None
            except (HarnessError, OSError) as error:
                show_error(error)
                raise typer.Exit(EXIT_ERROR) from None


app = typer.Typer(cls=HarnessGroup, help="Contract and load testing harness for Togai's event-ingestion API.",
                  no_args_is_help=True, add_completion=False)


def show_version(asked: bool) -> None:
    """Print the installed harness's version and stop, before any other option is read."""
    if asked:
        from importlib.metadata import version  # noqa: PLC0415  (only when asked)

        typer.echo(f"harness {version(DISTRIBUTION)}")
        raise typer.Exit


@app.callback()
def options_from_file(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", help="TOML file of option defaults (a target table and one table per command); "
                         "harness.toml when present. Flags and environment win.", show_default=False)] = None,
    operations: Annotated[str | None, typer.Option(
        "--operations", envvar=OPERATIONS_ENV, help="The operationIds of a document that names the two operations "
                                                    "otherwise, e.g. 'ingest=postEvent,ingestBatch=postEvents'.",
        show_default=False)] = None,
    _version: Annotated[bool, typer.Option(
        "--version", callback=show_version, is_eager=True, help="Print the harness's version and exit.")] = False,
) -> None:
    """Contract and load testing harness for Togai's event-ingestion API."""
    if operations:
        from harness.spec import operation_ids  # noqa: PLC0415  (the help stays light)

        os.environ[OPERATIONS_ENV] = operations  # read by every spec load, Locust's and the SDK's children too
        operation_ids()  # an unusable value stops here, in one line
    commands = {name: {param.name for param in command.params if param.name}
                for name, command in getattr(ctx.command, "commands", {}).items() if name in CONFIGURABLE}
    ctx.default_map = default_map(config, commands)


app.add_typer(spec.app, name="spec")
app.command(help=serve.serve.__doc__)(serve.serve)
app.command(help=contract.contract.__doc__)(contract.contract)
app.command(help=load.load.__doc__, epilog=load.epilog(),
            context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(load.load)
app.command(help=sdk.sdk.__doc__)(sdk.sdk)
app.command(help=run.run.__doc__)(run.run)


def main() -> None:
    app()
