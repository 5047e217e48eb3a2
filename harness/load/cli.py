"""``harness load``: run a Locust scenario headless against a target, then judge SLOs and throttling."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.durations import parse_duration
from harness.facts import DOCUMENTED_QUOTA
from harness.load.report import junit_cases, key_figures, write_reports
from harness.load.runner import LoadOptions, LoadReport, run_load
from harness.load.scenarios import SCENARIOS, locustfile
from harness.load.slo import parse_slos
from harness.options import AdminToken, AllowProduction, BaseUrl, ReportDir, SpecOption, Token
from harness.spec import load_spec
from harness.targets import preflight, resolve
from harness.terminal import err, one_line_errors, out

THROTTLE_STEP_OVERHEAD = 4.0  # seconds per step beyond --step-seconds: drain, rest, honesty probe


def _seconds(value: str, option: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


def run_worker(scenario: str, master_host: str, master_port: int, token: str | None) -> None:
    """A Locust worker for a master elsewhere; it prints Locust's own output and exits with its code."""
    command = [sys.executable, "-m", "locust", "-f", str(locustfile(scenario)), "--worker",
               "--master-host", master_host, "--master-port", str(master_port)]
    environment = {**os.environ, "HARNESS_TOKEN": token or ""}
    raise typer.Exit(subprocess.run(command, env=environment, check=False).returncode)


def show(report: LoadReport) -> None:
    table = Table(title=f"Load scenario {report.scenario} against {report.target}")
    table.add_column("figure")
    table.add_column("value", overflow="fold")
    for name, value in key_figures(report):
        table.add_row(name, value)
    out.print(table)
    checks = Table(title="Verdicts")
    for column in ("check", "verdict", "detail"):
        checks.add_column(column, overflow="fold")
    for case in junit_cases(report):
        style = "green" if case.outcome == "passed" else "bold red"
        checks.add_row(f"{case.suite}: {case.name}", f"[{style}]{case.outcome}[/]", case.message)
    out.print(checks)


def load(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Option(help=f"One of: {', '.join(SCENARIOS)}.")] = "batch_throughput",
    base_url: BaseUrl = None,
    token: Token = None,
    admin_token: AdminToken = None,
    users: Annotated[int | None, typer.Option(min=1, help="Closed-loop users (scenario default when unset).",
                                              show_default=False)] = None,
    rate: Annotated[float | None, typer.Option(min=0.01, help="Total requests/s, shared by the users.",
                                               show_default=False)] = None,
    run_time: Annotated[str | None, typer.Option(help="Bound of the run, e.g. 60s or 10m (60s; the throttle "
                                                      "scenario's steps decide its own).", show_default=False)] = None,
    processes: Annotated[int, typer.Option(min=1, help="Locust worker processes on this machine.")] = 1,
    master: Annotated[bool, typer.Option(help="Run as Locust master; workers join with --worker.")] = False,
    expect_workers: Annotated[int, typer.Option(min=1, help="Workers the master waits for.")] = 1,
    worker: Annotated[bool, typer.Option(help="Run as a Locust worker of --master-host.")] = False,
    master_host: Annotated[str, typer.Option(help="Master to join, with --worker.")] = "127.0.0.1",
    master_port: Annotated[int, typer.Option(help="Master's port.")] = 5557,
    slo: Annotated[str, typer.Option(help="Objectives, e.g. 'p95<300ms,p99<1s,errors<0.1%,events_per_s>=20000'.")
                   ] = "",
    expect_quota: Annotated[float, typer.Option(min=0.1, help="Documented quota, requests/s per operation.")
                            ] = DOCUMENTED_QUOTA,
    tolerance: Annotated[float, typer.Option(min=0.0, max=1.0, help="Allowed onset error, as a fraction.")] = 0.10,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Events per batch (spec's maxItems when unset).",
                                                   show_default=False)] = None,
    spec: SpecOption = None,
    report_dir: ReportDir = Path("reports/load"),
    allow_production: AllowProduction = False,
) -> None:
    """Load-test a target with a Locust scenario: exit 0 all met, 1 a breach, 2 harness or connection error.

    Arguments after the options go to Locust and the locustfile as they are (e.g. --steps 0.5,1,2).
    """
    if scenario not in SCENARIOS:
        raise typer.BadParameter(f"choose from {', '.join(SCENARIOS)}", param_hint="--scenario")
    if worker:
        run_worker(scenario, master_host, master_port, token)
    try:
        slos = tuple(parse_slos(slo))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--slo") from None
    steps = next((ctx.args[i + 1] for i, a in enumerate(ctx.args[:-1]) if a == "--steps"), "0.5,0.9,1.1,1.5,2")
    default_time = len(steps.split(",")) * (5 + THROTTLE_STEP_OVERHEAD) if scenario == "throttle" else 60.0
    seconds = _seconds(run_time, "--run-time") if run_time else default_time
    options = LoadOptions(scenario=scenario, users=users, rate=rate, run_time=seconds, processes=processes,
                          master=master, expect_workers=expect_workers, master_bind_port=master_port, slos=slos,
                          expect_quota=expect_quota, tolerance=tolerance, batch_size=batch_size,
                          extra=tuple(ctx.args))
    with one_line_errors():
        loaded = load_spec(spec)
        with resolve(base_url, token, admin_token=admin_token, allow_production=allow_production) as target:
            preflight(loaded, target, timeout=30)
            err.print(f"load scenario {scenario} against {target.label} for up to {seconds:.0f}s", highlight=False)
            with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err,
                          transient=True) as bar:
                task = bar.add_task(f"locust {scenario}", total=seconds)
                report = run_load(target, loaded, options, report_dir,
                                  on_tick=lambda elapsed: bar.update(task, completed=min(elapsed, seconds)))
    paths = write_reports(report, report_dir)
    show(report)
    for path in paths:
        err.print(f"report: {path}", highlight=False)
    raise typer.Exit(report.exit_code)
