"""``index.html``: the one page a person opens after ``harness run``, self-contained, with every finding.

The summary; each stage in a collapsible section (open when it failed) with
its figures, its own tables (the SDK matrix), its charts embedded as data
URIs, and every row with every finding: the reproduction line (credentials
redacted), the response seen and, with a baseline, whether the finding is
new, known, expired or fixed. A small inline script filters rows by outcome
and text; without it every row shows. Nothing is fetched from anywhere: the
file reads the same from a CI artifact as on the machine that wrote it.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, select_autoescape

from harness.redaction import SCRUBBER
from harness.reports.text import printable
from harness.verdicts import Outcome, Report, overall

_TEMPLATE = Path(__file__).resolve().parent / "templates" / "index.html"


@dataclass(frozen=True)
class _Stage:
    name: str
    report: Report
    folder: str
    charts: list[tuple[str, str]]  # label, data URI

    @property
    def anchor(self) -> str:
        return "stage-" + "".join(c if c.isalnum() else "-" for c in self.name)


def _embedded(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def write_index(stages: list[tuple[str, Report, str]], target: str, directory: Path, total_seconds: float) -> Path:
    """``stages``: (stage name, its report, its folder relative to ``directory``)."""
    shown = [_Stage(name, printable(report), folder,
                    [(label, _embedded(directory / folder / file)) for label, file in report.charts.items()
                     if (directory / folder / file).is_file()])
             for name, report, folder in stages]
    outcome = overall(stage.report.outcome for stage in shown)
    failed = outcome in (Outcome.FAILED, Outcome.ERROR)
    counts = {each.value: sum(stage.report.count(each) for stage in shown) for each in Outcome}
    template = Environment(autoescape=select_autoescape(default=True)).from_string(
        _TEMPLATE.read_text(encoding="utf-8"))
    html = template.render(
        stages=shown, target=target, verdict="findings" if failed else "all passed",
        overall="failed" if failed else "passed", total=total_seconds, counts=counts,
        run_id=shown[0].report.run_id if shown else "",
        when=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    path = directory / "index.html"
    path.write_text(html, encoding="utf-8")
    SCRUBBER.scrub_file(path)
    return path
