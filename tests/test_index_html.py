"""``index.html`` with hundreds of findings: self-contained, every finding on the page, filterable, in Chromium."""

from __future__ import annotations

from pathlib import Path

from harness import baseline
from harness.reports.html import write_index
from harness.verdicts import Finding, Outcome, Report, Row, Table
from tests.browser import needs_chromium, opened

FINDINGS = 300


def many_findings() -> list[tuple[str, Report, str]]:
    rows = [Row("field_constraints", f"ingestBatch #{n}", Outcome.FAILED, f"constraint {n}: expected 400, got 202",
                [Finding(f"constraint {n}: expected 400, got 202",
                         f"curl -X POST 'http://127.0.0.1:9/ingestBatch' -H 'Authorization: Bearer ***' "
                         f"--data-binary '{{\"n\": {n}}}'", f"202 (Content-Type: application/json) {{\"n\": {n}}}")])
            for n in range(FINDINGS)]
    rows += [Row("auth", "ingest", Outcome.PASSED, "401 to a missing token"),
             Row("throttling", "ingest", Outcome.SKIPPED, "no 429 seen")]
    contract = Report("contract", "Contract checks", "http://127.0.0.1:9", rows, summary="2 passed")
    known = baseline.Baseline(entries=[baseline.Entry(
        baseline.fingerprint("contract", rows[0], rows[0].findings[0]), "contract", rows[0].name, rows[0].subject,
        rows[0].message, reason="agreed with the API team")])
    contract = baseline.judge(contract, known)
    sdk = Report("sdk", "SDK conformance", "t", [Row("valid event", "harness", Outcome.PASSED)],
                 tables=[Table("SDK matrix", ["case", "harness 0.1"], [["valid event", "✅ 202"]])])
    return [("contract", contract, "contract"), ("sdk (our client)", sdk, "sdk")]


def test_every_finding_is_on_the_page_and_nothing_is_fetched(tmp_path: Path) -> None:
    index = write_index(many_findings(), "http://127.0.0.1:9", tmp_path, 12.0)
    html = index.read_text(encoding="utf-8")
    assert html.count('class="reproduce"') == FINDINGS and html.count('class="seen"') == FINDINGS
    assert "agreed with the API team" in html and 'class="badge known"' in html and 'class="badge new"' in html
    assert "SDK matrix" in html and "✅ 202" in html
    assert "src=\"http" not in html and "href=\"http" not in html  # self-contained


@needs_chromium
def test_chromium_shows_a_failing_finding_filters_by_outcome_without_console_errors(tmp_path: Path) -> None:
    index = write_index(many_findings(), "http://127.0.0.1:9", tmp_path, 12.0)
    with opened(index) as (page, errors):
        first = page.locator("tr.row[data-outcome=failed] details.finding").first
        assert first.is_visible() and "expected 400, got 202" in first.inner_text()
        assert "curl -X POST" in first.locator("pre.reproduce").inner_text()
        assert page.locator("#shown").inner_text() == f"{FINDINGS} of {FINDINGS + 3} rows"  # failed and known
        page.locator("input[value=failed]").uncheck()
        assert page.locator("tr.row[data-outcome=failed]").first.is_hidden()
        page.locator("input[value=passed]").check()
        page.locator("#search").fill("missing token")
        assert page.locator("#shown").inner_text() == f"1 of {FINDINGS + 3} rows"
    assert errors == []
