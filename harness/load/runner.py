"""One ``harness load`` run: preflight, Locust headless in child processes, then the verdicts.

Locust runs as its own command (``python -m locust``), so its distributed
mode works unchanged: ``--processes N`` forks workers on this machine,
``--master``/``--worker`` spread them over several. Our recorder plugin
(loaded by every locustfile) writes the aggregated, typed summary
(``harness.load.summary``) with the scenario's own verdict; this module adds
the SLOs and the accounting against the read-back and hands up one report.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from harness.admin_client import AdminClient, Counts
from harness.bounded import use_limits
from harness.errors import EngineError
from harness.facts import DOCUMENTED_QUOTA, POLITE_SHARE, QUOTA_BOUND_SHARE
from harness.limits import Limits, to_locust
from harness.load import summary as summary_file
from harness.load.abort import AbortRule, with_default_rules
from harness.load.figures import key_figures, one_line
from harness.load.losses import probe_acknowledged
from harness.load.manifest import MANIFEST, PART_GLOB, join_parts
from harness.load.scenarios import OTHER_TOKEN_ENV, TOKEN_ENV
from harness.load.scenarios import scenario as find_scenario
from harness.load.slo import KEPT_UP, Slo, with_defaults
from harness.load.summary import LoadSummary
from harness.progress import OnProgress, ignore_progress
from harness.redaction import SCRUBBER
from harness.spec import Spec
from harness.targets import Target
from harness.verdicts import Finding, Outcome, Report, Row

STOP_MARGIN = 90.0  # seconds past --run-time before a Locust run is killed
IN_FLIGHT_SECONDS = 2.0  # the default cap on requests in flight: the offered rate's worth of this answer time
ACCOUNTING = "acknowledged events stored once"
NOT_ASKED_AFTER_ABORT = ("not asked: the run was aborted (the target was failing), so nothing more was sent to it; "
                         "whether it stored what it acknowledged is not verified")


@dataclass(frozen=True)
class LoadOptions:
    scenario: str = "batch_throughput"
    users: int | None = None
    rate: float | None = None  # total arrival rate, requests/s, shared by the users (open model)
    quota: float = DOCUMENTED_QUOTA  # per operation: a quota-paced scenario offers POLITE_SHARE of it by default
    unthrottled: bool = False  # closed loop, each user as fast as the target answers: past the quota
    run_time: float = 60.0
    processes: int = 1
    master: bool = False
    expect_workers: int = 1
    master_bind_port: int = 5557
    slos: tuple[Slo, ...] = ()
    abort_rules: tuple[AbortRule, ...] = tuple(with_default_rules([]))  # judged while it runs; () never aborts
    batch_size: int | None = None
    extra: tuple[str, ...] = ()  # scenario options passed through to the locustfile
    limits: Limits = field(default_factory=Limits)  # per request: total deadline and answer cap
    account_id: str | None = None  # every event to this account (a dedicated test account)
    tag_dimension: str | None = None  # every event carries the run id as this dimension
    web_port: int | None = None  # Locust's own web UI on 127.0.0.1 at this port, for people watching the run
    max_in_flight: int | None = None  # requests waiting on the target at once, over all users; None: the default

    @property
    def in_flight_cap(self) -> int | None:
        """Requests an open-model run may have waiting on the target, over all its users and processes: what
        the offered rate needs at a 2 s answer time unless given (None: a closed loop, one per user). A start
        past it is dropped and counted: a target slower than offered is told, never queued for."""
        rate = self.arrival_rate
        if rate is None:
            return None
        return self.max_in_flight or max(math.ceil(rate * IN_FLIGHT_SECONDS), self.user_count)

    @property
    def user_in_flight(self) -> int | None:
        """Each user's share of the cap (each user has one at least): wherever Locust runs a user, the whole
        run stays within the cap, with no process counting another's."""
        cap = self.in_flight_cap
        return None if cap is None else max(1, cap // self.user_count)

    @property
    def user_count(self) -> int:
        return self.users or find_scenario(self.scenario).users

    @property
    def arrival_rate(self) -> float | None:
        """Requests started per second over all users, whatever the latency; None: closed loop (or the
        scenario's own schedule). Under the quota by default, so a shared staging is never flooded unasked."""
        scenario = find_scenario(self.scenario)
        if self.unthrottled or not scenario.distributable:
            return None
        if self.rate:
            return self.rate
        return POLITE_SHARE * self.quota if scenario.quota_paced else None


def locust_command(options: LoadOptions, base_url: str, report_dir: Path, spec: Spec) -> list[str]:
    scenario = find_scenario(options.scenario)
    assert scenario.path is not None
    # with the web UI: Locust starts the run at once, and quits when it ends, as headless does
    ui = (["--autostart", "--autoquit", "0", "--web-host", "127.0.0.1", "--web-port", str(options.web_port)]
          if options.web_port else ["--headless"])
    command = [sys.executable, "-m", "locust", "-f", str(scenario.path), *ui,
               "--host", base_url, "--run-time", f"{max(int(options.run_time), 1)}s",
               "--users", str(options.user_count), "--spawn-rate", str(options.user_count),
               "--csv", str(report_dir / "locust"), "--html", str(report_dir / "locust.html"),
               "--harness-summary", str(report_dir / "summary.json"), "--harness-manifest", str(report_dir),
               "--only-summary", "--stop-timeout", "5",
               "--spec", str(spec.path), "--loglevel", "WARNING", *to_locust(options.limits)]
    if options.batch_size:
        command += ["--batch-size", str(options.batch_size)]
    if options.account_id:
        command += ["--account-id", options.account_id]
    if options.tag_dimension:
        command += ["--tag-dimension", options.tag_dimension]
    if options.abort_rules:
        command += ["--harness-abort", ",".join(rule.text for rule in options.abort_rules)]
    if options.arrival_rate:
        command += ["--user-rate", f"{options.arrival_rate / options.user_count:g}",
                    "--user-in-flight", str(options.user_in_flight)]
    if options.master:
        command += ["--master", "--expect-workers", str(options.expect_workers),
                    "--master-bind-port", str(options.master_bind_port)]
    elif options.processes > 1 and scenario.distributable:
        port = str(options.master_bind_port)  # the master and its forked workers meet on loopback only
        command += ["--processes", str(options.processes), "--master-bind-host", "127.0.0.1",
                    "--master-bind-port", port, "--master-port", port]
    return [*command, *options.extra]


def run_locust(command: list[str], token: str, timeout: float,
               on_tick: Callable[[float], None] = lambda elapsed: None,
               other_token: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run Locust with the tokens in its environment (never on its command line), bounded in time."""
    environment = {**os.environ, TOKEN_ENV: token, "PYTHONUNBUFFERED": "1"}
    if other_token:
        environment[OTHER_TOKEN_ENV] = other_token
    started = time.monotonic()
    with subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as process:
        while process.poll() is None:
            elapsed = time.monotonic() - started
            on_tick(elapsed)
            if elapsed > timeout:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                raise EngineError(f"Locust did not stop within {timeout:.0f}s; killed it")
            time.sleep(0.25)
        stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def account(readback: AdminClient, before: Counts, summary: LoadSummary, scenario: str) -> Row:
    """Every event acknowledged during the run stored once: the target's counts moved by what Locust saw.

    An event sent without an answer (in flight when the run stopped, timed out, cut off) may or may not be
    stored, so the target's counts may lie anywhere from what was acknowledged to that plus the unanswered:
    exact when every request was answered, whatever the machine's speed.
    """
    delta = readback.counts() - before
    accepted, unanswered = summary.accepted_events, summary.unanswered_events
    balanced = all(accepted <= count <= accepted + unanswered for count in (delta.acknowledged, delta.stored))
    message = (f"{accepted:,} events acknowledged to Locust"
               + (f" and {unanswered:,} sent without an answer (in flight at the stop, timed out or cut off: "
                  "each may be stored)" if unanswered else "")
               + f"; the target counts {delta.acknowledged:,} acknowledged and {delta.stored:,} stored")
    return Row(ACCOUNTING, scenario, Outcome.PASSED if balanced else Outcome.FAILED,
               message, [] if balanced else [Finding(message)], group="accounting")


def offered(options: LoadOptions) -> str:
    """The arrival rate the run offered, and why (the figure a staging team asks for first)."""
    rate = options.arrival_rate
    if rate is None:
        return ("closed loop (--unthrottled): each user as fast as the target answers" if options.unthrottled
                else "the scenario's own schedule")
    why = "--rate" if options.rate else f"{POLITE_SHARE:g} x the quota of {options.quota:g}/s per operation"
    return f"{rate:g} requests/s ({why}), over {options.user_count} users"


def quota_bound(summary: LoadSummary, options: LoadOptions) -> Row | None:
    """A throughput run mostly throttled measured the quota, not the system: said plainly, never gating."""
    share = summary.throttled / summary.requests if summary.requests else 0.0
    if share <= QUOTA_BOUND_SHARE or not find_scenario(options.scenario).quota_paced:
        return None
    return Row("bounded by the quota", options.scenario, Outcome.WARNED,
               f"{share:.0%} of requests were throttled (429): the events/s measured is the quota's, not the "
               f"target's; offered {offered(options)}", group="pacing")


EMBEDDED_CAPACITY = ("warned, not failed: the embedded reference target shares this machine's CPU with the load "
                     "generator, so this measures the machine; --slo makes it gate")


def slo_row(slo: Slo, summary: LoadSummary, scenario: str, *, embedded: bool = False,
            offered_rate: float | None = None, behind: bool = False) -> Row:
    """An objective's row; a default capacity objective missed by the embedded target is warned (harness.load.slo).
    ``behind``: the run's kept_up failed, so a default latency objective measures the target's queue: warned."""
    met, value = slo.met(summary)
    if slo.metric == KEPT_UP:
        return _kept_up(slo, summary, scenario, met, value, offered_rate, embedded=embedded)
    if behind and slo.default and not met and slo.latency:
        return Row(slo.text, scenario, Outcome.WARNED, f"measured {slo.show(value)} (a default objective: the target "
                   "did not keep up with the rate offered, so this is the wait at the in-flight cap; see kept_up)",
                   group="slo")
    if met or not (embedded and slo.default and slo.capacity):
        message = f"measured {slo.show(value)}" + (" (a default objective; --slo overrides it)" if slo.default else "")
        return Row(slo.text, scenario, Outcome.PASSED if met else Outcome.FAILED, message,
                   [] if met else [Finding(f"SLO {slo.text}: {slo.show(value)}")], group="slo")
    return Row(slo.text, scenario, Outcome.WARNED, f"measured {slo.show(value)} (a default objective, "
               f"{EMBEDDED_CAPACITY})", group="slo")


def _kept_up(slo: Slo, summary: LoadSummary, scenario: str, met: bool, value: float, offered_rate: float | None,
             *, embedded: bool) -> Row:
    """Whether the target answered the rate offered: the starts dropped with every slot in flight, in words."""
    name = f"kept_up ({slo.text})"
    if not summary.started + summary.dropped:
        return Row(name, scenario, Outcome.PASSED, "a closed loop: each user waits for its answer, nothing is "
                   "dropped", group="slo")
    answered = f"the target answered {summary.requests_per_s:,.1f}" + (
        f" of the {offered_rate:g} requests/s offered" if offered_rate else " requests/s")
    dropped = f"{summary.dropped_full:,} starts dropped at the in-flight cap ({slo.show(value)})"
    if met:
        return Row(name, scenario, Outcome.PASSED, f"{answered}; {dropped}", group="slo")
    message = f"{answered} (capacity below the offered rate); {dropped}"
    if embedded and slo.default:
        return Row(name, scenario, Outcome.WARNED, f"{message} ({EMBEDDED_CAPACITY})", group="slo")
    return Row(name, scenario, Outcome.FAILED, message, [Finding(message)], group="slo")


def run_load(target: Target, spec: Spec, options: LoadOptions, report_dir: Path,
             on_progress: OnProgress = ignore_progress) -> Report:
    """Run the scenario, write its charts into ``report_dir``, and hand up its report."""
    with use_limits(options.limits):
        return _run(target, spec, options, report_dir, on_progress)


def _run(target: Target, spec: Spec, options: LoadOptions, report_dir: Path, on_progress: OnProgress) -> Report:
    report_dir.mkdir(parents=True, exist_ok=True)
    summary_path = report_dir / "summary.json"
    summary_path.unlink(missing_ok=True)
    for stale in [report_dir / MANIFEST, *report_dir.glob(PART_GLOB)]:  # a previous run's, never mixed in
        stale.unlink(missing_ok=True)
    readback = AdminClient.offered(target.base_url, target.token, target.admin_token)
    before = readback.counts() if readback else None
    command = locust_command(options, target.base_url, report_dir, spec)
    label = f"locust {options.scenario}"
    bound = None if find_scenario(options.scenario).ends_itself else options.run_time  # None: it ends by itself
    result = run_locust(command, target.token.reveal(), options.run_time + STOP_MARGIN,
                        lambda elapsed: on_progress(label, min(elapsed, options.run_time), bound),
                        target.other_token.reveal() if target.other_token else None)
    manifest = join_parts(report_dir)
    for written in [*report_dir.glob("locust*"), summary_path]:  # Locust's files quote failures, which quote
        if written.is_file():  # the target; the summary, its Retry-After values (scrubbed there, and here again)
            SCRUBBER.scrub_file(written)
    if not summary_path.is_file():
        tail = SCRUBBER.scrub((result.stderr or result.stdout).strip())[-1500:]
        raise EngineError(f"Locust exited {result.returncode} without a summary: {tail}")
    try:
        summary = summary_file.decode(summary_path.read_bytes())
    except msgspec.ValidationError as error:
        raise EngineError(f"{summary_path} is not a summary this harness wrote: {error}") from None
    objectives = with_defaults(list(options.slos))
    kept_up = next((slo for slo in objectives if slo.metric == KEPT_UP), None)
    behind = kept_up is not None and not kept_up.met(summary)[0]
    rows = [slo_row(slo, summary, options.scenario, embedded=target.embedded, offered_rate=options.arrival_rate,
                    behind=behind) for slo in objectives]
    if summary.verdict is not None:
        rows += summary.verdict.rows
    bounded = quota_bound(summary, options)
    rows += [bounded] if bounded else []
    if summary.aborted:
        rows.append(Row("abort rules", options.scenario, Outcome.FAILED, summary.aborted, [Finding(summary.aborted)],
                        group="abort"))
        # quiet after an abort: the target was failing, so nothing more is sent to it (not even a read-back)
        rows.append(Row(ACCOUNTING, options.scenario, Outcome.SKIPPED, NOT_ASKED_AFTER_ABORT, group="accounting"))
    elif readback is not None and before is not None:
        rows.append(account(readback, before, summary, options.scenario))
    elif summary.sample:
        on_progress("asking the target about acknowledged events", 0, None)
        rows.append(probe_acknowledged(target, spec, summary.sample, options.scenario))
    if readback is not None:
        readback.close()
    report = Report("load", f"Load scenario {options.scenario}", target.label, rows,
                    summary=(f"{summary.aborted}; " if summary.aborted else "") + one_line(summary)
                    + ("; bounded by the quota" if bounded else ""),
                    figures=[("offered", offered(options)), *key_figures(summary),
                             ("manifest", f"{MANIFEST}: " + (", ".join(f"{key} {n:,}" for key, n in manifest.items())
                                                             or "no event sent"))],
                    charts=draw_charts(summary, options.scenario, report_dir),
                    files={"Locust report": "locust.html", "Locust statistics": "locust_stats.csv",
                           "every event id sent, with its state": MANIFEST},
                    seconds=summary.elapsed_s,
                    notes=[f"failed {count:,} times: {message}" for message, count in summary.failure_reasons])
    report.details = {"scenario": options.scenario, "passed": not report.failed,
                      "breaches": [finding.message for row in report.failed for finding in row.findings],
                      "slos": [{"slo": row.name, "met": row.outcome is Outcome.PASSED, "value": row.message}
                               for row in rows if row.group == "slo"],
                      "throttle": summary.verdict.details.get("throttle") if summary.verdict else None,
                      "accounting": next(({"balanced": None if row.outcome is Outcome.SKIPPED
                                           else row.outcome is Outcome.PASSED, "detail": row.message}
                                          for row in rows if row.group == "accounting"), None),
                      "manifest": manifest, "summary": msgspec.to_builtins(summary)}
    return report


def draw_charts(summary: LoadSummary, scenario: str, directory: Path) -> dict[str, str]:
    """The throttle curve (when there were steps) and latency over time, as PNG files beside the reports."""
    from harness.load import charts  # noqa: PLC0415  (matplotlib only when a run draws)

    drawn: dict[str, str] = {}
    throttle = summary.verdict.details.get("throttle") if summary.verdict else None
    if summary.steps and throttle:
        drawn["throttle curve"] = charts.throttle_curve([s for s in summary.steps if s.operations == "one"],
                                                        throttle["expected_quota"],
                                                        directory / "throttle-curve.png").name
    if summary.windows:
        drawn["latency over time"] = charts.latency_over_time(summary.windows, directory / "latency-over-time.png",
                                                              scenario).name
    return drawn
