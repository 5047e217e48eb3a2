"""The SDK matrix as people and CI read it: a console table, Markdown, JSON and JUnit.

Versions stand side by side; a row whose verdict differs between versions
(drift) is marked, so what changed with a release stands out.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from harness.reports import Case, md_cell, write_json, write_junit, write_markdown
from harness.sdk.runner import Matrix

MARKS = {"verdict": "≠", "behaviour": "~"}  # the verdict differs between versions; the same verdict, reached otherwise
LEGEND = "≠: the verdict differs between versions; ~: same verdict, different behaviour"


def show(matrix: Matrix, console: Console) -> None:
    table = Table(title=f"SDK conformance ({LEGEND})", show_lines=False)
    table.add_column("operation")
    table.add_column("case")
    for column in matrix.columns:
        table.add_column(column, overflow="fold")
    for operation, row in matrix.rows:
        drift = matrix.drift(operation, row)
        cells = []
        for column in matrix.columns:
            cell = matrix.cells.get((operation, row, column))
            if cell is None:
                cells.append("")
                continue
            style = "green" if cell.conforms else "bold red"
            cells.append(f"[{style}]{cell.verdict}[/]: {cell.reason}")
        name = {"verdict": f"[bold yellow]{MARKS['verdict']} {row}[/]", "behaviour": f"[yellow]{MARKS['behaviour']} "
                f"{row}[/]"}.get(drift or "", row)
        table.add_row(operation, name, *cells)
    console.print(table)
    console.print(f"{len(matrix.cells) - matrix.breaks} cells conform, {matrix.breaks} break", highlight=False)


def markdown(matrix: Matrix) -> str:
    header = ["operation", "case", *matrix.columns]
    lines = ["# SDK conformance", "", f"{LEGEND}.", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for operation, row in matrix.rows:
        drift = matrix.drift(operation, row)
        name = f"**{MARKS[drift]} {row}**" if drift == "verdict" else f"{MARKS[drift]} {row}" if drift else row
        cells = []
        for column in matrix.columns:
            cell = matrix.cells.get((operation, row, column))
            cells.append(md_cell(f"{'✅' if cell.conforms else '❌'} {cell.reason}") if cell else "")
        lines.append(f"| {operation} | {md_cell(name)} | " + " | ".join(cells) + " |")
    lines += ["", f"{len(matrix.cells) - matrix.breaks} cells conform, {matrix.breaks} break."]
    return "\n".join(lines) + "\n"


def write_reports(matrix: Matrix, directory: Path) -> list[Path]:
    cases = [Case(column, f"{operation}: {row}", "passed" if cell.conforms else "failed", cell.reason,
                  "" if cell.conforms else cell.reason)
             for (operation, row, column), cell in matrix.cells.items()]
    return [write_json(directory / "sdk.json", matrix.to_dict()),
            write_junit(directory / "sdk-junit.xml", "sdk", cases),
            write_markdown(directory / "sdk.md", markdown(matrix))]
