"""The contract suite as pytest tests, one per check, for a project's own CI::

    HARNESS_BASE_URL=https://staging.example HARNESS_TOKEN=... pytest --pyargs harness.contract.suite

With no ``HARNESS_BASE_URL`` the embedded reference target is tested. Also
read: ``HARNESS_ADMIN_TOKEN`` (read-back), ``HARNESS_MAX_BODY_BYTES``,
``HARNESS_SEED``, ``HARNESS_MAX_EXAMPLES``, ``HARNESS_UNAUTH_BUDGET``,
``HARNESS_SPEC``. The whole run happens once; each test reports one check.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.contract import registry
from harness.contract.runner import ContractOptions, run_contract
from harness.targets import resolve, unauth_budget
from harness.verdicts import Outcome, Report, Row


def _number(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


@pytest.fixture(scope="module")
def contract_report() -> Iterator[Report]:
    base_url = os.environ.get("HARNESS_BASE_URL") or None
    with resolve(base_url, os.environ.get("HARNESS_TOKEN"), admin_token=os.environ.get("HARNESS_ADMIN_TOKEN"),
                 max_body_bytes=_number("HARNESS_MAX_BODY_BYTES")) as target:
        spec = os.environ.get("HARNESS_SPEC")
        yield run_contract(target, ContractOptions(
            spec_path=Path(spec) if spec else None, seed=_number("HARNESS_SEED") or 0,
            max_examples=_number("HARNESS_MAX_EXAMPLES") or 30,
            unauth_budget=unauth_budget(target.base_url, _number("HARNESS_UNAUTH_BUDGET"))))


def _of(check: str, report: Report) -> list[Row]:
    if check == registry.FUZZ:  # schemathesis's own checks report under their names
        ours = registry.checks()
        return [row for row in report.rows if row.name not in ours]
    return [row for row in report.rows if row.name == check]


@pytest.mark.parametrize("check", registry.names())
def test_contract(check: str, contract_report: Report) -> None:
    rows = _of(check, contract_report)
    failed = [row for row in rows if row.outcome is Outcome.FAILED]
    if not failed and all(row.outcome is Outcome.SKIPPED for row in rows):
        pytest.skip("; ".join(sorted({row.message for row in rows})) or "not run")
    assert not failed, "\n\n".join(f"{row.name} on {row.subject}:\n{row.text()}" for row in failed)
