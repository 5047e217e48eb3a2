"""``harness contract``: prove the contract against a target (schemathesis plus our own checks)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
from harness.contract.registry import names as check_names
from harness.durations import parse_duration
from harness.limits import Limits


def parse_checks(values: list[str] | None) -> tuple[str, ...]:
    names = tuple(name.strip() for value in values or () for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in check_names()]
    if unknown:
        raise typer.BadParameter(f"unknown check(s) {', '.join(unknown)}; choose from {', '.join(check_names())}",
                                 param_hint="--checks")
    return names


def contract(
    base_url: BaseUrl = None,
    token: Token = None,
    admin_token: AdminToken = None,
    other_token: OtherToken = None,
    spec: SpecOption = None,
    max_examples: Annotated[int, typer.Option(min=1, help="Schemathesis examples per phase and operation.")] = 30,
    seed: Annotated[int, typer.Option(help="Seed of generated data; a failure reproduces with the same seed.")] = 0,
    report_dir: ReportDir = Path("reports/contract"),
    checks: Annotated[list[str] | None, typer.Option(
        help=f"Only these checks (comma-separated or repeated): {', '.join(check_names())}.",
        show_default=False)] = None,
    unauth_budget_: Annotated[int | None, typer.Option(
        "--unauth-budget", min=0, help="Requests without valid credentials the run may send (the documented quota "
                                       "of 5 per 30 minutes by default; never more on Togai's hosts).",
        show_default=False)] = None,
    max_body_bytes: Annotated[int | None, typer.Option(
        min=1, help="The target's byte limit, for the byte-limit check (known for the embedded target).",
        show_default=False)] = None,
    timeout: Timeout = Limits.request_seconds,
    max_answer_bytes: MaxAnswerBytes = Limits.max_answer_bytes,
    max_retry_wait: MaxRetryWait = Limits.max_retry_wait,
    time_budget: Annotated[str, typer.Option(help="Bound of the whole run, e.g. 10m; checks not begun by then are "
                                                  "reported as not run (exit 2).")] = "10m",
    baseline: BaselineFile = None,
    write_baseline: WriteBaseline = None,
    allow_production: AllowProduction = False,
) -> None:
    """Prove the contract against a target: exit 0 clean, 1 contract failures, 2 harness or connection error."""
    from harness.baseline import judge, write  # noqa: PLC0415
    from harness.baseline import load as load_baseline  # noqa: PLC0415
    from harness.contract.runner import ContractOptions, run_contract  # noqa: PLC0415
    from harness.progress import progress_bar  # noqa: PLC0415
    from harness.reports import write_all  # noqa: PLC0415
    from harness.reports.console import show  # noqa: PLC0415
    from harness.spec import load_spec  # noqa: PLC0415
    from harness.targets import resolve, unauth_budget  # noqa: PLC0415

    selected = parse_checks(checks)
    try:
        seconds = parse_duration(time_budget)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--time-budget") from None
    load_spec(spec)
    known = load_baseline(baseline) if baseline else None  # a broken baseline stops the run before it starts
    limits = bounds(timeout, max_answer_bytes, max_retry_wait)
    with resolve(base_url, token, admin_token=admin_token, spec=spec, other_token=other_token,
                 max_body_bytes=max_body_bytes, allow_production=allow_production, second_tenant=True) as target:
        options = ContractOptions(spec_path=spec, max_examples=max_examples, seed=seed, checks=selected,
                                  unauth_budget=unauth_budget(target.base_url, unauth_budget_), limits=limits,
                                  time_budget=seconds)
        announce(f"contract suite against {target.label}", target.cautions)
        with progress_bar(err) as on_progress:
            report = run_contract(target, options, on_progress)
    report = judge(report, known) if known else report
    if write_baseline:
        say(f"baseline: {write(write_baseline, [report], known)} findings written to {write_baseline}")
    show(report, out)
    for path in write_all(report, report_dir):
        say(f"report: {path}")
    finish([report])
