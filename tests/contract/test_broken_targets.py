"""Each deliberately broken target is caught by ``harness contract``, with the right check named."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.contract.runner import ContractOptions, run_contract
from harness.limits import Limits
from harness.redaction import Secret
from harness.reference import running_target
from harness.targets import Target
from tests.contract.broken import FAULTS, OTHER_TOKEN, Fault

TOKEN = "broken-target-tenant"


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_fault_is_caught_by_its_check(fault: Fault, tmp_path: Path) -> None:
    config = fault.target_config(TOKEN, tmp_path)
    with running_target(config, make_app=fault.make_app) as running:
        target = Target(running.base_url, Secret(TOKEN), Secret(config.admin_token or ""),
                        (fault.told_body_limit or config.max_body_bytes) if fault.tells_limit else None,
                        Secret(OTHER_TOKEN))
        report = run_contract(target, ContractOptions(checks=fault.checks or (fault.check,),
                                                      limits=Limits(max_retry_wait=3)))
    failing = {row.name: row for row in report.failed}
    assert fault.check in failing, f"{fault.description}: not caught; failing checks {sorted(failing)}"
    assert report.exit_code == 1
    assert all(finding.message for finding in failing[fault.check].findings)


def test_faults_are_many_and_cover_every_check() -> None:
    assert len({fault.name for fault in FAULTS}) >= 15
    assert {fault.check for fault in FAULTS} >= {"batch_limit", "byte_limit", "field_constraints", "idempotency",
                                                 "partial_failure", "error_responses", "auth", "throttling",
                                                 "accounting", "empty_bodies", "tenants", "id_identity", "races"}
