"""``index.html``: the one page a person opens after ``harness run``, rendered from the stages' reports.

The summary table, each stage's findings with their reproduction lines
(credentials already redacted), the load charts, and links to every
machine-readable file. Self-contained: no script, no remote asset.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, select_autoescape

from harness.redaction import SCRUBBER
from harness.reports.text import printable
from harness.verdicts import Outcome, Report, overall

_TEMPLATE = Path(__file__).resolve().parent / "templates" / "index.html"


def write_index(stages: list[tuple[str, Report, str]], target: str, directory: Path, total_seconds: float) -> Path:
    """``stages``: (stage name, its report, its folder relative to ``directory``)."""
    stages = [(name, printable(report), folder) for name, report, folder in stages]
    outcome = overall(report.outcome for _, report, _ in stages)
    failed = outcome in (Outcome.FAILED, Outcome.ERROR)
    charts = [(f"{name}: {label}", f"{folder}/{file}") for name, report, folder in stages
              for label, file in report.charts.items()]
    template = Environment(autoescape=select_autoescape(default=True)).from_string(
        _TEMPLATE.read_text(encoding="utf-8"))
    html = template.render(
        stages=stages, target=target, verdict="findings" if failed else "all passed",
        overall="failed" if failed else "passed", charts=charts, total=total_seconds,
        when=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    path = directory / "index.html"
    path.write_text(html, encoding="utf-8")
    SCRUBBER.scrub_file(path)
    return path
