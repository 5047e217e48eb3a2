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
from rich.table import Table

from harness.facts import DOCUMENTED_QUOTA
from harness.lint import lint
from harness.reference.config import DEFAULT_MAX_BODY_BYTES, Latency, Outage, TargetConfig
from harness.reference.server import serve as run_target
from harness.settings import SettingsError, default_map
from harness.spec import Spec, SpecError, load_spec
from harness.terminal import EXIT_ERROR, EXIT_FINDINGS, err, fail, out

app = typer.Typer(help="Contract and load testing harness for Togai's event-ingestion API.",
                  no_args_is_help=True, add_completion=False)
spec_app = typer.Typer(help="Read and check an OpenAPI spec of the ingestion API.",
                       no_args_is_help=True)
app.add_typer(spec_app, name="spec")

CONFIGURABLE = ("contract", "load", "sdk", "run")


@app.callback()
def options_from_file(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(
        "--config", help="TOML file of option defaults (a target table and one table per command); "
                         "harness.toml when present. Flags and environment win.", show_default=False)] = None,
) -> None:
    """Contract and load testing harness for Togai's event-ingestion API."""
    commands = {name: {param.name for param in command.params if param.name}
                for name, command in getattr(ctx.command, "commands", {}).items() if name in CONFIGURABLE}
    try:
        ctx.default_map = default_map(config, commands)
    except SettingsError as error:
        fail(str(error))


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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; 0 picks a free one (printed at start).")] = 8080,
    token: Annotated[list[str] | None, typer.Option(
        "--token", envvar="HARNESS_TOKEN", help="Bearer token of a tenant; repeat for several tenants.",
        show_default=False)] = None,
    db: Annotated[str, typer.Option(help="SQLite file for durable storage, or :memory:.")] = ".harness/target.db",
    rate: Annotated[float, typer.Option(help="Quota per tenant and operation, requests/s.")] = DOCUMENTED_QUOTA,
    burst: Annotated[float | None, typer.Option(help="Bucket capacity; one second of quota when unset.",
                                                 show_default=False)] = None,
    batch_max: Annotated[int | None, typer.Option(help="Events per batch; the spec's maxItems when unset.",
                                                  show_default=False)] = None,
    max_body_bytes: Annotated[int, typer.Option(help="Larger bodies get 422.")] = DEFAULT_MAX_BODY_BYTES,
    admin_token: Annotated[str | None, typer.Option(
        envvar="HARNESS_ADMIN_TOKEN", help="Enables the /_harness/ admin API (read-back, faults).",
        show_default=False)] = None,
    unauth_quota: Annotated[int | None, typer.Option(
        help="Unauthenticated requests allowed per client IP per 30 minutes (the documented 5); off when unset.",
        show_default=False)] = None,
    latency: Annotated[str | None, typer.Option(help="Added latency: 50ms, uniform:10ms:100ms, exp:50ms.",
                                                show_default=False)] = None,
    error_ratio: Annotated[float, typer.Option(help="Share of requests answered 503.")] = 0.0,
    outage: Annotated[str | None, typer.Option(help="503 window START:DURATION after start, e.g. 10s:5s.",
                                               show_default=False)] = None,
    spec: Annotated[Path | None, typer.Option(help="Spec to serve; the bundled one when unset.",
                                              show_default=False)] = None,
) -> None:
    """Run the reference target until Ctrl-C or SIGTERM (which finishes requests in flight and commits)."""
    _load(spec)
    try:
        config = TargetConfig(
            tokens=tuple(token) if token else TargetConfig().tokens, db=db, rate=rate, burst=burst,
            batch_max=batch_max, max_body_bytes=max_body_bytes, admin_token=admin_token,
            unauth_quota=unauth_quota, latency=Latency.parse(latency) if latency else Latency(),
            error_ratio=error_ratio, outage=Outage.parse(outage) if outage else None, spec_path=spec)
        if config.durable:
            Path(config.db).resolve().parent.mkdir(parents=True, exist_ok=True)
        run_target(config, host, port, announce=lambda url: err.print(
            f"reference target listening on {url} ({len(config.tokens)} tenant(s); admin API "
            f"{'on' if config.admin_token else 'off'}; storage {config.db})", highlight=False))
    except (ValueError, OSError) as error:
        fail(str(error))


from harness.contract.cli import contract  # noqa: E402  (commands register on the app above)
from harness.load.cli import load  # noqa: E402
from harness.run_cli import run  # noqa: E402
from harness.sdk.cli import sdk  # noqa: E402

app.command(help=contract.__doc__)(contract)
app.command(help=load.__doc__, context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(load)
app.command(help=sdk.__doc__)(sdk)
app.command(help=run.__doc__)(run)


def main() -> None:
    app()
