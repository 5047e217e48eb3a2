"""``harness run``: the main job, every stage against one target, one report directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from harness.cli.console import announce, err, finish, out, say
from harness.cli.options import (
    AdminToken,
    AllowProduction,
    BaselineFile,
    BaseUrl,
    MaxAnswerBytes,
    MaxRetryWait,
    OtherToken,
    ReportDir,
    SpecOption,
    Timeout,
    Token,
    WriteBaseline,
    bounds,
)
from harness.limits import Limits


def dry_run_plans(plan: Any, limits: Limits, spec: Any, base_url: str | None, allow_production: bool,
                  other_tenant: bool, report_dir: Path) -> None:
    """Each load stage's plan (in its folder's plan.json), and a line for each stage that sends no load."""
    from harness.cli.plan import show_plan  # noqa: PLC0415
    from harness.run import LoadStage, stages  # noqa: PLC0415

    for stage in stages():
        if isinstance(stage, LoadStage):
            show_plan(stage.options(plan, limits), spec, base_url, allow_production, other_tenant,
                      report_dir / stage.folder)
        else:
            say(f"{stage.name}: {stage.sends(plan)}")
    say(f"dry run: nothing was sent; the plans are in {report_dir}/*/plan.json")


def run(
    base_url: BaseUrl = None,
    token: Token = None,
    admin_token: AdminToken = None,
    other_token: OtherToken = None,
    quick: Annotated[bool, typer.Option(help="Smaller budgets everywhere: the whole run in about half a minute.")
                     ] = False,
    timeout: Timeout = Limits.request_seconds,
    max_answer_bytes: MaxAnswerBytes = Limits.max_answer_bytes,
    max_retry_wait: MaxRetryWait = Limits.max_retry_wait,
    spec: SpecOption = None,
    report_dir: ReportDir = Path("reports"),
    baseline: BaselineFile = None,
    write_baseline: WriteBaseline = None,
    baseline_spec: Annotated[Path | None, typer.Option(
        help="The spec clients are written against today: a stage reports what --spec breaks for them "
             "(harness spec diff; a change at ERR fails the run).", show_default=False)] = None,
    allow_production: AllowProduction = False,
    dry_run: Annotated[bool, typer.Option(help="Print what each load stage would send and exit 0 having started "
                                               "and sent nothing.")] = False,
) -> None:
    """Run everything (lint, contract, load, throttle, SDK check): exit 0 clean, 1 findings, 2 an error."""
    import time  # noqa: PLC0415

    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    from harness.baseline import load as load_baseline  # noqa: PLC0415
    from harness.baseline import write  # noqa: PLC0415
    from harness.neutral import neutralise  # noqa: PLC0415
    from harness.progress import progress_bar  # noqa: PLC0415
    from harness.reports.html import write_index  # noqa: PLC0415
    from harness.reports.text import STYLE  # noqa: PLC0415
    from harness.run import RunContext, RunPlan, run_all  # noqa: PLC0415
    from harness.spec import load_spec  # noqa: PLC0415
    from harness.targets import resolve  # noqa: PLC0415

    started = time.monotonic()
    loaded = load_spec(spec)
    if baseline_spec is not None:
        load_spec(baseline_spec)  # an unusable baseline spec stops the run before it starts
    known = load_baseline(baseline) if baseline else None  # a broken baseline stops the run before it starts
    limits = bounds(timeout, max_answer_bytes, max_retry_wait)
    if dry_run:
        dry_run_plans(RunPlan(quick=quick), limits, loaded, base_url, allow_production,
                      other_token is not None or base_url is None, report_dir)
        raise typer.Exit(0)
    with resolve(base_url, token, admin_token=admin_token, spec=spec, other_token=other_token,
                 allow_production=allow_production, second_tenant=True) as target:
        announce(f"harness run against {target.label}{' (quick)' if quick else ''}", target.cautions)
        with progress_bar(err) as on_progress:
            stages = run_all(RunContext(target, loaded, RunPlan(quick=quick), report_dir, on_progress, limits,
                                        known, baseline_spec))
        label = target.label
    if write_baseline:
        count = write(write_baseline, [report for _, report, _ in stages], known)
        say(f"baseline: {count} findings written to {write_baseline}")
    index = write_index(stages, label, report_dir, time.monotonic() - started)
    table = Table(title=f"harness run against {label}")
    for column in ("stage", "verdict", "key figures", "time"):
        table.add_column(column, overflow="fold")
    for name, report, _ in stages:
        table.add_row(name, Text(report.outcome.value, style=STYLE[report.outcome]), Text(neutralise(report.summary)),
                      f"{report.seconds:.1f}s")
    out.print(table)
    for name, report, _ in stages:
        for row in [row for row in report.rows if row.outcome.value in ("failed", "error", "warned")][:5]:
            out.print(Text.assemble((name, STYLE[row.outcome]),
                                    f": {row.name} {row.subject}: {neutralise(row.message)}"))
    say(f"report: {index}")
    finish(report for _, report, _ in stages)
