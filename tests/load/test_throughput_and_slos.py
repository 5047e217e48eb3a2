"""Short throughput runs: events/s reported, accounting balanced, an SLO breach exits 1, unusable input exits 2."""

from __future__ import annotations

from pathlib import Path

from harness.reference import TargetConfig, running_target
from harness.reference.config import Latency
from tests.load.conftest import TOKEN, harness_load


def test_throughput_against_the_embedded_target_reports_events_and_balances(tmp_path: Path) -> None:
    result, report = harness_load("--run-time", "4s", "--batch-size", "200", "--slo", "errors<0.1%,p99<5s",
                                  cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = report["summary"]
    assert summary["events_per_s"] > 0 and summary["accepted_events"] == 200 * summary["statuses"]["202"]
    assert summary["failures"] == 0
    assert report["accounting"]["balanced"] is True
    assert (tmp_path / "out" / "locust.html").is_file() and (tmp_path / "out" / "locust_stats.csv").is_file()
    assert (tmp_path / "out" / "latency-over-time.png").stat().st_size > 1000
    assert TOKEN not in result.stdout + result.stderr


def test_slo_breach_against_a_slowed_target_exits_1(tmp_path: Path) -> None:
    config = TargetConfig(tokens=(TOKEN,), latency=Latency.parse("fixed:150ms"))
    with running_target(config) as target:
        result, report = harness_load("--base-url", target.base_url, "--run-time", "3s", "--users", "2",
                                      "--batch-size", "10", "--slo", "p95<100ms,errors<1%", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert [breach.split(":")[0] for breach in report["breaches"]] == ["SLO p95<100ms"]
    assert report["summary"]["latency_ms"]["p95"] >= 150


def test_unreachable_target_and_bad_slo_exit_2_in_one_line(tmp_path: Path) -> None:
    unreachable, _ = harness_load("--base-url", "http://127.0.0.1:9", "--token", "a-test-token", cwd=tmp_path)
    assert unreachable.returncode == 2 and "target unreachable" in unreachable.stderr
    bad_slo, _ = harness_load("--slo", "p95 under 3", cwd=tmp_path)
    assert bad_slo.returncode == 2 and "write METRIC<VALUE" in bad_slo.stderr
    production, _ = harness_load("--base-url", "https://api.togai.com", "--token", "a-test-token", cwd=tmp_path)
    assert production.returncode == 2 and "--allow-production" in production.stderr


def test_refused_token_exits_2_before_any_load(tmp_path: Path) -> None:
    with running_target(TargetConfig(tokens=("another-tenant",))) as target:
        result, report = harness_load("--base-url", target.base_url, "--run-time", "3s", cwd=tmp_path)
    assert result.returncode == 2 and "refused the token (401)" in result.stderr
    assert report is None
