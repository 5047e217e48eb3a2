"""SDKs in other languages through the driver protocol: the Java and Node reference drivers conform, each
deliberately wrong build shows its fault in the same cell as the Python one does, and a driver that hangs,
exits or writes garbage ends its column within bounds with the reason in a row."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.sdk import driver as driver_module
from harness.sdk.adapter import Subject, driver_subject, find_adapter
from harness.sdk.envs import install_for, sdk_python
from harness.sdk.runner import Matrix, run_matrix
from harness.spec import load_spec
from harness.targets import Target, resolve

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples" / "sdk-drivers"
HERE = Path(__file__).resolve().parent
FAULTS = {  # the fault, and the cell where each language's build must show it, with the judge's own words
    "drops-rejected": (("ingestBatch", "207 documented"), "partial failure returned without the rejected events"),
    "naive-timestamp": (("ingest", "timestamp given as an aware UTC datetime"), "not RFC 3339 with an offset"),
    "crash-on-empty-202": (("ingest", "202 documented"), "crashes with "),
}
needs_java = pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK here (make test installs one)")
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="no Node.js here (make test installs it)")


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with resolve(None, "sdk-driver-tenant") as running:
        yield running


@pytest.fixture(scope="module")
def java_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The stand-in SDK with the reference driver, and the faulty build that shadows its EventIngestionApi."""
    if shutil.which("javac") is None:
        pytest.skip("no JDK here (make test installs one)")
    standin, faulty = tmp_path_factory.mktemp("java-standin"), tmp_path_factory.mktemp("java-faulty")
    sources = [str(p) for p in (EXAMPLES / "java" / "togai-java-standin").rglob("*.java")]
    subprocess.run(["javac", "-d", str(standin), *sources, str(EXAMPLES / "java" / "TogaiDriver.java")],
                   check=True, capture_output=True, timeout=120)
    subprocess.run(["javac", "-d", str(faulty), "-cp", str(standin),
                    str(HERE / "drivers" / "java" / "com" / "togai" / "client" / "api" / "EventIngestionApi.java")],
                   check=True, capture_output=True, timeout=120)
    return standin, faulty


def java(*classpath: Path) -> tuple[str, ...]:
    return ("java", "-cp", os.pathsep.join(map(str, classpath)), "TogaiDriver")


NODE = ("node", str(EXAMPLES / "node" / "driver.mjs"))
NODE_FAULTY = (*NODE, str(HERE / "drivers" / "faulty-client.mjs"))
PYTHON_FAULTY = f"{HERE / 'misbehaving.py'}:faulty"


def broken(matrix: Matrix, column: str) -> dict[tuple[str, str], str]:
    return {(op, row): cell.reason for (op, row, col), cell in matrix.cells.items()
            if col == column and not cell.conforms}


@needs_node
def test_the_reference_drivers_conform_on_every_case_their_sdk_can_express(
        target: Target, java_builds: tuple[Path, Path]) -> None:
    standin, _ = java_builds
    matrix = run_matrix(target, load_spec(), [driver_subject(java(standin)), driver_subject(NODE)])
    assert matrix.columns == ["togai-java 0.1.0-standin (java)", "togai-node-example 0.1.0 (node)"]
    assert matrix.breaks == 0, [(key, cell.reason) for key, cell in matrix.cells.items() if not cell.conforms]
    not_expressible = {(op, row, col) for (op, row, col), cell in matrix.cells.items() if not cell.applicable}
    assert not_expressible == {(op, f"timestamp given as {form}", matrix.columns[0])
                               for op in ("ingest", "ingestBatch") for form in ("a naive datetime",
                                                                                "a string ending in Z")}
    assert matrix.hosts == dict.fromkeys(matrix.columns, "https://api.togai.com")
    java_cells = {row: cell.reason for (op, row, col), cell in matrix.cells.items()
                  if col == matrix.columns[0] and op == "ingest"}
    assert java_cells["401 documented"] == "raises ApiException 401"  # the SDK's own exception, its status
    assert java_cells["connection dropped"] == "raises ApiException"


