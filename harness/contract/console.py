"""The contract run in a terminal: live progress, then the verdict table and each failure's reproduction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.contract.model import Verdict
from harness.contract.report import FINDINGS_SHOWN
from harness.contract.runner import ContractReport

_STYLE = {Verdict.PASSED: "green", Verdict.FAILED: "bold red", Verdict.SKIPPED: "yellow"}


@contextmanager
def progress(console: Console) -> Iterator[Callable[[str, int, int], None]]:
    """An ``on_stage`` callback drawing a progress bar (plain lines when the console is not a terminal)."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total} stages"), TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("contract", total=None)

        def on_stage(name: str, done: int, total: int) -> None:
            bar.update(task, description=f"contract: {name}", completed=done, total=total)
            if not console.is_terminal and name != "done":
                console.print(f"contract: {name} ({done}/{total})", highlight=False)

        yield on_stage


def show(report: ContractReport, console: Console) -> None:
    table = Table(title=f"Contract checks against {report.target}")
    for column in ("check", "operation", "verdict", "note"):
        table.add_column(column, overflow="fold")
    for result in report.results:
        note = result.findings[0].message if result.findings else result.reason
        table.add_row(result.check, result.operation,
                      f"[{_STYLE[result.verdict]}]{result.verdict.value}[/]", note, end_section=False)
    console.print(table)
    for result in report.failed:
        console.print(f"\n[bold red]FAILED[/] {result.check} on {result.operation}")
        for finding in result.findings[:FINDINGS_SHOWN]:
            console.print(f"  - {finding.message}", markup=False, highlight=False)
            if finding.exchange is not None:
                console.print(f"    reproduce: {finding.exchange.curl()}", markup=False, highlight=False)
                console.print(f"    seen: {finding.exchange.seen()}", markup=False, highlight=False)
        if len(result.findings) > FINDINGS_SHOWN:
            console.print(f"  ... {len(result.findings) - FINDINGS_SHOWN} more in the JSON report")
    counts = {verdict: sum(r.verdict is verdict for r in report.results) for verdict in Verdict}
    console.print(f"\n{counts[Verdict.PASSED]} passed, {counts[Verdict.FAILED]} failed, "
                  f"{counts[Verdict.SKIPPED]} skipped in {report.duration:.1f}s "
                  f"({report.requests} probe requests, {report.cases} schemathesis cases, seed {report.seed})",
                  highlight=False)
