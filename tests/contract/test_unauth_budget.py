"""The unauthenticated budget keeps a run under a quota like Togai's (5 per 30 minutes per IP)."""

from __future__ import annotations

from harness.contract.runner import ContractOptions, run_contract
from harness.facts import UNAUTH_QUOTA
from harness.reference import TargetConfig
from harness.targets import resolve, unauth_budget
from harness.verdicts import Outcome

TOKEN = "budget-tenant"


def throttling_notes(budget: int, checks: tuple[str, ...]) -> dict[str, tuple[Outcome, str]]:
    config = TargetConfig(tokens=(TOKEN,), rate=1_000_000, unauth_quota=UNAUTH_QUOTA)
    with resolve(None, TOKEN, embedded=config) as target:
        report = run_contract(target, ContractOptions(unauth_budget=budget, checks=checks, max_examples=5))
    assert not report.failed, [f.message for r in report.failed for f in r.findings]
    return {r.subject: (r.outcome, r.message) for r in report.rows if r.name == "throttling"}


def test_togai_budget_never_trips_the_documented_quota() -> None:
    assert unauth_budget("https://sandbox-api.togai.com", 50) == UNAUTH_QUOTA
    notes = throttling_notes(UNAUTH_QUOTA, ())  # every check, schemathesis included
    assert {verdict for verdict, _ in notes.values()} == {Outcome.SKIPPED}, notes  # no 429 at all


def test_a_larger_budget_does_trip_it() -> None:
    notes = throttling_notes(10, ("auth", "throttling"))
    assert any("not verified" in reason for _, reason in notes.values()), notes
