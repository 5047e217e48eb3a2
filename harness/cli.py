"""The ``harness`` command line.

Exit codes are the same for every command so CI can gate on them: 0 clean,
1 findings (defects, contract failures, SLO breaches), 2 the harness could
not do its job (bad input, spec unusable, target unreachable); the reason is
printed in one line with what to do about it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from harness.lint import lint
from harness.spec import Spec, SpecError, load_spec

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(help="Contract and load testing harness for Togai's event-ingestion API.",
                  no_args_is_help=True, add_completion=False)
spec_app = typer.Typer(help="Read and check an OpenAPI spec of the ingestion API.",
                       no_args_is_help=True)
app.add_typer(spec_app, name="spec")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

SpecPath = Annotated[Path | None, typer.Argument(
    help="Spec file (YAML or JSON); the bundled spec when left out.", show_default=False)]


def _load(path: Path | None) -> Spec:
    try:
        return load_spec(path)
    except SpecError as error:
        err.print(f"[red]error:[/red] the spec cannot be used ({len(error.problems)} problem(s)); "
                  "fix each place named below:", highlight=False)
        for problem in error.problems:
            err.print(f"  {error.path}#{problem}", highlight=False, markup=False)
        raise typer.Exit(EXIT_ERROR) from None


@spec_app.command("lint")
def spec_lint(path: SpecPath = None) -> None:
    """Report each place where the spec contradicts itself; exit 1 when any."""
    spec = _load(path)
    defects = lint(spec)
    for defect in defects:
        out.print(defect.line(spec), highlight=False, markup=False, soft_wrap=True)
    if defects:
        err.print(f"{len(defects)} defect(s) in {spec.path}", highlight=False)
        raise typer.Exit(EXIT_FINDINGS)
    err.print(f"{spec.path}: clean", highlight=False)


@spec_app.command("show")
def spec_show(path: SpecPath = None) -> None:
    """Print the operations, their documented statuses and the limits the harness reads."""
    spec = _load(path)
    operations = Table(title=f"Operations of {spec.path.name}")
    for column in ("operationId", "method", "path", "documented statuses"):
        operations.add_column(column)
    for op in spec.operations.values():
        operations.add_row(op.operation_id, op.method, op.path, ", ".join(op.statuses))
    out.print(operations)
    limits = Table(title="Request constraints (ingestBatch)")
    for column in ("field", "constraint", "value"):
        limits.add_column(column)
    for constraint in spec.constraints(spec.batch):
        if constraint.keyword not in ("type", "required", "additionalProperties"):
            limits.add_row(constraint.dotted, constraint.keyword, str(constraint.value))
    out.print(limits)


def main() -> None:
    app()
