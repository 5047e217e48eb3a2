"""``harness load``: run a Locust scenario headless against a target, then judge it."""

from __future__ import annotations

import os
import subprocess
import sys
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
from harness.durations import parse_duration
from harness.errors import ConfigError
from harness.facts import DOCUMENTED_QUOTA
from harness.limits import Limits
from harness.load.scenarios import scenario as find_scenario
from harness.load.scenarios import scenarios

UNBOUNDED_RUN = 600.0  # seconds: the bound of a scenario that ends by itself, unless --run-time is given


def epilog() -> str:
    """The scenarios and their own options, read from the locustfiles, for ``harness load --help``."""
    lines = ["Scenarios (their own options go after the others, e.g. --scenario throttle --steps 0.5,1,2):"]
    lines += [scenario.describe() for scenario in scenarios().values()]
    return "\n\n".join(lines)


def _seconds(value: str, option: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


LOCUST_TARGET_OPTIONS = ("--host", "-H")


def refuse_target_override(passed_through: list[str]) -> None:
    """Locust reads a later ``--host`` over ours: a target named there would skip the checks of --base-url."""
    for argument in passed_through:
        if argument in LOCUST_TARGET_OPTIONS or argument.startswith(("--host=", "-H=")) or (
                argument.startswith("-H") and not argument.startswith("--")):
            raise ConfigError(f"{argument.split('=')[0][:6]} after the options would send Locust to a target the "
                              "harness has not checked; give the target with --base-url")


def free_port() -> int:
    """A loopback port nothing listens on now, for Locust's web UI or the master of ``--processes``."""
    import socket  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _abort_rules(abort_on: str, no_abort: bool) -> tuple[Any, ...]:
    from harness.load.abort import parse_rules, with_default_rules  # noqa: PLC0415

    if no_abort and abort_on:
        raise typer.BadParameter("--no-abort drops every rule; give --abort-on or --no-abort", param_hint="--abort-on")
    try:
        return () if no_abort else tuple(with_default_rules(parse_rules(abort_on)))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--abort-on") from None


def _check_destination(spec: Any, account_id: str | None, tag_dimension: str | None) -> None:
    """What the spec refuses of --account-id or --tag-dimension is said before anything is sent."""
    if account_id is None and tag_dimension is None:
        return
    from harness.factory import EventFactory  # noqa: PLC0415
    from harness.trail import run_id  # noqa: PLC0415

    try:
        EventFactory(spec, account_id=account_id, tag=(tag_dimension, run_id()) if tag_dimension else None)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _flooding(options: Any, quota_paced: bool) -> list[str]:
    """A caution when the run is told to go past the quota (a shared staging's other users will feel it)."""
    if options.rate and options.rate > options.quota:
        return [f"--rate {options.rate:g}/s is above the quota of {options.quota:g}/s per operation: the target "
                "will throttle"]
    if options.unthrottled and quota_paced:
        return ["--unthrottled: each user sends as fast as the target answers, past its quota"]
    return []


def run_worker(locustfile: Path, master_host: str, master_port: int, token: str | None) -> None:
    """A Locust worker for a master elsewhere; it prints Locust's own output and exits with its code."""
    command = [sys.executable, "-m", "locust", "-f", str(locustfile), "--worker",
               "--master-host", master_host, "--master-port", str(master_port)]
    environment = {**os.environ, "HARNESS_TOKEN": token or ""}
    raise typer.Exit(subprocess.run(command, env=environment, check=False).returncode)


def load(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Option(help="A scenario of the locustfiles (listed below).")
                        ] = "batch_throughput",
    base_url: BaseUrl = None,
    token: Token = None,
    admin_token: AdminToken = None,
    users: Annotated[int | None, typer.Option(min=1, help="Closed-loop users (scenario default when unset).",
                                              show_default=False)] = None,
    rate: Annotated[float | None, typer.Option(
        min=0.01, help="Requests started per second over all users, whatever the latency (open model); 0.9 x "
                       "--quota when unset. Above the quota floods the target: said so at the start.",
        show_default=False)] = None,
    quota: Annotated[float, typer.Option(min=0.01, help="The target's quota per operation, requests/s: "
                                                          "throughput scenarios stay under it by default.")
                     ] = DOCUMENTED_QUOTA,
    max_in_flight: Annotated[int | None, typer.Option(
        min=1, help="Requests waiting on the target at once, over all users and processes; a start past it is "
                    "dropped and counted (the target did not keep up). Default: the rate's worth of 2 s.",
        show_default=False)] = None,
    unthrottled: Annotated[bool, typer.Option(help="Closed loop: each user as fast as the target answers, past the "
                                                   "quota (not on a shared staging).")] = False,
    run_time: Annotated[str | None, typer.Option(help="Bound of the run, e.g. 60s or 10m (60s; a scenario that "
                                                      "ends by itself is bounded at 10m).", show_default=False)
                        ] = None,
    processes: Annotated[int, typer.Option(min=1, help="Locust worker processes on this machine.")] = 1,
    master: Annotated[bool, typer.Option(help="Run as Locust master; workers join with --worker.")] = False,
    expect_workers: Annotated[int, typer.Option(min=1, help="Workers the master waits for.")] = 1,
    worker: Annotated[bool, typer.Option(help="Run as a Locust worker of --master-host.")] = False,
    master_host: Annotated[str, typer.Option(help="Master to join, with --worker.")] = "127.0.0.1",
    master_port: Annotated[int, typer.Option(help="Master's port.")] = 5557,
    slo: Annotated[str, typer.Option(help="Objectives, e.g. 'p95<300ms,p99<1s,errors<0.1%,events_per_s>=20000'.")
                   ] = "",
    abort_on: Annotated[str, typer.Option(
        help="Rules that stop the run while it runs, judged each second over a sliding window, e.g. "
             "'errors>5%/10s,p99>2s/30s'; each replaces the default on its metric (errors>20%/10s, ok<1/10s, "
             "p99>10s/30s).")] = "",
    no_abort: Annotated[bool, typer.Option(help="Never stop early: the verdict comes at the end.")] = False,
    account_id: Annotated[str | None, typer.Option(help="Send every event to this account (a dedicated test "
                                                        "account on a shared staging).", show_default=False)] = None,
    tag_dimension: Annotated[str | None, typer.Option(help="Add the run id to every event as this dimension "
                                                           "(for servers that keep it).", show_default=False)] = None,
    other_token: OtherToken = None,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Events per batch (spec's maxItems when unset).",
                                                   show_default=False)] = None,
    timeout: Timeout = Limits.request_seconds,
    max_answer_bytes: MaxAnswerBytes = Limits.max_answer_bytes,
    max_retry_wait: MaxRetryWait = Limits.max_retry_wait,
    spec: SpecOption = None,
    report_dir: ReportDir = Path("reports/load"),
    baseline: BaselineFile = None,
    write_baseline: WriteBaseline = None,
    allow_production: AllowProduction = False,
    web: Annotated[bool, typer.Option(help="Serve Locust's own web UI on 127.0.0.1 (the address is printed) to "
                                           "watch the run live; the run is still judged when it ends.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Print what the run would send (requests, events, bytes, peak "
                                               "rate against the quota, where) and exit 0 having sent nothing.")
                       ] = False,
) -> None:
    """Load-test a target with a Locust scenario: exit 0 all met, 1 a breach, 2 harness or connection error.

    Arguments after the options go to Locust and the locustfile as they are (e.g. --steps 0.5,1,2).
    """
    chosen = find_scenario(scenario)
    refuse_target_override(ctx.args)
    chosen.check_options(ctx.args)
    if worker:
        assert chosen.path is not None
        run_worker(chosen.path, master_host, master_port, token)
    from harness.baseline import judge, write  # noqa: PLC0415
    from harness.baseline import load as load_baseline  # noqa: PLC0415
    from harness.load.runner import LoadOptions, offered, run_load  # noqa: PLC0415
    from harness.load.slo import parse_slos  # noqa: PLC0415
    from harness.progress import progress_bar  # noqa: PLC0415
    from harness.reports import write_all  # noqa: PLC0415
    from harness.reports.console import show  # noqa: PLC0415
    from harness.spec import load_spec  # noqa: PLC0415
    from harness.targets import preflight, resolve  # noqa: PLC0415

    try:
        slos = tuple(parse_slos(slo))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--slo") from None
    abort_rules = _abort_rules(abort_on, no_abort)
    if unthrottled and rate:
        raise typer.BadParameter("--unthrottled is a closed loop with no rate; give one or the other",
                                 param_hint="--rate")
    seconds = _seconds(run_time, "--run-time") if run_time else UNBOUNDED_RUN if chosen.ends_itself else 60.0
    options = LoadOptions(scenario=scenario, users=users, rate=rate, quota=quota, unthrottled=unthrottled,
                          run_time=seconds, processes=processes, max_in_flight=max_in_flight,
                          master=master, expect_workers=expect_workers, slos=slos,
                          # --processes: its own master on a free loopback port, so two runs on one machine
                          # never meet (the second's workers would join the first's run)
                          master_bind_port=master_port if master or processes < 2 else free_port(),
                          batch_size=batch_size, extra=tuple(ctx.args), abort_rules=abort_rules,
                          account_id=account_id, tag_dimension=tag_dimension, web_port=free_port() if web else None,
                          limits=bounds(timeout, max_answer_bytes, max_retry_wait))
    loaded = load_spec(spec)
    _check_destination(loaded, account_id, tag_dimension)
    if dry_run:
        from harness.cli.plan import show_plan  # noqa: PLC0415

        show_plan(options, loaded, base_url, allow_production, other_token is not None, report_dir)
        say(f"dry run: nothing was sent; the plan is in {report_dir / 'plan.json'}")
        raise typer.Exit(0)
    known = load_baseline(baseline) if baseline else None  # a broken baseline stops the run before it starts
    with resolve(base_url, token, admin_token=admin_token, spec=spec, other_token=other_token,
                 allow_production=allow_production) as target:
        preflight(loaded, target, timeout)
        bound = "until it ends" if chosen.ends_itself and not run_time else f"for up to {seconds:.0f}s"
        announce(f"load scenario {scenario} against {target.label} {bound}; offers {offered(options)}",
                 (*target.cautions, *_flooding(options, chosen.quota_paced)))
        if options.web_port:
            say(f"Locust's web UI: http://127.0.0.1:{options.web_port}/ (live while the run lasts)")
        with progress_bar(err) as on_progress:
            report = run_load(target, loaded, options, report_dir, on_progress)
    report = judge(report, known) if known else report
    if write_baseline:
        say(f"baseline: {write(write_baseline, [report], known)} findings written to {write_baseline}")
    paths = write_all(report, report_dir)
    show(report, out)
    for path in [*paths, *(report_dir / name for name in report.charts.values())]:
        say(f"report: {path}")
    finish([report])
