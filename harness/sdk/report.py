"""The SDK matrix as one report: per version a summary and its facts, then the matrix side by side.

A cell is ✅ (conforms), ⚠ (conforms, but a caller learns of a mistake only
from the server: invalid data sent, or changed silently) or ❌ (breaks). A
case whose verdict differs between versions (drift) is marked, so what
changed with a release stands out; each version's summary says what changed
from the column before it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from harness.facts import PRODUCTION_HOSTS, TOGAI_HOSTS
from harness.sdk.runner import Matrix
from harness.verdicts import Finding, Outcome, Report, Row, Table

MARKS = {"verdict": "≠", "behaviour": "~"}  # the verdict differs between versions; the same verdict, reached otherwise
LEGEND = ("✅ conforms, ⚠ sent what the server must reject, ❌ breaks, ⊘ not expressible with this SDK; ≠: the "
          "verdict differs between versions; ~: same verdict, different behaviour")
FACT_ROWS = {"429 with Retry-After": "on 429 with Retry-After", "429 without Retry-After": "on 429 without it",
             "503 documented": "on 503", "connection dropped": "on a dropped connection",
             "request sent": "what it sends"}  # matrix rows (by their start) read as facts


def as_report(matrix: Matrix, target: str, seconds: float = 0.0) -> Report:
    rows = [Row(f"{operation}: {case}", column, Outcome.SKIPPED if not cell.applicable else
                Outcome.PASSED if cell.conforms else Outcome.FAILED,
                f"{cell.mark} {cell.reason}" if cell.warns else cell.reason,
                [] if cell.conforms else [Finding(cell.reason)], group="sdk")
            for (operation, case, column), cell in matrix.cells.items()]
    table = Table(f"SDK conformance ({LEGEND})", ["operation", "case", *matrix.columns], [])
    for operation, case in matrix.rows:
        drift = matrix.drift(operation, case)
        cells = []
        for column in matrix.columns:
            cell = matrix.cells.get((operation, case, column))
            cells.append(f"{cell.mark} {cell.reason}" if cell else "")
        table.rows.append([operation, f"{MARKS[drift]} {case}" if drift else case, *cells])
    judged = [cell for cell in matrix.cells.values() if cell.applicable]
    conform = len(judged) - matrix.breaks
    missing = len(matrix.cells) - len(judged)
    known = facts(matrix)
    summary = f"{conform}/{len(judged)} cells conform" + (f", {missing} not expressible" if missing else "")
    return Report("sdk", "SDK conformance", target, rows, summary=summary,
                  tables=[per_version(matrix, known), known, table], seconds=seconds, details=matrix.to_dict())


def per_version(matrix: Matrix, known: Table) -> Table:
    """What conforms, what breaks, what drifted from the column before (verdicts and defaults), per version."""
    summary = Table("Per version", ["version", "conforms", "warns", "breaks", "breaks in", "changed from the previous"],
                    [])
    for index, column in enumerate(matrix.columns):
        cells = {(op, row): cell for (op, row, col), cell in matrix.cells.items() if col == column}
        verdicts = [cell.verdict for cell in cells.values()]
        broken = [f"{op}: {row}" for (op, row), cell in cells.items() if not cell.conforms]
        changed = matrix.changed(column, matrix.columns[index - 1]) if index else []
        changed += [f"{fact[0]}: {fact[index + 1]}" for fact in known.rows
                    if index and fact[index + 1] != fact[index]]  # a default of the SDK changed
        summary.rows.append([column, str(verdicts.count("conforms")), str(verdicts.count("warns")),
                             str(len(broken)), _listed(broken),
                             _listed(changed) if index else "(the first column)"])
    return summary


def facts(matrix: Matrix) -> Table:
    """Defaults of each SDK observed, not judged: its host when none is given, what it does on 429, 503 and a
    dropped connection, and its User-Agent (in what it sends)."""
    table = Table("SDK defaults", ["fact", *matrix.columns], [])
    hosts = []
    for column in matrix.columns:
        host = matrix.hosts.get(column)
        name = (urlsplit(host).hostname or "") if host else ""
        kind = "production" if name in PRODUCTION_HOSTS else "sandbox" if name in TOGAI_HOSTS else "another host"
        hosts.append(f"{host} ({kind})" if host else "not said by its adapter")
    table.rows.append(["host when none is configured", *hosts])
    for start, fact in FACT_ROWS.items():
        for operation, case in [(op, row) for op, row in matrix.rows if row.startswith(start)]:
            cells = [matrix.cells.get((operation, case, column)) for column in matrix.columns]
            table.rows.append([f"{fact} ({operation})", *(cell.reason if cell else "" for cell in cells)])
    return table


def _listed(items: list[str], shown: int = 6) -> str:
    if not items:
        return "none"
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return "; ".join(items[:shown]) + more
