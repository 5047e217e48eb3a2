"""--dry-run sends nothing, and the run it describes then sends what it said."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harness.admin_client import AdminClient
from harness.redaction import Secret
from harness.reference import TargetConfig, running_target
from tests.load.conftest import TOKEN, harness_load

OPTIONS = ("--run-time", "8s", "--batch-size", "10", "--slo", "p95<10s")


def test_a_dry_run_sends_nothing_and_the_real_run_then_sends_its_plan_within_5_percent(tmp_path: Path) -> None:
    with running_target(TargetConfig(tokens=(TOKEN,))) as target, \
            AdminClient(target.base_url, Secret(TOKEN), Secret(target.config.admin_token or "")) as admin:
        dry, report = harness_load("--base-url", target.base_url, "--dry-run", *OPTIONS, cwd=tmp_path)
        assert dry.returncode == 0, dry.stdout[-2000:] + dry.stderr[-2000:]
        assert report is None and admin.requests() == []  # not even the preflight
        assert "nothing was sent" in dry.stderr and "peak 45/s = 90% of the quota" in dry.stdout
        plan = json.loads((tmp_path / "out" / "plan.json").read_text())
        (step,) = plan["steps"]
        assert (step["operation"], step["rate"], step["requests"], step["events"]) == ("ingestBatch", 45, 360, 3600)
        # the cap the run will hold: 2 s of 45/s, and the bodies it lets wait at once (90 of one batch's bytes)
        assert plan["in_flight"] == 90 and plan["in_flight_bytes"] == 90 * step["body_bytes"] // step["requests"]
        assert "at most 90 requests in flight" in dry.stdout
        real, report = harness_load("--base-url", target.base_url, "--admin-token", target.config.admin_token or "",
                                    *OPTIONS, cwd=tmp_path)
    assert real.returncode == 0, real.stdout[-2000:]
    sent = report["summary"]["statuses"]["202"]
    assert abs(sent - step["requests"]) <= 0.05 * step["requests"], (sent, step["requests"])


def test_a_dry_run_of_the_throttle_scenario_bounds_its_drains_and_counts_the_tenant_step(tmp_path: Path) -> None:
    result, _ = harness_load("--scenario", "throttle", "--dry-run", "--other-token", "other-tenant-token",
                             "--steps", "0.5,1.5", "--step-seconds", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    plan = json.loads((tmp_path / "out" / "plan.json").read_text())
    names = [step["name"] for step in plan["steps"]]
    assert names[:2] == ["drain before 0.5 x quota", "0.5 x quota"] and "Retry-After probe" in names
    assert names[-2:] == ["this tenant floods at 4 x quota", "the other tenant at 0.5 x quota"]
    paced = {step["name"]: step["requests"] for step in plan["steps"] if not step["bound"]}
    assert paced["1.5 x quota"] == 150 and paced["the other tenant at 0.5 x quota"] == 50
    assert "other-tenant-token" not in result.stdout + result.stderr


def test_a_closed_loop_says_its_amount_cannot_be_known(tmp_path: Path) -> None:
    result, _ = harness_load("--unthrottled", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0 and "closed loop" in result.stdout
    (step,) = json.loads((tmp_path / "out" / "plan.json").read_text())["steps"]
    assert step["rate"] is None and step["requests"] is None and step["body_bytes"] is None


def test_harness_run_dry_run_plans_each_load_stage_and_sends_nothing(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    with running_target(TargetConfig(tokens=(TOKEN,))) as target, \
            AdminClient(target.base_url, Secret(TOKEN), Secret(target.config.admin_token or "")) as admin:
        result = subprocess.run([sys.executable, "-m", "harness", "run", "--quick", "--dry-run", "--base-url",
                                 target.base_url, "--report-dir", "r"], cwd=tmp_path, capture_output=True, text=True,
                                env={**environment, "HARNESS_TOKEN": TOKEN}, timeout=120, check=False)
        assert result.returncode == 0, result.stderr[-2000:]
        assert admin.requests() == []
    assert "contract: schemathesis, up to 8 examples" in result.stderr
    for stage in ("load-throughput", "load-throttle"):
        assert json.loads((tmp_path / "r" / stage / "plan.json").read_text())["steps"]
    assert not (tmp_path / "r" / "index.html").exists()
