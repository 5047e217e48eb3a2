"""A known-findings baseline: adopt (write), rerun clean, a new finding fails, fixed and expired entries said."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from harness import baseline
from harness.errors import ConfigError
from harness.verdicts import EXIT_FINDINGS, EXIT_OK, Finding, Outcome, Report, Row


def contract_report(*messages: str, port: int = 40123) -> Report:
    """A contract report whose row error_responses on ingestBatch holds ``messages`` as findings (passed if none)."""
    findings = [Finding(message, f"curl -X POST 'http://127.0.0.1:{port}/ingestBatch'", "400 ...")
                for message in messages]
    rows = [Row("error_responses", "ingest", Outcome.PASSED), Row("auth", "ingestBatch", Outcome.PASSED),
            Row("error_responses", "ingestBatch", Outcome.FAILED if findings else Outcome.PASSED,
                messages[0] if messages else "", findings)]
    return Report("contract", "Contract checks", f"http://127.0.0.1:{port}", rows)


def test_the_fingerprint_ignores_what_a_run_generates() -> None:
    """Ports, ids, timestamps and measurements differ between runs; the defect does not."""
    first = "event hc-1a2b3c4d-000017 at http://127.0.0.1:40123/x on 2026-11-26T16:43:07Z: 1,048,577 bytes, 18.1 ms"
    again = "event hc-9f8e7d6c-000003 at http://127.0.0.1:51000/x on 2026-11-27T01:02:03Z: 1,048,577 bytes, 20.4 ms"
    row = Row("error_responses", "ingest", Outcome.FAILED)
    mark = baseline.fingerprint("contract", row, Finding(first))
    assert mark == baseline.fingerprint("contract", row, Finding(again))
    assert baseline.fingerprint("contract", row, Finding("expected 202, got 400")) != baseline.fingerprint(
        "contract", row, Finding("expected 202, got 500"))  # a status is the defect itself, kept
    other = Row("error_responses", "ingestBatch", Outcome.FAILED)
    assert baseline.fingerprint("contract", row, Finding(first)) != baseline.fingerprint("contract", other,
                                                                                          Finding(first))


def test_a_round_trip_adopt_rerun_clean_then_a_new_finding_fails(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    first = contract_report("error 400 body is not an ErrorResponse: 'message' is a required property")
    assert first.exit_code == EXIT_FINDINGS
    assert baseline.write(path, [first]) == 1
    known = baseline.judge(contract_report(
        "error 400 body is not an ErrorResponse: 'message' is a required property", port=51999),
        baseline.load(path))
    assert known.exit_code == EXIT_OK
    row = next(row for row in known.rows if row.subject == "ingestBatch" and row.name == "error_responses")
    assert row.outcome is Outcome.KNOWN and row.findings[0].baseline == baseline.KNOWN
    worse = baseline.judge(contract_report(
        "error 400 body is not an ErrorResponse: 'message' is a required property",
        "a 207 lists an event it accepted"), baseline.load(path))
    assert worse.exit_code == EXIT_FINDINGS
    row = next(row for row in worse.rows if row.outcome is Outcome.FAILED)
    assert [f.baseline for f in row.findings] == [baseline.NEW, baseline.KNOWN]  # the new one first


def test_an_entry_no_longer_seen_is_fixed_and_one_past_its_date_fails_again(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    baseline.write(path, [contract_report("wrong wording")])
    written = baseline.load(path)
    clean = baseline.judge(contract_report(), written)
    fixed = [row for row in clean.rows if row.group == "baseline"]
    assert clean.exit_code == EXIT_OK and fixed and fixed[0].findings[0].baseline == baseline.FIXED
    written.entries[0].expires = dt.date(2026, 1, 31)
    written.entries[0].reason = "wording change agreed with the API team until January"
    late = baseline.judge(contract_report("wrong wording"), written, today=dt.date(2026, 2, 1))
    assert late.exit_code == EXIT_FINDINGS
    assert late.failed[0].findings[0].baseline == baseline.EXPIRED
    baseline.write(path, [late], previous=written)  # rewriting keeps the reason and the date
    assert baseline.load(path).entries[0].reason.startswith("wording change")


def test_a_baseline_that_is_missing_or_not_one_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found: write one with --write-baseline"):
        baseline.load(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text('{"entries": 3}')
    with pytest.raises(ConfigError, match="is not a baseline"):
        baseline.load(tmp_path / "bad.json")
