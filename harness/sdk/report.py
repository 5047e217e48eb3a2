"""The SDK matrix as one report: a row per cell, and the matrix itself with versions side by side.

A case whose verdict differs between versions (drift) is marked, so what
changed with a release stands out.
"""

from __future__ import annotations

from harness.sdk.runner import Matrix
from harness.verdicts import Finding, Outcome, Report, Row, Table

MARKS = {"verdict": "≠", "behaviour": "~"}  # the verdict differs between versions; the same verdict, reached otherwise
LEGEND = "≠: the verdict differs between versions; ~: same verdict, different behaviour"


def as_report(matrix: Matrix, target: str, seconds: float = 0.0) -> Report:
    rows = [Row(f"{operation}: {case}", column, Outcome.PASSED if cell.conforms else Outcome.FAILED, cell.reason,
                [] if cell.conforms else [Finding(cell.reason)], group="sdk")
            for (operation, case, column), cell in matrix.cells.items()]
    table = Table(f"SDK conformance ({LEGEND})", ["operation", "case", *matrix.columns], [])
    for operation, case in matrix.rows:
        drift = matrix.drift(operation, case)
        cells = []
        for column in matrix.columns:
            cell = matrix.cells.get((operation, case, column))
            cells.append(f"{'✅' if cell.conforms else '❌'} {cell.reason}" if cell else "")
        table.rows.append([operation, f"{MARKS[drift]} {case}" if drift else case, *cells])
    conform = len(matrix.cells) - matrix.breaks
    return Report("sdk", "SDK conformance", target, rows, summary=f"{conform}/{len(matrix.cells)} cells conform",
                  tables=[table], seconds=seconds, details=matrix.to_dict())
