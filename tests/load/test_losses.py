"""Without the read-back, a load run asks the target black-box whether what it acknowledged was stored."""

from __future__ import annotations

from pathlib import Path

from harness.reference import TargetConfig, running_target
from tests.contract.broken import DropsEvents
from tests.load.conftest import TOKEN, harness_load

NAME = "acknowledged events stored (black-box sample)"


def run(tmp_path: Path, make_app: type | None = None) -> tuple[int, dict[str, object]]:
    options = {"make_app": make_app} if make_app else {}
    with running_target(TargetConfig(tokens=(TOKEN,), rate=1_000), **options) as target:  # no --admin-token
        result, report = harness_load("--base-url", target.base_url, "--run-time", "2s", "--users", "2",
                                      "--batch-size", "20", cwd=tmp_path)
    assert report is not None, result.stderr
    rows = {row["name"]: row for row in report["rows"]}
    return result.returncode, rows[NAME]


def test_acknowledged_events_that_were_dropped_are_found_with_their_ids(tmp_path: Path) -> None:
    code, row = run(tmp_path, DropsEvents)
    assert code == 1 and row["outcome"] == "failed"
    assert "were accepted, so the target had not stored them: " in row["message"]


def test_a_correct_target_passes_the_black_box_sample(tmp_path: Path) -> None:
    code, row = run(tmp_path)
    assert row["outcome"] == "passed", row
    assert code == 0
    assert row["message"].startswith("50 of 50 sampled acknowledged ids")
