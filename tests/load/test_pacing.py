"""Throughput scenarios are paced under the quota by default; flooding past it takes an explicit option."""

from __future__ import annotations

import time
from pathlib import Path

import gevent
import pytest

from harness.facts import DOCUMENTED_QUOTA, POLITE_SHARE
from harness.load.pacer import LATE_SECONDS, Schedule
from tests.load.conftest import harness_load


def test_the_default_run_stays_under_the_documented_quota_and_reports_the_paced_rate(tmp_path: Path) -> None:
    """The embedded target enforces the documented quota: a default run is (almost) never throttled, its schedule
    offers 0.9 x quota, and its events/s is what the requests it started carried.

    Judged on what does not depend on the machine's speed: a machine too slow to start every request on time
    drops the late starts (counted), so the schedule's slots, started or dropped, are the rate offered.
    """
    seconds = 6
    result, report = harness_load("--run-time", f"{seconds}s", "--batch-size", "100", "--slo", "p95<10s",
                                  cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    summary = report["summary"]
    assert summary["throttled"] < 0.01 * summary["requests"], summary["statuses"]
    slots, rate = summary["started"] + summary["dropped"], POLITE_SHARE * DOCUMENTED_QUOTA
    assert abs(slots - rate * seconds) <= 0.1 * rate * seconds, summary
    assert summary["requests"] <= summary["started"]  # every request a start of the schedule, none beside it
    assert summary["accepted_events"] == 100 * summary["statuses"]["202"], summary
    assert summary["events_per_s"] == pytest.approx(summary["accepted_events"] / summary["elapsed_s"])
    assert "45 requests/s (0.9 x the quota of 50/s per operation)" in result.stderr + result.stdout
    assert report["accounting"]["balanced"] is True


def test_a_rate_above_the_quota_is_said_at_the_start_and_the_verdict_says_the_quota_bounded_it(tmp_path: Path) -> None:
    result, report = harness_load("--run-time", "4s", "--batch-size", "10", "--rate", "150", "--slo", "p95<10s",
                                  cwd=tmp_path)
    assert "--rate 150/s is above the quota of 50/s per operation" in result.stderr
    bounded = [row for row in report["rows"] if row["name"] == "bounded by the quota"]
    assert [row["outcome"] for row in bounded] == ["warned"], report["rows"]
    assert result.returncode == 0, result.stdout[-2000:]  # warned, not gating: the quota is documented behaviour
    assert "bounded by the quota" in result.stdout


def test_unthrottled_and_a_rate_together_are_refused_in_one_line(tmp_path: Path) -> None:
    result, report = harness_load("--unthrottled", "--rate", "5", cwd=tmp_path)
    assert result.returncode == 2 and "--unthrottled is a closed loop with no rate" in result.stderr
    assert report is None


def test_a_schedule_keeps_its_rate_and_drops_what_a_stall_made_late_instead_of_bursting() -> None:
    """Counted against the clock the schedule itself read, so a slow or busy machine (where a sleep lasts longer
    than asked, and a start may come late) gets the same verdict as a fast one."""
    fired: list[float] = []
    schedule = Schedule(100.0)
    schedule.run(0.3, lambda: fired.append(time.perf_counter()))
    schedule.join(timeout=5)  # the slice's last starts run once the loop lets them: counted as the slice's
    assert 29 <= schedule.started + schedule.dropped <= 31 and schedule.started > 0  # one slot each 10 ms
    first_dropped, before = schedule.dropped, len(fired)
    time.sleep(1.5)  # the process stalls (blocking, as a busy load generator would)
    assert schedule.origin is not None
    resumed = time.perf_counter()
    schedule.run(0.1, lambda: fired.append(time.perf_counter()))
    returned = time.perf_counter()
    gevent.sleep(0.05)
    # the slots due between the first slice's end and a quarter second before the schedule looked again
    late_from = (resumed - LATE_SECONDS - (schedule.origin + 0.3)) * 100
    late_until = (returned - LATE_SECONDS - (schedule.origin + 0.3)) * 100
    dropped = schedule.dropped - first_dropped
    assert late_from - 2 <= dropped <= late_until + 2, (late_from, dropped, late_until)  # dropped, not fired
    assert len(fired) - before <= LATE_SECONDS * 100 + 10 + 5  # at most the lateness bound's worth, and the slice


def test_a_schedule_limited_in_count_stops_there() -> None:
    schedule = Schedule(1000.0)
    schedule.run(5.0, lambda: None, limit=25)
    schedule.join(timeout=5)
    assert schedule.started == 25
