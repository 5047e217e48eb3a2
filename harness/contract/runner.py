"""One contract run: preflight, our probes, accounting, then schemathesis; verdicts per check.

The probes run first and alone, so the accounting check can compare what
the target acknowledged to them with what it stored; the schemathesis stage
follows. Progress is reported through ``on_stage`` so the console, pytest
and ``harness run`` can each show it their own way.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.admin_client import AdminClient
from harness.contract import probes
from harness.contract.fuzz import FUZZ, run_schemathesis
from harness.contract.judges import THROTTLING
from harness.contract.model import CheckResult, Results, Verdict
from harness.contract.probes import ProbeContext
from harness.contract.session import ProbeSession, UnauthBudget
from harness.factory import EventFactory
from harness.spec import load_spec
from harness.targets import Target, preflight

OUR_CHECKS = (*probes.PROBES, THROTTLING, probes.ACCOUNTING)
ALL_CHECKS = (*OUR_CHECKS, FUZZ)


@dataclass(frozen=True)
class ContractOptions:
    spec_path: Path | None = None
    max_examples: int = 30
    seed: int = 0
    checks: tuple[str, ...] = ()  # empty: all of ALL_CHECKS
    unauth_budget: int = 10
    timeout: float = 30.0
    max_wait: float = 60.0  # longest Retry-After the run waits out

    def runs(self, check: str) -> bool:
        return not self.checks or check in self.checks


@dataclass
class ContractReport:
    target: str
    spec_path: str
    seed: int
    results: list[CheckResult]
    duration: float = 0.0
    requests: int = 0
    cases: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[CheckResult]:
        return [result for result in self.results if result.verdict is Verdict.FAILED]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, object]:
        return {"target": self.target, "spec": self.spec_path, "seed": self.seed,
                "duration_s": round(self.duration, 2), "requests": self.requests, "schemathesis_cases": self.cases,
                "passed": sum(r.verdict is Verdict.PASSED for r in self.results), "failed": len(self.failed),
                "skipped": sum(r.verdict is Verdict.SKIPPED for r in self.results),
                "notes": self.notes, "results": [result.to_dict() for result in self.results]}


def run_contract(target: Target, options: ContractOptions,
                 on_stage: Callable[[str, int, int], None] = lambda name, done, total: None) -> ContractReport:
    """Run every selected check against ``target``; raise ``HarnessError`` when it cannot be carried out."""
    started = time.monotonic()
    spec = load_spec(options.spec_path)
    preflight(spec, target, options.timeout)
    results = Results(keeps=lambda check: check not in OUR_CHECKS or options.runs(check))
    budget = UnauthBudget(options.unauth_budget)
    run_id = secrets.token_hex(4)
    readback = AdminClient.offered(target.base_url, target.token, target.admin_token)
    selected = [name for name in probes.PROBES if options.runs(name)]
    total = len(selected) + 2
    report = ContractReport(target.label, str(spec.path), options.seed, [])
    with ProbeSession(target.base_url, target.token, spec, results, budget=budget, timeout=options.timeout,
                      max_wait=options.max_wait) as session:
        context = ProbeContext(spec, session, EventFactory(spec, seed=options.seed, namespace=f"hc-{run_id}"),
                               results, readback, target.max_body_bytes, budget)
        before = readback.counts() if readback else None
        for done, name in enumerate(selected):
            on_stage(name, done, total)
            probes.PROBES[name](context)
        if options.runs(probes.ACCOUNTING):
            on_stage(probes.ACCOUNTING, len(selected), total)
            probes.accounting(context, before)
        report.requests = session.requests
    if readback is not None:
        readback.close()
    if options.runs(FUZZ):
        on_stage(FUZZ, len(selected) + 1, total)
        report.cases = run_schemathesis(
            spec, target.base_url, target.token, results, max_examples=options.max_examples,
            seed=options.seed, budget=budget, id_prefix=f"hs{run_id}",
            checks=tuple(check for check in options.checks if check in OUR_CHECKS))
    if options.runs(THROTTLING):
        for operation in spec.operations:
            results.skip(THROTTLING, operation, "no 429 seen during the run")
    on_stage("done", total, total)
    report.results = results.all()
    report.duration = time.monotonic() - started
    if budget.spent < budget.limit:
        report.notes.append(f"{budget.spent} of {budget.limit} unauthenticated requests spent")
    return report
