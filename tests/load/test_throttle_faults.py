"""The throttle scenario flags targets that throttle wrongly: no or a dishonest Retry-After, one bucket for both
operations, one quota for every tenant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.reference import TargetConfig, running_target
from tests.contract.broken import FAULTS, SharedBucket, SharedTenants
from tests.load.conftest import TOKEN, harness_load
from tests.load.throttling import SHORT_STEPS, failed, throttle_run


def test_429_without_retry_after_is_flagged(tmp_path: Path) -> None:
    fault = next(fault for fault in FAULTS if fault.name == "no_retry_after")
    code, report = throttle_run(tmp_path, rate=20.0, expect=20.0, make_app=fault.make_app)
    assert code == 1
    assert failed(report) == {"429 carries Retry-After"}


def test_one_bucket_for_both_operations_is_flagged(tmp_path: Path) -> None:
    code, report = throttle_run(tmp_path, rate=20.0, expect=20.0, make_app=SharedBucket)
    assert code == 1
    assert failed(report) == {"a quota per operation"}


@pytest.mark.parametrize(("make_app", "isolated"), [(None, True), (SharedTenants, False)])
def test_one_tenants_flood_must_not_throttle_another(tmp_path: Path, make_app: Any, isolated: bool) -> None:
    """Judges the tenant finding alone: the single 2 s onset step this short run takes is too noisy on a loaded
    machine to also hold the measured quota within 10 % (test_throttle_onset judges that on several steps)."""
    options = {"make_app": make_app} if make_app else {}
    with running_target(TargetConfig(tokens=(TOKEN, "other-tenant"), rate=20.0), **options) as target:
        result, report = harness_load("--scenario", "throttle", "--base-url", target.base_url, "--expect-quota", "20",
                                      "--other-token", "other-tenant", "--steps", "1.5", "--both-operations", "0",
                                      *SHORT_STEPS, cwd=tmp_path)
    assert report is not None, result.stderr
    tenant = [finding for finding in report["throttle"]["findings"] if finding["name"] == "a quota per tenant"]
    assert [finding["passed"] for finding in tenant] == [isolated], tenant
    assert "other-tenant" not in result.stdout + result.stderr


def test_a_retry_after_of_0_followed_by_429_is_flagged(tmp_path: Path) -> None:
    fault = next(fault for fault in FAULTS if fault.name == "retry_after_zero_at_quota")
    code, report = throttle_run(tmp_path, rate=20.0, expect=20.0, make_app=fault.make_app)
    assert code == 1
    assert "Retry-After is honest" in failed(report)
