"""Abort rules stop a run while it runs when the target breaks; a pause or a young run is never a breach."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from harness.load.abort import DEFAULT_RULES, LiveWindow, parse_rules, with_default_rules
from harness.reference import TargetConfig, running_target
from harness.reference.app import TargetApp
from harness.reference.config import Outage
from tests.load.conftest import TOKEN, harness_load


def breach_second(windows: list[dict[str, Any]], window: int = 10, share: float = 0.2) -> int:
    """The first whole second at which the last ``window`` seconds held more than ``share`` failures."""
    for end in range(window, max(w["t"] for w in windows) + 2):
        inside = [w for w in windows if end - window <= w["t"] < end]
        requests = sum(w["requests"] for w in inside)
        if requests and sum(w["failed"] for w in inside) / requests > share:
            return end
    raise AssertionError(f"no breach in {windows}")


class Recording(TargetApp):
    """The reference target, noting the path of each request it receives, in order."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        self.paths: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["path"])
        await super().__call__(scope, receive, send)


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_target_that_collapses_mid_run_is_left_within_5_s_of_the_breach(tmp_path: Path, processes: str) -> None:
    """One process without the read-back (the black-box loss sample would follow the run), two with it: after the
    abort neither sends the target anything more."""
    config = TargetConfig(tokens=(TOKEN,), rate=1000.0, outage=Outage(8.0, 120.0))
    with running_target(config, make_app=Recording) as target:
        admin = ["--admin-token", target.config.admin_token or ""] if processes == "2" else []
        started = time.monotonic()
        result, report = harness_load("--base-url", target.base_url, *admin,
                                      "--run-time", "60s", "--batch-size", "10", "--rate", "40",
                                      "--processes", processes, "--slo", "p95<10s", cwd=tmp_path, timeout=120)
        seconds = time.monotonic() - started
        paths = list(target.app.paths)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert report is not None and (tmp_path / "out" / "locust.html").is_file()
    summary = report["summary"]
    aborted = summary["aborted"]
    assert aborted.startswith("aborted at 00:") and "over the last 10 s (rule errors>20%/10s)" in aborted
    assert any(breach.startswith("aborted at") for breach in report["breaches"])
    breached = breach_second(summary["windows"])
    # left: no request answered more than 5 s after the breach (the watcher judges 2 s behind the clock, once a
    # second). Read from the run's own windows, not its end: writing the reports after takes a slow machine longer
    last = max(w["t"] for w in summary["windows"] if w["requests"])
    assert last - breached <= 5, (last, breached, aborted)
    assert summary["elapsed_s"] < 40  # well short of the 60 s asked for
    # quiet after the abort: neither the loss sample nor the read-back; the accounting says it was not verified
    after = paths[max(i for i, path in enumerate(paths) if path == "/ingestBatch") + 1:]
    assert after == [], after
    assert report["accounting"]["balanced"] is None and "not asked: the run was aborted" in report["accounting"][
        "detail"]
    # the whole command: far short of the 60 s asked for, and of the 76 s a loss sample after the abort took (the
    # reports written after the run take a slow machine a good part of this)
    assert seconds < 60, seconds


def test_no_abort_runs_to_the_end(tmp_path: Path) -> None:
    config = TargetConfig(tokens=(TOKEN,), rate=1000.0, outage=Outage(1.0, 120.0))
    with running_target(config) as target:
        # with the read-back: the loss probe would wait out the outage's 503s for what was acknowledged first
        result, report = harness_load("--base-url", target.base_url, "--admin-token", target.config.admin_token or "",
                                      "--run-time", "14s", "--batch-size", "10", "--rate", "20", "--no-abort",
                                      cwd=tmp_path, timeout=120)
    assert result.returncode == 1 and report["summary"]["aborted"] is None
    assert report["summary"]["elapsed_s"] >= 13


def test_an_unreadable_rule_is_one_line_with_an_example(tmp_path: Path) -> None:
    result, report = harness_load("--abort-on", "errors above 5", cwd=tmp_path)
    assert result.returncode == 2 and "e.g. errors>5%/10s" in result.stderr and report is None


def test_rules_parse_and_a_given_rule_replaces_the_default_on_its_metric() -> None:
    rules = with_default_rules(parse_rules("errors>5%/20s, p95>500ms/30s"))
    assert [(r.metric, r.op, r.threshold, r.window) for r in rules] == [
        ("errors", ">", 0.05, 20), ("p95", ">", 0.5, 30), ("ok", "<", 1.0, 10), ("p99", ">", 10.0, 30)]
    assert [r.text for r in with_default_rules([])] == DEFAULT_RULES.split(",")
    for bad in ("errors>5%", "p99>2%/10s", "errors>5%/0.5s", "latency>1s/10s"):
        with pytest.raises(ValueError, match="abort rule"):
            parse_rules(bad)


def test_the_window_judges_only_whole_seconds_the_run_lived_through_and_never_a_pause() -> None:
    rules = with_default_rules([])
    live = LiveWindow(keep=40)
    start = 1000
    for second in range(start, start + 5):  # a healthy start
        for _ in range(10):
            live.record(second + 0.5, 0.01, failed=False)
    for second in range(start + 5, start + 9):  # then failures
        for _ in range(10):
            live.record(second + 0.5, 0.01, failed=True)
    assert live.judge(rules, start + 9, float(start)) is None  # the run is younger than the window
    breach = live.judge(rules, start + 12, float(start) - 3)
    assert breach is not None and breach.rule.metric == "errors" and breach.value == pytest.approx(40 / 70)
    assert breach.message == "aborted at 00:15: errors 57% over the last 10 s (rule errors>20%/10s)"
    quiet = LiveWindow()
    assert quiet.judge(rules, start + 60, float(start)) is None  # no request in the window: a pause, not a breach


def test_a_worker_hands_its_whole_seconds_to_the_master_and_the_window_stays_bounded() -> None:
    worker, master = LiveWindow(), LiveWindow(keep=15)
    for second in range(100, 140):
        worker.record(second + 0.1, 20.0, failed=False)
        master.merge(worker.take_before(second + 1.0))
    assert len(master.seconds) <= 15 and not worker.seconds.get(100)
    breach = master.judge(parse_rules("p99>10s/10s"), 140, 100.0)
    assert breach is not None and breach.value == pytest.approx(20.0, rel=0.01)
