"""The contract suite as pytest tests, one per check, for a project's own CI::

    HARNESS_BASE_URL=https://staging.example HARNESS_TOKEN=... pytest --pyargs harness.contract.suite

With no ``HARNESS_BASE_URL`` the embedded reference target is tested. Also
read: ``HARNESS_ADMIN_TOKEN`` (read-back), ``HARNESS_OTHER_TOKEN`` (a second tenant), ``HARNESS_MAX_BODY_BYTES``,
``HARNESS_SEED``, ``HARNESS_MAX_EXAMPLES``, ``HARNESS_UNAUTH_BUDGET``,
``HARNESS_SPEC``, ``HARNESS_TIME_BUDGET``, ``HARNESS_TIMEOUT`` (each request). The whole run happens once; each
test reports one check, and a check the run could not judge (an error row,
or not run because the time budget was spent) fails, as ``harness contract``
exits 2 for it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.contract import registry
from harness.contract.runner import UNFINISHED, ContractOptions, run_contract
from harness.durations import parse_duration
from harness.limits import Limits
from harness.redaction import SCRUBBER
from harness.targets import resolve, unauth_budget
from harness.verdicts import Outcome, Report, Row


def _number(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


@pytest.fixture(scope="module")
def contract_report() -> Iterator[Report]:
    base_url = os.environ.get("HARNESS_BASE_URL") or None
    spec = Path(os.environ["HARNESS_SPEC"]) if os.environ.get("HARNESS_SPEC") else None
    with resolve(base_url, os.environ.get("HARNESS_TOKEN"), admin_token=os.environ.get("HARNESS_ADMIN_TOKEN"),
                 other_token=os.environ.get("HARNESS_OTHER_TOKEN"), max_body_bytes=_number("HARNESS_MAX_BODY_BYTES"),
                 second_tenant=True, spec=spec) as target:
        yield run_contract(target, ContractOptions(
            spec_path=spec, seed=_number("HARNESS_SEED") or 0,
            max_examples=_number("HARNESS_MAX_EXAMPLES") or 30,
            unauth_budget=unauth_budget(target.base_url, _number("HARNESS_UNAUTH_BUDGET")),
            time_budget=parse_duration(os.environ.get("HARNESS_TIME_BUDGET") or "10m"),
            limits=Limits(request_seconds=parse_duration(os.environ.get("HARNESS_TIMEOUT") or "30s"))))


def _of(check: str, report: Report) -> list[Row]:
    if check == registry.FUZZ:  # schemathesis's own checks report under their names
        ours = registry.checks()
        return [row for row in report.rows if row.name not in ours and row not in _unfinished(report)]
    return [row for row in report.rows if row.name == check]


def _unfinished(report: Report) -> list[Row]:
    """Rows saying the run itself could not do its job (the CLI's exit 2): a time budget spent, say."""
    return [row for row in report.rows if row.outcome is Outcome.ERROR and row.name == UNFINISHED]


@pytest.mark.parametrize("check", registry.names())
def test_contract(check: str, contract_report: Report) -> None:
    rows = _of(check, contract_report)
    broken = [row for row in rows if row.outcome in (Outcome.FAILED, Outcome.ERROR)]
    if not rows and _unfinished(contract_report):  # not run: the harness could not judge it, which fails
        pytest.fail(SCRUBBER.scrub(f"{check} was not run: {_unfinished(contract_report)[0].message}"))
    if not broken and all(row.outcome is Outcome.SKIPPED for row in rows):
        pytest.skip("; ".join(sorted({row.message for row in rows})) or "not run")
    assert not broken, SCRUBBER.scrub("\n\n".join(f"{row.name} on {row.subject} ({row.outcome}):\n{row.text()}"
                                                   for row in broken))


def test_the_run_was_completed(contract_report: Report) -> None:
    """Where ``harness contract`` would exit 2 (a check not run, the engine stopped), the suite fails too."""
    unfinished = _unfinished(contract_report)
    assert not unfinished, SCRUBBER.scrub("; ".join(row.message for row in unfinished))
