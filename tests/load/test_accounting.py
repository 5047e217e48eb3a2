"""A load run's accounting: what was acknowledged is stored, and what had no answer may or may not be.

An event sent without a complete answer (in flight when the run stopped,
timed out, cut off) was perhaps stored: a slower machine leaves more of
them, so the verdict allows for exactly those and no more.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from harness.admin_client import Counts
from harness.load.runner import account
from harness.load.summary import LoadSummary
from harness.reference import TargetConfig, running_target
from harness.reference.app import TargetApp
from harness.verdicts import Outcome
from tests.load.conftest import TOKEN, harness_load

LATE_SECONDS = 2.0  # each batch is stored at once and answered this late: past the run's --timeout of 1 s


class _Counted:
    """A read-back that reports the target's counts as having moved by ``acknowledged`` and ``stored``."""

    def __init__(self, acknowledged: int, stored: int) -> None:
        self.moved = Counts(acknowledged, stored, 0, 0)

    def counts(self) -> Counts:
        return self.moved


def _summary(accepted: int, unanswered: int) -> LoadSummary:
    return LoadSummary(1.0, 10, 0, 0, accepted, 10.0, float(accepted), {}, {}, {}, 1, [], [], [],
                       unanswered_events=unanswered)


@pytest.mark.parametrize(("accepted", "unanswered", "acknowledged", "stored", "balanced"), [
    (1000, 0, 1000, 1000, True),  # every request answered: exact
    (1000, 0, 1000, 999, False),  # one acknowledged event lost
    (1000, 0, 1100, 1100, False),  # more than was sent and answered, with nothing in flight
    (1000, 300, 1200, 1200, True),  # 200 of the 300 unanswered were stored
    (1000, 300, 1000, 1000, True),  # none of them were
    (1000, 300, 1301, 1301, False),  # more than could have been
    (1000, 300, 1200, 999, False),  # an acknowledged event lost, whatever was in flight
])
def test_the_target_counts_lie_between_the_acknowledged_and_that_plus_the_unanswered(
        accepted: int, unanswered: int, acknowledged: int, stored: int, balanced: bool) -> None:
    row = account(_Counted(acknowledged, stored), Counts(0, 0, 0, 0), _summary(accepted, unanswered),  # type: ignore[arg-type]
                  "batch_throughput")
    assert (row.outcome is Outcome.PASSED) is balanced, row.message
    assert f"the target counts {acknowledged:,} acknowledged and {stored:,} stored" in row.message
    assert ("sent without an answer" in row.message) is (unanswered > 0)


class _AnswersLate:
    """The reference target, storing each batch at once and answering it ``LATE_SECONDS`` later."""

    def __init__(self, config: TargetConfig) -> None:
        self.app = TargetApp(config)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def late(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and scope.get("path", "").endswith("/ingestBatch"):
                await asyncio.sleep(LATE_SECONDS)
            await send(message)

        await self.app(scope, receive, late if scope["type"] == "http" else send)


def test_events_stored_but_never_answered_are_not_counted_as_lost(tmp_path: Path) -> None:
    """Every batch times out on the client while the target stores it: unanswered, never a loss."""
    config = TargetConfig(tokens=(TOKEN,), admin_token="accounting-admin", rate=1_000)
    with running_target(config, make_app=_AnswersLate) as target:
        result, report = harness_load("--base-url", target.base_url, "--admin-token", "accounting-admin",
                                      "--run-time", "2s", "--users", "1", "--batch-size", "10", "--timeout", "1",
                                      cwd=tmp_path)
    assert report is not None, result.stderr[-2000:]
    summary = report["summary"]
    assert summary["accepted_events"] == 0 and summary["unanswered_events"] >= 10, summary
    assert report["accounting"]["balanced"] is True, report["accounting"]
    assert "sent without an answer" in report["accounting"]["detail"]
    assert result.returncode == 1  # every request failed (no answer): the errors objective says so
