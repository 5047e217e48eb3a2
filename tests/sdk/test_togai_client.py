"""togai-client 1.0.3, installed in its own virtualenv, through the matrix; and the command line.

The matrix's verdicts are compared with what the SDK does when this test
drives it directly, not with verdicts written down here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.admin_client import AdminClient
from harness.sdk.adapter import BUILT_IN, Subject
from harness.sdk.envs import install_for, sdk_python
from harness.sdk.runner import run_matrix
from harness.spec import load_spec
from harness.targets import Target, resolve

VERSION = "1.0.3"
DIRECT = """
import json, sys, togai_client
from togai_client.api.event_ingestion_api import EventIngestionApi
base_url, token, body = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
api = EventIngestionApi(togai_client.ApiClient(togai_client.Configuration(host=base_url, access_token=token)))
try:
    value = api.ingest_batch(togai_client.IngestBatchEventRequest.from_dict(body)) if "events" in body else \\
        api.ingest(togai_client.IngestEventRequest.from_dict(body))
    print(json.dumps({"raised": None, "returned": value.to_dict() if value is not None else None}))
except Exception as error:
    print(json.dumps({"raised": type(error).__name__}))
"""


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with resolve(None, "sdk-tenant") as running:
        yield running


@pytest.fixture(scope="module")
def python() -> Path:
    return sdk_python(install_for("togai-client", VERSION))


def direct(python: Path, target: Target, status: int, body: dict[str, object]) -> dict[str, object]:
    """Script one answer, call the SDK by hand, and say what it did."""
    assert target.admin_token is not None
    operation = "ingestBatch" if "events" in body else "ingest"
    with AdminClient(target.base_url, target.token, target.admin_token) as admin:
        admin.set_scenario("direct", {operation: [{"status": status}]})
        result = subprocess.run([str(python), "-c", DIRECT, target.base_url, target.token.reveal(), json.dumps(body)],
                                capture_output=True, text=True, check=True, timeout=60)
        admin.clear_scenario()
    return json.loads(result.stdout)


def test_matrix_agrees_with_what_the_sdk_does_when_driven_by_hand(python: Path, target: Target) -> None:
    matrix = run_matrix(target, load_spec(), [Subject(f"togai-client {VERSION}", BUILT_IN["togai-client"], python)])
    column = matrix.columns[0]
    assert matrix.versions[column] == VERSION
    event = {"schemaName": "s", "id": "direct-1", "timestamp": "2024-01-01T00:00:00Z", "accountId": "a",
             "attributes": [{"name": "n", "value": "1"}], "dimensions": {"k": "v"}}
    accepted = direct(python, target, 202, {"event": event})
    assert matrix.cells[("ingest", "202 documented", column)].conforms == (accepted["raised"] is None)
    partial = direct(python, target, 207, {"events": [event]})
    kept_errors = partial["raised"] is None and "errors" in json.dumps(partial["returned"])
    assert matrix.cells[("ingestBatch", "207 documented", column)].conforms == kept_errors
    assert matrix.cells[("ingest", "request sent", column)].conforms


def harness_sdk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    return subprocess.run([sys.executable, "-m", "harness", "sdk", "--report-dir", "out", *args], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=600, check=False)


def test_command_exits_by_the_matrix_and_writes_reports(tmp_path: Path, python: Path) -> None:
    ours = harness_sdk("--adapter", "harness", cwd=tmp_path)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    assert "0 failed" in ours.stdout and "134/134 cells conform" in ours.stdout
    report = json.loads((tmp_path / "out" / "sdk.json").read_text())
    assert report["columns"] == ["harness"] and (tmp_path / "out" / "sdk-junit.xml").is_file()


def test_a_release_that_does_not_exist_exits_2_in_one_line(tmp_path: Path) -> None:
    result = harness_sdk("--adapter", "togai-client", "--sdk-version", "9.9.9", cwd=tmp_path)
    assert result.returncode == 2
    assert "togai-client==9.9.9 could not be installed" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_sdk_not_installed_beside_the_harness_without_sdk_version_is_one_line(tmp_path: Path) -> None:
    result = harness_sdk("--adapter", "tests.sdk.fake_adapter:make", "--package", "no-such-togai-sdk", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        "error: no-such-togai-sdk is not installed where the harness runs: give --sdk-version")
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
