"""``harness contract`` as a user runs it: exit codes, report files, config sources, and no token anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.reference import RunningTarget, TargetConfig, running_target
from harness.reference.config import Latency
from tests.contract.broken import FAULTS

SECRET = "tok-9f3c1d77e5b4-do-not-print"


def harness(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, env={**environment, **(env or {})},
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def text_errors_target() -> Iterator[RunningTarget]:
    fault = next(fault for fault in FAULTS if fault.name == "text_errors")
    with running_target(TargetConfig(tokens=(SECRET,)), make_app=fault.make_app) as target:
        yield target


def everything_written(result: subprocess.CompletedProcess[str], report_dir: Path) -> str:
    files = [path.read_text() for path in report_dir.rglob("*") if path.is_file()]
    assert files, "reports were written"
    return "\n".join([result.stdout, result.stderr, *files])


def test_clean_run_against_the_embedded_target_exits_0_and_never_shows_the_token(tmp_path: Path) -> None:
    result = harness("contract", "--max-examples", "5", "--report-dir", "out", cwd=tmp_path,
                     env={"HARNESS_TOKEN": SECRET})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout
    assert SECRET not in everything_written(result, tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "contract.json").read_text())
    assert summary["failed"] == 0 and summary["passed"] > 20


def test_failures_exit_1_with_reproduction_and_reports_but_no_token(tmp_path: Path,
                                                                      text_errors_target: RunningTarget) -> None:
    result = harness("contract", "--base-url", text_errors_target.base_url, "--checks", "error_responses,auth",
                     "--report-dir", "out", cwd=tmp_path, env={"HARNESS_TOKEN": SECRET})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED error_responses" in result.stdout
    assert "reproduce: curl -X POST" in result.stdout and "Bearer ***" in result.stdout
    assert SECRET not in everything_written(result, tmp_path / "out")
    suite = ET.parse(tmp_path / "out" / "contract-junit.xml").getroot()
    failed = [case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None]
    assert "error_responses[ingest]" in failed
    assert "served as text/plain" in (tmp_path / "out" / "contract.md").read_text()


@pytest.mark.parametrize(("args", "reason"), [
    (("--base-url", "http://127.0.0.1:9", "--token", "a-test-token"), "target unreachable at http://127.0.0.1:9"),
    (("--base-url", "https://api.togai.com", "--token", "a-test-token"), "--allow-production"),
    (("--base-url", "ftp://example", "--token", "a-test-token"), "give http(s)://host"),
    (("--base-url", "http://127.0.0.1:9", "--token", "x"), "shorter than 8 characters"),
    (("--base-url", "http://127.0.0.1:9"), "no token"),
    (("--spec", "missing.yaml"), "the spec cannot be used: "),
    (("--spec", "missing.yaml"), "missing.yaml#/: file not found"),
    (("--checks", "auth,nope"), "unknown check(s) nope"),
])
def test_unusable_input_exits_2_with_the_reason_in_one_line(tmp_path: Path, args: tuple[str, ...],
                                                            reason: str) -> None:
    result = harness("contract", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_refused_token_exits_2_before_any_check(tmp_path: Path, text_errors_target: RunningTarget) -> None:
    result = harness("contract", "--base-url", text_errors_target.base_url, "--token", "not-a-tenant", cwd=tmp_path)
    assert result.returncode == 2
    assert "refused the token (401)" in result.stderr


def test_config_file_and_environment_feed_options_and_flags_win(tmp_path: Path,
                                                                text_errors_target: RunningTarget) -> None:
    (tmp_path / "harness.toml").write_text(
        f'[target]\nbase_url = "{text_errors_target.base_url}"\n[contract]\nseed = 7\nchecks = ["auth"]\n')
    from_file = harness("contract", "--report-dir", "a", cwd=tmp_path, env={"HARNESS_TOKEN": SECRET})
    assert from_file.returncode == 0, from_file.stderr
    assert json.loads((tmp_path / "a" / "contract.json").read_text())["seed"] == 7
    flag = harness("contract", "--seed", "3", "--report-dir", "b", cwd=tmp_path, env={"HARNESS_TOKEN": SECRET})
    assert json.loads((tmp_path / "b" / "contract.json").read_text())["seed"] == 3
    assert flag.returncode == 0
    (tmp_path / "harness.toml").write_text("[contract]\nmax_exampels = 3\n")
    typo = harness("contract", cwd=tmp_path)
    assert typo.returncode == 2 and "has no option(s) max_exampels" in typo.stderr


def test_a_slow_target_ends_within_the_time_budget_with_progress_and_says_what_was_not_run(tmp_path: Path) -> None:
    with running_target(TargetConfig(tokens=(SECRET,), latency=Latency.parse("1s"))) as target:
        started = time.monotonic()
        result = harness("contract", "--base-url", target.base_url, "--time-budget", "8s", "--report-dir", "out",
                         cwd=tmp_path, env={"HARNESS_TOKEN": SECRET})
        elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stdout + result.stderr
    assert elapsed < 60, elapsed
    rows = json.loads((tmp_path / "out" / "contract.json").read_text())["rows"]
    budget = next(row for row in rows if row["name"] == "time budget")
    assert budget["outcome"] == "error" and "time budget of 8s was spent" in budget["message"]
    assert "not run: " in budget["message"] and "schemathesis" in budget["message"]
    assert "contract: auth" in result.stderr  # progress, as plain lines when stderr is not a terminal


def test_a_baseline_round_trip_adopt_rerun_clean_then_a_new_finding_fails(tmp_path: Path) -> None:
    """Adopt (write the findings), rerun: known, exit 0; another target: the old finding fixed, a new one fails."""
    faults = {fault.name: fault for fault in FAULTS}
    checks = ("--checks", "error_responses,auth", "--max-examples", "1")
    with running_target(TargetConfig(tokens=(SECRET,)), make_app=faults["text_errors"].make_app) as target:
        adopted = harness("contract", "--base-url", target.base_url, *checks, "--write-baseline", "known.json",
                          "--report-dir", "first", cwd=tmp_path, env={"HARNESS_TOKEN": SECRET})
        assert adopted.returncode == 1 and "findings written to known.json" in adopted.stderr
        entries = json.loads((tmp_path / "known.json").read_text())["entries"]
        assert entries and {entry["check"] for entry in entries} == {"error_responses"}
        assert all("127.0.0.1" not in entry["fingerprint"] for entry in entries)
        again = harness("contract", "--base-url", target.base_url, *checks, "--baseline", "known.json",
                        "--report-dir", "again", cwd=tmp_path, env={"HARNESS_TOKEN": SECRET})
    assert again.returncode == 0, again.stdout + again.stderr
    assert "known" in again.stdout and "[known]" in (tmp_path / "again" / "contract.md").read_text()
    with running_target(TargetConfig(tokens=(SECRET,)), make_app=faults["any_token"].make_app) as target:
        other = harness("contract", "--base-url", target.base_url, *checks, "--baseline", "known.json",
                        "--report-dir", "other", cwd=tmp_path, env={"HARNESS_TOKEN": SECRET})
    assert other.returncode == 1, other.stdout + other.stderr
    written = (tmp_path / "other" / "contract.md").read_text()
    assert "[new]" in written and "fixed since the baseline" in written
