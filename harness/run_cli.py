"""``harness run``: the command-line face of the main job."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.html_report import write_index
from harness.options import AdminToken, AllowProduction, BaseUrl, ReportDir, SpecOption, Token
from harness.run import RunPlan, Stage, exit_code, run_all
from harness.spec import load_spec
from harness.targets import resolve
from harness.terminal import err, one_line_errors, out

STYLE = {"passed": "green", "failed": "bold red", "error": "bold red", "skipped": "yellow"}


def show(stages: list[Stage], target: str) -> None:
    table = Table(title=f"harness run against {target}")
    for column in ("stage", "verdict", "key figures", "time"):
        table.add_column(column, overflow="fold")
    for stage in stages:
        table.add_row(stage.name, f"[{STYLE[stage.verdict]}]{stage.verdict}[/]", stage.figures,
                      f"{stage.seconds:.1f}s")
    out.print(table)
    for stage in stages:
        for finding in stage.findings[:5]:
            out.print(f"[{STYLE[stage.verdict]}]{stage.name}[/]: {finding}", highlight=False)


def run(
    base_url: BaseUrl = None,
    token: Token = None,
    admin_token: AdminToken = None,
    quick: Annotated[bool, typer.Option(help="Smaller budgets everywhere: the whole run in about a minute.")
                     ] = False,
    spec: SpecOption = None,
    report_dir: ReportDir = Path("reports"),
    allow_production: AllowProduction = False,
) -> None:
    """Run everything (lint, contract, load, throttle, SDK check): exit 0 clean, 1 findings, 2 an error."""
    started = time.monotonic()
    with one_line_errors():
        loaded = load_spec(spec)
        with resolve(base_url, token, admin_token=admin_token, allow_production=allow_production) as target:
            err.print(f"harness run against {target.label}{' (quick)' if quick else ''}", highlight=False)
            with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                          transient=True) as bar:
                task = bar.add_task("starting")

                def on_stage(name: str) -> None:
                    bar.update(task, description=f"stage: {name}")
                    if not err.is_terminal:
                        err.print(f"stage: {name}", highlight=False)

                stages = run_all(target, loaded, RunPlan(quick=quick), report_dir, on_stage)
            label = target.label
    index = write_index(stages, label, report_dir, time.monotonic() - started)
    show(stages, label)
    err.print(f"report: {index}", highlight=False)
    raise typer.Exit(exit_code(stages))
