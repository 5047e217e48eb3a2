"""``<engine>.md``: the report as a person reads it in a pull request or a job summary."""

from __future__ import annotations

from pathlib import Path

from harness.reports import report_format
from harness.reports.text import FINDINGS_SHOWN, md_cell
from harness.verdicts import Outcome, Report


def markdown(report: Report) -> str:
    verdict = "FAILED" if report.outcome in (Outcome.FAILED, Outcome.ERROR) else report.outcome.value
    lines = [f"# {report.title}: {verdict}", "", f"Target: {report.target} (run {report.run_id})  "]
    if report.summary:
        lines.append(f"{md_cell(report.summary)}  ")
    lines.append(f"{report.tally} in {report.seconds:.1f}s")
    if report.figures:
        lines += ["", "| figure | value |", "|---|---|",
                  *[f"| {md_cell(name)} | {md_cell(value)} |" for name, value in report.figures]]
    for table in report.tables:
        lines += ["", f"## {table.title}", "", "| " + " | ".join(map(md_cell, table.columns)) + " |",
                  "|" + "---|" * len(table.columns), *["| " + " | ".join(map(md_cell, cells)) + " |"
                                                        for cells in table.rows]]
    lines += ["", "| check | subject | outcome | note |", "|---|---|---|---|"]
    lines += [f"| {md_cell(row.name)} | {md_cell(row.subject)} | {row.outcome.value} | {md_cell(row.message)} |"
              for row in report.rows]
    for row in report.rows:
        if row.outcome not in (Outcome.FAILED, Outcome.KNOWN, Outcome.WARNED) or not row.findings:
            continue
        lines += ["", f"## {row.name} on {row.subject}" if row.subject else f"## {row.name}"]
        for finding in row.findings[:FINDINGS_SHOWN]:
            lines += ["", f"- {md_cell(finding.headline)}"]
            if finding.reproduction:
                lines += ["", "  ```sh", f"  {finding.reproduction}", "  ```"]
            if finding.seen:
                lines.append(f"  Seen: `{md_cell(finding.seen)}`")
        if len(row.findings) > FINDINGS_SHOWN:
            lines += ["", f"- ... and {len(row.findings) - FINDINGS_SHOWN} more in {report.engine}.json"]
    lines += [f"![{label}]({name})" for label, name in report.charts.items()]
    lines += ["", *[f"_{md_cell(note)}_" for note in report.notes]]
    return "\n".join(lines).rstrip() + "\n"


@report_format("markdown")
def write(report: Report, directory: Path) -> Path:
    path = directory / f"{report.engine}.md"
    path.write_text(markdown(report), encoding="utf-8")
    return path