@needs_node
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_wrong_build_shows_its_fault_in_the_same_cell_in_every_language(
        target: Target, java_builds: tuple[Path, Path], fault: str, monkeypatch: pytest.MonkeyPatch) -> None:
    standin, faulty = java_builds
    monkeypatch.setenv("FAULT", fault)
    subjects = [Subject("python", find_adapter(PYTHON_FAULTY)), driver_subject(java(faulty, standin)),
                driver_subject(NODE_FAULTY)]
    matrix = run_matrix(target, load_spec(), subjects)
    cell, words = FAULTS[fault]
    for column in matrix.columns:
        reasons = broken(matrix, column)
        assert cell in reasons and words in reasons[cell], (column, reasons)
    # the healthy builds conform on that very cell (the test above): what shows is the fault, not the case


def test_the_python_column_beside_other_languages_is_the_real_togai_client(
        target: Target, java_builds: tuple[Path, Path]) -> None:
    """The done-when of the driver protocol: one matrix, togai-client 1.0.3 beside a Java and a Node SDK."""
    if shutil.which("node") is None:
        pytest.skip("no Node.js here (make test installs it)")
    standin, _ = java_builds
    python = sdk_python(install_for("togai-client", "1.0.3"))
    subjects = [Subject("togai-client 1.0.3", find_adapter("togai-client"), python), driver_subject(java(standin)),
                driver_subject(NODE)]
    matrix = run_matrix(target, load_spec(), subjects)
    assert len(matrix.columns) == 3 and matrix.versions["togai-client 1.0.3"] == "1.0.3"
    assert not broken(matrix, matrix.columns[1]) and not broken(matrix, matrix.columns[2])


@needs_node
def test_the_command_takes_drivers_beside_an_adapter_and_prints_one_matrix(
        tmp_path: Path, java_builds: tuple[Path, Path]) -> None:
    standin, _ = java_builds
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    result = subprocess.run([sys.executable, "-m", "harness", "sdk", "--adapter", "harness", "--driver",
                             " ".join(java(standin)), "--driver", " ".join(NODE), "--report-dir", "out"],
                            cwd=tmp_path, env={**environment, "HARNESS_TOKEN": "sdk-driver-tenant"},
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    report = json.loads((tmp_path / "out" / "sdk.json").read_text())
    assert report["columns"] == ["harness", "togai-java 0.1.0-standin (java)", "togai-node-example 0.1.0 (node)"]
    assert "not expressible" in result.stdout


@pytest.mark.parametrize(("mode", "reason"), [
    ("exit-mid-run", "the driver exited (code 7) during case"),
    ("garbage", "the driver wrote a line that is not a protocol message"),
    ("hang-on-call", "the driver did not answer case"),
    ("huge-line", "the driver wrote a line over 1,000,000 characters"),
    ("wrong-id", "the driver answered case 'another-case'"),
])
def test_a_driver_that_breaks_mid_run_ends_its_column_in_bounds_with_the_reason_in_a_row(
        target: Target, mode: str, reason: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver_module, "CALL_SECONDS", 3.0)
    matrix = run_matrix(target, load_spec(), [driver_subject((sys.executable, str(HERE / "drivers" / "hostile.py"),
                                                              mode))])
    reasons = [cell.reason for (_, row, _), cell in matrix.cells.items() if row != "request sent"]
    (broke,) = [r for r in reasons if r.startswith(reason)]  # the third case: its cell says why, in a line
    assert "\n" not in broke and reasons.index(broke) == 2, reasons[:4]
    if mode == "exit-mid-run":
        assert "the SDK fell over" in broke  # its last line of standard error
    assert all(r.startswith("not run: the driver ended at ") for r in reasons[3:])  # nothing after it was run


@pytest.mark.parametrize(("mode", "reason"), [("hang-at-hello", "did not answer the handshake within 2s"),
                                             ("fatal", "the driver gave up during configure: no SDK here")])
def test_a_driver_that_cannot_start_is_one_line_and_an_error_of_the_run(
        target: Target, mode: str, reason: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver_module, "START_SECONDS", 2.0)
    with pytest.raises(driver_module.EngineError, match=reason):
        run_matrix(target, load_spec(), [driver_subject((sys.executable, str(HERE / "drivers" / "hostile.py"),
                                                         mode))])


def test_a_driver_command_that_cannot_run_is_one_line(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    result = subprocess.run([sys.executable, "-m", "harness", "sdk", "--driver", "no-such-driver-program --x",
                             "--report-dir", "out"], cwd=tmp_path, env={**environment, "HARNESS_TOKEN": "sdk-tenant-x"},
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and "the driver could not start" in result.stderr
    assert "Traceback" not in result.stderr
