"""The contract run's report files: ``contract.json``, ``contract-junit.xml`` and ``contract.md``."""

from __future__ import annotations

from pathlib import Path

from harness.contract.model import CheckResult, Finding, Verdict
from harness.contract.runner import ContractReport
from harness.reports import Case, md_cell, write_json, write_junit, write_markdown

FINDINGS_SHOWN = 5  # per check and operation; the JSON report has them all


def finding_text(finding: Finding) -> str:
    lines = [finding.message]
    if finding.exchange is not None:
        lines += [f"reproduce: {finding.exchange.curl()}", f"seen: {finding.exchange.seen()}"]
    return "\n".join(lines)


def _case(result: CheckResult) -> Case:
    name = f"{result.check}[{result.operation}]"
    if result.verdict is Verdict.FAILED:
        return Case("contract", name, "failed", result.findings[0].message,
                    "\n\n".join(finding_text(f) for f in result.findings))
    return Case("contract", name, result.verdict.value, result.reason)


def markdown(report: ContractReport) -> str:
    verdict = "FAILED" if report.failed else "passed"
    lines = [f"# Contract run: {verdict}", "",
             f"Target: {report.target}  ", f"Spec: {report.spec_path}  ",
             f"Seed: {report.seed}; {report.requests} probe requests, {report.cases} schemathesis cases, "
             f"{report.duration:.1f}s", "", "| check | operation | verdict | note |", "|---|---|---|---|"]
    for result in report.results:
        note = result.findings[0].message if result.findings else result.reason
        lines.append(f"| {result.check} | {result.operation} | {result.verdict.value} | {md_cell(note)} |")
    for result in report.failed:
        lines += ["", f"## {result.check} on {result.operation}"]
        for finding in result.findings[:FINDINGS_SHOWN]:
            lines += ["", f"- {md_cell(finding.message)}"]
            if finding.exchange is not None:
                lines += ["", "  ```sh", f"  {finding.exchange.curl()}", "  ```",
                          f"  Seen: `{md_cell(finding.exchange.seen())}`"]
        if len(result.findings) > FINDINGS_SHOWN:
            lines += ["", f"- ... and {len(result.findings) - FINDINGS_SHOWN} more in contract.json"]
    lines += ["", *[f"_{note}_" for note in report.notes]]
    return "\n".join(lines).rstrip() + "\n"


def write_reports(report: ContractReport, directory: Path) -> list[Path]:
    return [
        write_json(directory / "contract.json", report.to_dict()),
        write_junit(directory / "contract-junit.xml", "contract", [_case(r) for r in report.results],
                    report.duration),
        write_markdown(directory / "contract.md", markdown(report)),
    ]
