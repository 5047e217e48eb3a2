"""``harness spec lint``, ``show`` and ``diff``: read, check and compare OpenAPI specs of the ingestion API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.console import finish, out, say
from harness.cli.options import ReportDir
from harness.verdicts import EXIT_FINDINGS

app = typer.Typer(help="Read and check an OpenAPI spec of the ingestion API.", no_args_is_help=True)

SpecPath = Annotated[Path | None, typer.Argument(
    help="Spec file (YAML or JSON); the bundled spec when left out.", show_default=False)]


@app.command("lint")
def lint(path: SpecPath = None) -> None:
    """Report each place where the spec contradicts itself; exit 1 when any."""
    from harness.lint import lint as find_defects  # noqa: PLC0415
    from harness.spec import load_spec  # noqa: PLC0415

    spec = load_spec(path)
    defects = find_defects(spec)
    for defect in defects:
        out.print(defect.line(spec), highlight=False, markup=False, soft_wrap=True)
    if defects:
        say(f"{len(defects)} defect(s) in {spec.path}")
        raise typer.Exit(EXIT_FINDINGS)
    say(f"{spec.path}: clean")


@app.command("show")
def show(path: SpecPath = None) -> None:
    """Print the operations, their documented statuses and the limits the harness reads."""
    from rich.table import Table  # noqa: PLC0415

    from harness.spec import load_spec  # noqa: PLC0415

    spec = load_spec(path)
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


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="The spec clients and servers are written against today.")],
    new: Annotated[Path, typer.Argument(help="The new version.")],
    fail_on: Annotated[str, typer.Option(help="The least severe change that fails the run: ERR (breaks clients or "
                                              "servers written against OLD), WARN (may break) or INFO.")] = "ERR",
    report_dir: ReportDir = Path("reports/spec-diff"),
) -> None:
    """What NEW breaks for clients and servers of OLD: exit 0 nothing at --fail-on or above, 1 something, 2 unusable."""
    from harness.reports import write_all  # noqa: PLC0415
    from harness.reports.console import show as show_report  # noqa: PLC0415
    from harness.spec import load_spec  # noqa: PLC0415
    from harness.spec_diff import Severity, diff_report  # noqa: PLC0415

    threshold = Severity.__members__.get(fail_on.upper())
    if threshold is None:
        raise typer.BadParameter(f"{fail_on!r}: choose ERR, WARN or INFO", param_hint="--fail-on")
    report = diff_report(load_spec(old), load_spec(new), threshold)
    show_report(report, out)
    for written in write_all(report, report_dir):
        say(f"report: {written}")
    finish([report])
