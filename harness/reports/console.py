"""A report on the terminal: figures, the engine's tables, the verdict table, each failure's reproduction.

Plain lines when the console is not a terminal (CI logs), the same content.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from harness.reports.text import FINDINGS_SHOWN, STYLE, printable
from harness.verdicts import Outcome, Report


def show(report: Report, console: Console) -> None:
    """The report on ``console``; what targets sent is shown as text, never as Rich markup or raw escapes."""
    report = printable(report)
    if report.figures:
        figures = Table(title=f"{report.title} against {report.target}")
        figures.add_column("figure")
        figures.add_column("value", overflow="fold")
        for name, value in report.figures:
            figures.add_row(Text(name), Text(value))
        console.print(figures)
    for extra in report.tables:
        table = Table(title=extra.title)
        for column in extra.columns:
            table.add_column(column, overflow="fold")
        for cells in extra.rows:
            table.add_row(*map(Text, cells))
        console.print(table)
    # an engine's own table already shows every row; then only what did not pass is listed again
    rows = [row for row in report.rows if not report.tables or row.outcome is not Outcome.PASSED]
    if rows:
        verdicts = Table(title="Verdicts" if report.figures or report.tables
                         else f"{report.title} against {report.target}")
        for column in ("check", "subject", "verdict", "note"):
            verdicts.add_column(column, overflow="fold")
        for row in rows:
            verdicts.add_row(Text(row.name), Text(row.subject), Text(row.outcome.value, style=STYLE[row.outcome]),
                             Text(row.message))
        console.print(verdicts)
    for row in report.failed:
        if not row.findings:
            continue
        console.print(Text.assemble("\n", ("FAILED", "bold red"), f" {row.name}",
                                    f" on {row.subject}" if row.subject else ""))
        for finding in row.findings[:FINDINGS_SHOWN]:
            console.print(f"  - {finding.headline}", markup=False, highlight=False)
            if finding.reproduction:
                console.print(f"    reproduce: {finding.reproduction}", markup=False, highlight=False)
            if finding.seen:
                console.print(f"    seen: {finding.seen}", markup=False, highlight=False)
        if len(row.findings) > FINDINGS_SHOWN:
            console.print(f"  ... {len(row.findings) - FINDINGS_SHOWN} more in {report.engine}.json")
    for note in report.notes:
        console.print(note, highlight=False, markup=False)
    console.print(f"\n{report.tally} in {report.seconds:.1f}s"
                  + (f" ({report.summary})" if report.summary else ""), highlight=False)
