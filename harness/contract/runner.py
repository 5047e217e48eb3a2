"""One contract run: preflight, our probes, accounting, then schemathesis; one verdict row per (check, operation).

The probes run first and alone, so the accounting check can compare what
the target acknowledged to them with what it stored; the schemathesis stage
follows. Progress goes through ``on_progress`` so the console, pytest and
``harness run`` can each show it their own way.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.admin_client import AdminClient
from harness.bounded import WaitBudget, use_limits
from harness.contract import registry
from harness.contract.context import ProbeContext
from harness.contract.model import Results
from harness.contract.session import ProbeSession, UnauthBudget
from harness.factory import EventFactory
from harness.facts import UNAUTH_QUOTA
from harness.limits import Limits
from harness.progress import OnProgress, ignore_progress
from harness.spec import load_spec
from harness.targets import Target, preflight
from harness.verdicts import Outcome, Report, Row

TITLE = "Contract checks"
UNFINISHED = "time budget"  # the row saying which checks the run had no time for (an error: exit 2)


@dataclass(frozen=True)
class ContractOptions:
    spec_path: Path | None = None
    max_examples: int = 30
    seed: int = 0
    checks: tuple[str, ...] = ()  # empty: every check
    unauth_budget: int = UNAUTH_QUOTA
    limits: Limits = field(default_factory=Limits)  # per request: total deadline, answer cap; Retry-After waits
    time_budget: float = 600.0  # seconds for the whole run; checks not begun by then are not run

    def runs(self, check: str) -> bool:
        return not self.checks or check in self.checks


def run_contract(target: Target, options: ContractOptions, on_progress: OnProgress = ignore_progress) -> Report:
    """Run every selected check against ``target``; raise ``HarnessError`` when it cannot be carried out."""
    with use_limits(options.limits):
        return _run(target, options, on_progress)


def _run(target: Target, options: ContractOptions, on_progress: OnProgress) -> Report:
    started = time.monotonic()
    deadline = started + options.time_budget
    spec = load_spec(options.spec_path)
    preflight(spec, target, options.limits.request_seconds)
    checks = registry.checks()
    results = Results(keeps=lambda check: check not in checks or options.runs(check))
    budget = UnauthBudget(options.unauth_budget)
    run_id = secrets.token_hex(4)
    readback = AdminClient.offered(target.base_url, target.token, target.admin_token)
    probes = sorted((check for check in checks.values() if check.probe is not None and options.runs(check.name)),
                    key=lambda check: check.runs_last)
    total = len(probes) + 1
    requests = cases = 0
    unrun: list[str] = []
    waits = WaitBudget(options.limits)
    with ProbeSession(target.base_url, target.token, spec, results, budget=budget, waits=waits,
                      deadline=deadline) as session:
        context = ProbeContext(spec, session, EventFactory(spec, seed=options.seed, namespace=f"hc-{run_id}"),
                               results, readback, target.max_body_bytes, budget,
                               before=readback.counts() if readback else None, other=target.other_token)
        for done, check in enumerate(probes):
            if time.monotonic() > deadline:
                unrun.append(check.name)
                continue
            on_progress(f"contract: {check.name}", done, total)
            assert check.probe is not None
            check.probe(context)
        requests = session.requests
    if readback is not None:
        readback.close()
    if options.runs(registry.FUZZ) and time.monotonic() > deadline:
        unrun.append(registry.FUZZ)
    elif options.runs(registry.FUZZ):
        from harness.contract.fuzz import run_schemathesis  # noqa: PLC0415  (schemathesis only when it runs)

        on_progress(f"contract: {registry.FUZZ}", len(probes), total)
        cases, stopped = run_schemathesis(
            spec, target.base_url, target.token, results, max_examples=options.max_examples,
            seed=options.seed, budget=budget, waits=waits, id_prefix=f"hs{run_id}",
            checks=tuple(check for check in options.checks if check in checks), deadline=deadline)
        if stopped:
            unrun.append(f"{registry.FUZZ} (stopped after {cases} cases)")
    for check in checks.values():
        if check.probe is None and check.unseen and options.runs(check.name):
            for operation in spec.operations:
                results.skip(check.name, operation, check.unseen)
    on_progress("contract: done", total, total)
    notes = [f"{budget.spent} of {budget.limit} unauthenticated requests spent"] if budget.spent < budget.limit else []
    rows = results.rows()
    if unrun:  # the harness could not do all of its job in the time given: an error, exit 2
        rows.append(Row(UNFINISHED, "*", Outcome.ERROR,
                        f"the run's time budget of {options.time_budget:g}s was spent (the target answers slowly); "
                        f"not run: {', '.join(unrun)}; give a larger --time-budget", group="contract"))
    report = Report("contract", TITLE, target.label, rows, notes=notes,
                    seconds=time.monotonic() - started,
                    details={"spec": str(spec.path), "seed": options.seed, "requests": requests,
                             "schemathesis_cases": cases})
    report.summary = (f"{report.count(Outcome.PASSED)} checks passed, {len(report.failed)} failed, "
                      f"{report.count(Outcome.SKIPPED)} skipped")
    report.notes.insert(0, f"seed {options.seed}; {requests} probe requests, {cases} schemathesis cases")
    return report
