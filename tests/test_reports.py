"""One verdict model, rendered in every format by one package; outcomes mapped to exit codes in one place."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console

from harness.reports import FORMATS, formats, report_format, write_all
from harness.reports.console import show
from harness.reports.html import write_index
from harness.verdicts import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    Finding,
    Outcome,
    Report,
    Row,
    Table,
    error_report,
    exit_code,
)


def sample_report() -> Report:
    finding = Finding("error 400 served as text/plain", "curl -X POST http://127.0.0.1:1/ingest", "400 (text/plain)")
    return Report("contract", "Contract checks", "http://127.0.0.1:1", [
        Row("error_responses", "ingest", Outcome.FAILED, finding.message, [finding], group="contract"),
        Row("auth", "ingest", Outcome.PASSED, "budget 5"),
        Row("throttling", "ingest", Outcome.SKIPPED, "no 429 seen"),
    ], summary="1 passed, 1 failed", figures=[("requests", "12")],
        tables=[Table("matrix", ["case", "v1"], [["202", "✅ returns"]])], details={"seed": 7})


def test_outcomes_map_to_exit_codes() -> None:
    passed = Report("x", "x", "t", [Row("a", "", Outcome.PASSED), Row("b", "", Outcome.SKIPPED)])
    assert exit_code([passed]) == EXIT_OK
    assert exit_code([passed, sample_report()]) == EXIT_FINDINGS
    assert exit_code([sample_report(), error_report("load", "Load", "t", "Locust did not start")]) == EXIT_ERROR
    assert Report("x", "x", "t").outcome is Outcome.SKIPPED


def test_a_warned_row_is_shown_everywhere_but_never_gates(tmp_path: Path) -> None:
    """Warned: a fault of the document, not of the target (spec lint inside harness run)."""
    finding = Finding("specs/x.yaml#/paths/~1ingest: ingest 429 declares no Retry-After header")
    warned = Report("lint", "Spec lint", "specs/x.yaml", [
        Row("spec lint", "/paths/~1ingest", Outcome.WARNED, "ingest 429 declares no Retry-After header", [finding]),
        Row("spec lint", "/", Outcome.PASSED, "")])
    assert warned.outcome is Outcome.WARNED and exit_code([warned]) == EXIT_OK
    assert exit_code([warned, sample_report()]) == EXIT_FINDINGS
    assert warned.tally == "1 passed, 0 failed, 0 skipped, 1 warned"
    write_all(warned, tmp_path)
    assert json.loads((tmp_path / "lint.json").read_text())["warned"] == 1
    skipped = ET.parse(tmp_path / "lint-junit.xml").getroot().find(".//skipped")
    assert skipped is not None and skipped.get("type") == "warned" and "Retry-After" in (skipped.text or "")
    assert "## spec lint on /paths/~1ingest" in (tmp_path / "lint.md").read_text()


def test_every_file_format_is_written_from_the_rows(tmp_path: Path) -> None:
    paths = write_all(sample_report(), tmp_path)
    assert {path.name for path in paths} == {"contract.json", "contract-junit.xml", "contract.md"}
    data = json.loads((tmp_path / "contract.json").read_text())
    assert (data["failed"], data["passed"], data["skipped"], data["seed"]) == (1, 1, 1, 7)
    assert data["rows"][0]["findings"][0]["reproduction"].startswith("curl")
    suite = ET.parse(tmp_path / "contract-junit.xml").getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["error_responses[ingest]"].find("failure") is not None
    assert cases["throttling[ingest]"].find("skipped") is not None
    markdown = (tmp_path / "contract.md").read_text()
    assert "# Contract checks: FAILED" in markdown and "curl -X POST" in markdown and "| 202 | ✅ returns |" in markdown


def test_a_format_is_one_registered_writer(tmp_path: Path) -> None:
    formats()
    before = dict(FORMATS)

    @report_format("names")
    def write(report: Report, directory: Path) -> Path:
        path = directory / f"{report.engine}.names"
        path.write_text("\n".join(row.label for row in report.rows))
        return path

    try:
        written = write_all(sample_report(), tmp_path)
        assert tmp_path / "contract.names" in written
        assert (tmp_path / "contract.names").read_text().splitlines()[0] == "error_responses[ingest]"
    finally:
        FORMATS.clear()
        FORMATS.update(before)


def test_console_shows_the_failure_with_its_reproduction() -> None:
    console = Console(record=True, width=200)
    show(sample_report(), console)
    text = console.export_text()
    assert "FAILED error_responses on ingest" in text
    assert "reproduce: curl -X POST" in text and "1 passed, 1 failed, 1 skipped" in text


def test_junit_stays_valid_xml_whatever_bytes_a_target_sent(tmp_path: Path) -> None:
    echoed = "error 400: \x00\x1b[31mred\x1b[0m \ufffe bad\x0c"  # what a hostile target may echo back
    report = Report("contract", "Contract checks", "t", [
        Row("error_responses", "ingest\x00", Outcome.FAILED, echoed, [Finding(echoed, "curl \x01", "400 \x02")]),
        Row("auth", "ingest", Outcome.SKIPPED, "skipped \x07"),
    ])
    path = next(p for p in write_all(report, tmp_path) if p.name.endswith("-junit.xml"))
    suite = ET.parse(path).getroot()  # a control character would make this raise
    failure = next(suite.iter("failure"))
    assert "\\x00" in failure.get("message", "") and "\\x1b[31mred" in (failure.text or "")
    assert "\\ufffe" in failure.get("message", "") and "\\x01" in (failure.text or "")


def test_every_format_stays_well_formed_whatever_bytes_a_target_sent(tmp_path: Path) -> None:
    """JSON parses as UTF-8, Markdown and HTML hold no raw control character, the console no escape sequence."""
    echoed = "400: \x00\x1b[31m[bold]red[/bold]\x1b[0m \udc80 \x7f <script>"
    report = Report("contract", "Contract checks", "t", [
        Row("error_responses", "ingest", Outcome.FAILED, echoed, [Finding(echoed, "curl \x01", "400 \x02")])],
        details={"seen": echoed})
    paths = {path.suffix: path for path in write_all(report, tmp_path)}
    data = json.loads(paths[".json"].read_bytes().decode("utf-8"))  # a lone surrogate would not even be written
    assert data["rows"][0]["message"].startswith("400: \\x00\\x1b[31m") and "\\udc80" in data["seen"]
    index = write_index([("contract", report, ".")], "t", tmp_path, 1.0)
    for path in (paths[".md"], index):
        text = path.read_text(encoding="utf-8")
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text), path.name
    assert "&lt;script&gt;" in index.read_text(encoding="utf-8")
    console = Console(record=True, width=200)
    show(report, console)
    shown = console.export_text()
    assert "\x1b" not in shown and "\\x1b[31m[bold]red[/bold]" in shown  # shown, neither run nor taken as markup
