"""A target slower than the rate offered: the requests in flight stay within the cap, and the verdict says the target
did not keep up (a ``kept_up`` failure), not that its latency was long."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.load.runner import LoadOptions
from harness.reference import TargetConfig, running_target
from harness.reference.app import TargetApp
from harness.reference.config import Latency
from tests.load.conftest import TOKEN, harness_load


class CountsConcurrency(TargetApp):
    """The reference target, counting the requests it is serving at once (its own view of what is in flight)."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        self.serving = self.most = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        self.serving += 1
        self.most = max(self.most, self.serving)
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.serving -= 1


def test_a_target_serving_half_the_offered_rate_gets_the_cap_and_a_kept_up_failure(tmp_path: Path) -> None:
    # 4 s an answer: with the default cap (2 s of the 45 requests/s offered) it can answer about 22 a second
    config = TargetConfig(tokens=(TOKEN,), rate=1000.0, latency=Latency.parse("fixed:4s"))
    cap = LoadOptions(users=4).in_flight_cap
    assert cap == 90
    with running_target(config, make_app=CountsConcurrency) as target:
        result, report = harness_load("--base-url", target.base_url, "--admin-token", target.config.admin_token or "",
                                      "--users", "4", "--run-time", "20s", "--batch-size", "10", cwd=tmp_path)
        most = target.app.most
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert most <= cap, most  # the target's own count: never more than the cap waiting on it
    failed = {row["slo"]: row["value"] for row in report["slos"] if not row["met"]}
    kept_up = failed.pop("kept_up (dropped<=1%)")
    assert "of the 45 requests/s offered (capacity below the offered rate)" in kept_up, kept_up
    assert "starts dropped at the in-flight cap" in kept_up
    assert "p95<1s" in failed and "did not keep up" in failed["p95<1s"]  # warned: the wait at the cap, said so
    assert report["breaches"] == [kept_up]  # the one finding: kept_up, not latency
    summary = report["summary"]
    assert summary["dropped_full"] > 0 and summary["requests_per_s"] < 0.75 * 45
    assert report["accounting"]["balanced"], report["accounting"]
