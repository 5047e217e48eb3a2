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

from harness.contract.fuzz import FUZZ
from harness.contract.model import CheckResult, Verdict
from harness.contract.report import finding_text
from harness.contract.runner import ALL_CHECKS, OUR_CHECKS, ContractOptions, ContractReport, run_contract
from harness.targets import resolve, unauth_budget


def _number(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


@pytest.fixture(scope="module")
def contract_report() -> Iterator[ContractReport]:
    base_url = os.environ.get("HARNESS_BASE_URL") or None
    with resolve(base_url, os.environ.get("HARNESS_TOKEN"), admin_token=os.environ.get("HARNESS_ADMIN_TOKEN"),
                 max_body_bytes=_number("HARNESS_MAX_BODY_BYTES")) as target:
        spec = os.environ.get("HARNESS_SPEC")
        yield run_contract(target, ContractOptions(
            spec_path=Path(spec) if spec else None, seed=_number("HARNESS_SEED") or 0,
            max_examples=_number("HARNESS_MAX_EXAMPLES") or 30,
            unauth_budget=unauth_budget(target.base_url, _number("HARNESS_UNAUTH_BUDGET"))))


def _of(check: str, report: ContractReport) -> list[CheckResult]:
    if check == FUZZ:  # schemathesis's own checks report under their names
        return [result for result in report.results if result.check not in OUR_CHECKS]
    return [result for result in report.results if result.check == check]


@pytest.mark.parametrize("check", ALL_CHECKS)
def test_contract(check: str, contract_report: ContractReport) -> None:
    results = _of(check, contract_report)
    failed = [result for result in results if result.verdict is Verdict.FAILED]
    if not failed and all(result.verdict is Verdict.SKIPPED for result in results):
        pytest.skip("; ".join(sorted({result.reason for result in results})) or "not run")
    assert not failed, "\n\n".join(f"{result.check} on {result.operation}:\n" +
                                   "\n".join(finding_text(finding) for finding in result.findings)
                                   for result in failed)
