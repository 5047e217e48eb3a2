"""Answers that say "not now" (429, 503) are waited out and asked again; if they last, the check says it could not tell.

Documented transient answers are never findings by themselves, and never read
as an answer to the question the probe asked ("was it stored?" is not "no"
because the probe met a 503).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.contract.runner import ContractOptions, run_contract
from harness.limits import Limits
from harness.redaction import Secret
from harness.reference import TargetConfig, running_target
from harness.targets import Target
from harness.verdicts import EXIT_ERROR, Outcome
from tests.contract.broken import Headers, rewriting

TOKEN = "unverified-tenant-01"


def _ingest_unavailable(scope: dict[str, Any], status: int, headers: Headers,
                        body: bytes) -> tuple[int, Headers, bytes]:
    """Every /ingest answered 503 (the black-box "was it stored?" probe goes there); the batch works."""
    if scope["path"] == "/ingest":
        return 503, [(b"content-type", b"application/json")], b'{"message": "Service currently unavailable."}'
    return status, headers, body


def test_a_stored_probe_answered_503_is_not_verified_never_not_stored() -> None:
    config = TargetConfig(tokens=(TOKEN,))
    with running_target(config, make_app=rewriting(_ingest_unavailable)) as running:
        target = Target(running.base_url, Secret(TOKEN))  # no read-back: asked black-box
        report = run_contract(target, ContractOptions(checks=("batch_limit",), limits=Limits(max_retry_wait=0.5)))
    row = next(row for row in report.rows if row.name == "batch_limit")
    assert row.outcome is Outcome.ERROR, row
    assert "not verified: whether event" in row.message and "answered 503" in row.message
    assert report.exit_code == EXIT_ERROR and not report.failed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rare_documented_503s_are_waited_out_not_findings(seed: int) -> None:
    config = TargetConfig(tokens=(TOKEN,), error_ratio=0.02)  # four times the 0.5 %, to meet some
    with running_target(config) as running:
        target = Target(running.base_url, Secret(TOKEN))
        report = run_contract(target, ContractOptions(seed=seed, max_examples=5, checks=(
            "field_constraints", "batch_limit", "idempotency", "partial_failure", "error_responses")))
    assert [row.label for row in report.rows if row.outcome in (Outcome.FAILED, Outcome.ERROR)] == []
    assert report.details["requests"] > 50


def test_a_target_answering_503_to_everything_ends_with_a_clear_verdict(tmp_path: Path) -> None:
    """Not a pass, not a contract failure: exit 2, and one line saying what could not be judged."""
    token = "unavailable-tenant-01"
    with running_target(TargetConfig(tokens=(token,), error_ratio=1.0)) as running:
        result = subprocess.run([sys.executable, "-m", "harness", "contract", "--base-url", running.base_url,
                                 "--max-retry-wait", "0.5", "--max-examples", "3", "--report-dir", "out"],
                                cwd=tmp_path, env={**os.environ, "HARNESS_TOKEN": token}, capture_output=True,
                                text=True, timeout=300, check=False)
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 2, result.stdout[-2000:]
    assert last.startswith("error: ") and "rows could not be judged" in last and "not verified" in last, last
    assert "FAILED" not in result.stdout
