"""``<engine>.json``: every row and finding, the figures, and the engine's own details, for machines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from harness.reports import report_format
from harness.verdicts import Outcome, Report


def as_data(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = {
        "engine": report.engine, "title": report.title, "target": report.target, "run_id": report.run_id,
        "outcome": report.outcome.value, "passed": report.count(Outcome.PASSED),
        "failed": report.count(Outcome.FAILED), "skipped": report.count(Outcome.SKIPPED),
        "errors": report.count(Outcome.ERROR), "known": report.count(Outcome.KNOWN),
        "warned": report.count(Outcome.WARNED),
        "seconds": round(report.seconds, 2), "summary": report.summary,
        "figures": dict(report.figures), "notes": report.notes, "charts": report.charts, "files": report.files,
        "rows": msgspec.to_builtins(report.rows)}
    return {**data, **report.details}


@report_format("json")
def write(report: Report, directory: Path) -> Path:
    path = directory / f"{report.engine}.json"
    path.write_text(json.dumps(as_data(report), indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path
