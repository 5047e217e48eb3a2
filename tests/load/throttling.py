"""The throttle scenario run as a user runs it, for the throttle tests (two modules, so CI runs them side by side)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.reference import TargetConfig, running_target
from tests.load.conftest import TOKEN, harness_load

SHORT_STEPS = ("--step-seconds", "2", "--rest-seconds", "1")


def throttle_run(tmp_path: Path, rate: float, expect: float, make_app: Any = None) -> tuple[int, dict[str, Any]]:
    options = {"make_app": make_app} if make_app else {}
    with running_target(TargetConfig(tokens=(TOKEN,), rate=rate), **options) as target:
        result, report = harness_load("--scenario", "throttle", "--base-url", target.base_url,
                                      "--admin-token", target.config.admin_token or "",
                                      "--expect-quota", str(expect), *SHORT_STEPS, cwd=tmp_path)
    assert report is not None, result.stderr
    return result.returncode, report


def failed(report: dict[str, Any]) -> set[str]:
    return {finding["name"] for finding in report["throttle"]["findings"] if not finding["passed"]}
