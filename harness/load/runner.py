"""One ``harness load`` run: preflight, Locust headless in child processes, then the verdicts.

Locust runs as its own command (``python -m locust``), so its distributed
mode works unchanged: ``--processes N`` forks workers on this machine,
``--master``/``--worker`` spread them over several. Our recorder plugin
(loaded by every locustfile) writes the aggregated summary; this module
judges it: SLOs, throttle findings, and accounting against the read-back.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from harness.admin_client import AdminClient, Counts
from harness.errors import HarnessError
from harness.facts import DOCUMENTED_QUOTA
from harness.load.scenarios import SCENARIOS, locustfile
from harness.load.slo import Slo
from harness.load.throttle import ThrottleVerdict, judge_steps
from harness.spec import Spec
from harness.targets import Target

STOP_MARGIN = 90.0  # seconds past --run-time before a Locust run is killed


@dataclass(frozen=True)
class LoadOptions:
    scenario: str = "batch_throughput"
    users: int | None = None
    rate: float | None = None  # total requests/s, shared by the users (closed loop)
    run_time: float = 60.0
    processes: int = 1
    master: bool = False
    expect_workers: int = 1
    master_bind_port: int = 5557
    slos: tuple[Slo, ...] = ()
    expect_quota: float = DOCUMENTED_QUOTA
    tolerance: float = 0.10
    batch_size: int | None = None
    extra: tuple[str, ...] = ()  # scenario arguments passed through to Locust

    @property
    def user_count(self) -> int:
        return self.users or SCENARIOS[self.scenario].users


@dataclass
class SloResult:
    slo: str
    met: bool
    value: str


@dataclass
class LoadReport:
    scenario: str
    target: str
    summary: dict[str, Any]
    slos: list[SloResult] = field(default_factory=list)
    throttle: ThrottleVerdict | None = None
    accounting: tuple[bool, str] | None = None
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def breaches(self) -> list[str]:
        found = [f"SLO {s.slo}: {s.value}" for s in self.slos if not s.met]
        if self.throttle is not None:
            found += [f"{f.name}: {f.message}" for f in self.throttle.findings if not f.passed]
        if self.accounting is not None and not self.accounting[0]:
            found.append(f"accounting: {self.accounting[1]}")
        return found

    @property
    def exit_code(self) -> int:
        return 1 if self.breaches else 0

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "target": self.target, "passed": not self.breaches,
                "breaches": self.breaches, "slos": [vars(s) for s in self.slos],
                "throttle": self.throttle.to_dict() if self.throttle else None,
                "accounting": {"balanced": self.accounting[0], "detail": self.accounting[1]}
                if self.accounting else None,
                "summary": self.summary, "files": {k: str(v) for k, v in self.files.items()}}


def locust_command(options: LoadOptions, base_url: str, report_dir: Path, spec: Spec) -> list[str]:
    scenario = SCENARIOS[options.scenario]
    command = [sys.executable, "-m", "locust", "-f", str(locustfile(options.scenario)), "--headless",
               "--host", base_url, "--run-time", f"{max(int(options.run_time), 1)}s",
               "--users", str(options.user_count), "--spawn-rate", str(options.user_count),
               "--csv", str(report_dir / "locust"), "--html", str(report_dir / "locust.html"),
               "--harness-summary", str(report_dir / "summary.json"), "--only-summary", "--stop-timeout", "5",
               "--spec", str(spec.path), "--loglevel", "WARNING"]
    if options.batch_size:
        command += ["--batch-size", str(options.batch_size)]
    if options.rate and options.scenario != "throttle":
        command += ["--user-rate", f"{options.rate / options.user_count:g}"]
    if options.scenario == "throttle":
        command += ["--expect-quota", f"{options.expect_quota:g}"]
    if options.master:
        command += ["--master", "--expect-workers", str(options.expect_workers),
                    "--master-bind-port", str(options.master_bind_port)]
    elif options.processes > 1 and scenario.distributable:
        command += ["--processes", str(options.processes)]
    return [*command, *options.extra]


def run_locust(command: list[str], token: str, timeout: float,
               on_tick: Callable[[float], None] = lambda elapsed: None) -> subprocess.CompletedProcess[str]:
    """Run Locust with the token in its environment (never on its command line), bounded in time."""
    environment = {**os.environ, "HARNESS_TOKEN": token, "PYTHONUNBUFFERED": "1"}
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
                raise HarnessError(f"Locust did not stop within {timeout:.0f}s; killed it")
            time.sleep(0.25)
        stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def account(readback: AdminClient, before: Counts, summary: dict[str, Any]) -> tuple[bool, str]:
    """Every event acknowledged during the run stored once: the target's counts moved by what Locust saw."""
    delta = readback.counts() - before
    accepted = summary["accepted_events"]
    balanced = delta.acknowledged == accepted and delta.stored == accepted
    return balanced, (f"{accepted:,} events acknowledged to Locust; the target counts {delta.acknowledged:,} "
                      f"acknowledged and {delta.stored:,} stored")


def run_load(target: Target, spec: Spec, options: LoadOptions, report_dir: Path,
             on_tick: Callable[[float], None] = lambda elapsed: None) -> LoadReport:
    report_dir.mkdir(parents=True, exist_ok=True)
    summary_path = report_dir / "summary.json"
    summary_path.unlink(missing_ok=True)
    readback = AdminClient.offered(target.base_url, target.token, target.admin_token)
    before = readback.counts() if readback else None
    command = locust_command(options, target.base_url, report_dir, spec)
    result = run_locust(command, target.token.reveal(), options.run_time + STOP_MARGIN, on_tick)
    if not summary_path.is_file():
        tail = target.token.redact((result.stderr or result.stdout).strip())[-1500:]
        raise HarnessError(f"Locust exited {result.returncode} without a summary: {tail}")
    summary = msgspec.json.decode(summary_path.read_bytes())
    report = LoadReport(options.scenario, target.label, summary)
    for slo in options.slos:
        met, value = slo.met(summary)
        report.slos.append(SloResult(slo.text, met, slo.show(value)))
    if options.scenario == "throttle":
        report.throttle = judge_steps(summary["steps"], summary["retry_after"], options.expect_quota,
                                      options.tolerance)
    if readback is not None and before is not None:
        time.sleep(0.2)  # answers in flight at the stop
        report.accounting = account(readback, before, summary)
        readback.close()
    report.files = {"locust_html": report_dir / "locust.html", "locust_csv": report_dir / "locust_stats.csv",
                    "summary": summary_path}
    return report
