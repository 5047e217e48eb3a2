"""``index.html``: the one page a person opens after ``harness run``.

The summary table, each stage's findings with their reproduction lines
(credentials already redacted in them), the load charts, and links to every
machine-readable file. Self-contained: no script, no remote asset.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, select_autoescape

from harness.run import Stage

_TEMPLATE = Path(__file__).resolve().parent / "templates" / "index.html"

_CHARTS = ("throttle-curve.png", "latency-over-time.png")


def write_index(stages: list[Stage], target: str, directory: Path, total_seconds: float) -> Path:
    failed = any(stage.verdict in ("failed", "error") for stage in stages)
    charts = [(f"{stage.name}: {name}", path) for stage in stages for name, path in stage.files.items()
              if name in _CHARTS]
    template = Environment(autoescape=select_autoescape(default=True)).from_string(
        _TEMPLATE.read_text(encoding="utf-8"))
    html = template.render(
        stages=stages, target=target, verdict="findings" if failed else "all passed",
        overall="failed" if failed else "passed", charts=charts, total=total_seconds,
        when=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    path = directory / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
