"""Every scenario runs as it is against the embedded target, and the drift figure reads its windows right."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.load.figures import drift
from harness.load.summary import Window
from tests.load.conftest import harness_load


@pytest.mark.parametrize(("scenario", "extra"), [
    ("mixed", ("--single-share", "0.5", "--batch-size", "20", "--user-rate", "5")),
    ("burst", ("--burst-users", "4", "--burst-seconds", "1", "--idle-seconds", "1")),
    ("soak", ("--users", "2", "--user-rate", "5", "--batch-size", "20")),
])
def test_scenario_runs_and_balances(tmp_path: Path, scenario: str, extra: tuple[str, ...]) -> None:
    result, report = harness_load("--scenario", scenario, "--run-time", "4s", *extra, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert report["summary"]["requests"] > 0 and report["summary"]["failures"] == 0
    assert report["accounting"]["balanced"]


def test_drift_compares_the_first_and_last_third() -> None:
    windows = [Window(t, 100, p50=p95, p95=p95, p99=p95, failed=failed)
               for t, (p95, failed) in enumerate([(10, 0), (10, 0), (20, 0), (20, 0), (40, 5), (40, 5)])]
    assert drift(windows) == "p95 10.0 → 40.0 ms (+300%); errors 0.00% → 5.00% (first → last third of the run)"
    assert drift(windows[:2]) is None
