"""The throttle scenario finds the onset where it is, even far away, and flags a target throttling off the quota."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.reference import TargetConfig, running_target
from harness.reference.config import Latency
from tests.load.conftest import TOKEN, harness_load
from tests.load.throttling import failed, throttle_run


@pytest.mark.parametrize("quota", [20.0, 50.0])
def test_onset_found_within_tolerance(tmp_path: Path, quota: float) -> None:
    code, report = throttle_run(tmp_path, rate=quota, expect=quota)
    assert code == 0, report["breaches"]
    throttle = report["throttle"]
    assert abs(throttle["measured_quota"] - quota) <= 0.1 * quota
    assert throttle["highest_clear_rate"] < quota < throttle["lowest_throttled_rate"]
    assert report["accounting"]["balanced"]
    assert (tmp_path / "out" / "throttle-curve.png").stat().st_size > 1000


def test_throttling_at_half_the_quota_is_flagged(tmp_path: Path) -> None:
    code, report = throttle_run(tmp_path, rate=25.0, expect=50.0)
    assert code == 1
    assert failed(report) == {"no throttling below the quota", "throttles past the quota"}


def test_a_target_that_never_throttles_is_flagged(tmp_path: Path) -> None:
    code, report = throttle_run(tmp_path, rate=1_000_000.0, expect=20.0)
    assert code == 1
    assert "throttles past the quota" in failed(report)
    assert any("no sustained 429 up to 40 req/s" in breach for breach in report["breaches"])


def test_onset_holds_for_a_target_200_ms_away(tmp_path: Path) -> None:
    """Open-model pacing: the offered rate does not depend on how long answers take to come back."""
    # steps of 5 s (the scenario's default length): a 2 s step over-counts the tokens refilled during 200 ms
    # answers to the drain before it (4 tokens of 40), a 5 s one stays within the tolerance
    with running_target(TargetConfig(tokens=(TOKEN,), rate=20.0, latency=Latency("fixed", 0.2))) as target:
        result, report = harness_load("--scenario", "throttle", "--base-url", target.base_url,
                                      "--admin-token", target.config.admin_token or "", "--expect-quota", "20",
                                      "--steps", "0.5,0.9,1.5", "--step-seconds", "5", "--rest-seconds", "1",
                                      cwd=tmp_path)
    assert result.returncode == 0, report and report["breaches"]
    assert abs(report["throttle"]["measured_quota"] - 20.0) <= 2.0
