"""The load run's files: ``load.json``, ``load-junit.xml``, ``load.md`` and the charts, beside Locust's CSV/HTML."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from harness.load import charts
from harness.load.runner import LoadReport
from harness.reports import Case, md_cell, write_json, write_junit, write_markdown


def _case(suite: str, name: str, passed: bool, message: str) -> Case:
    return Case(suite, name, "passed" if passed else "failed", message, "" if passed else message)


def junit_cases(report: LoadReport) -> list[Case]:
    """One test case per SLO, per throttle finding, and for the accounting."""
    cases = [_case("slo", s.slo, s.met, f"measured {s.value}") for s in report.slos]
    if report.throttle is not None:
        cases += [_case("throttle", f.name, f.passed, f.message) for f in report.throttle.findings]
    if report.accounting is not None:
        cases.append(_case("accounting", "acknowledged events stored once", *report.accounting))
    return cases or [_case("run", "load run completed", True, "no SLO given")]


def drift(windows: list[dict[str, Any]]) -> str | None:
    """Latency and error drift over the run: the first third of the time windows against the last third."""
    if len(windows) < 3:
        return None
    third = len(windows) // 3

    def measure(part: list[dict[str, Any]]) -> tuple[float, float]:
        requests = sum(w["requests"] for w in part) or 1
        return statistics.median(w["p95"] for w in part), sum(w.get("failed", 0) for w in part) / requests

    (p95_first, errors_first), (p95_last, errors_last) = measure(windows[:third]), measure(windows[-third:])
    change = (p95_last - p95_first) / p95_first if p95_first else 0.0
    return (f"p95 {p95_first:.1f} → {p95_last:.1f} ms ({change:+.0%}); errors {errors_first:.2%} → "
            f"{errors_last:.2%} (first → last third of the run)")


def key_figures(report: LoadReport) -> list[tuple[str, str]]:
    summary = report.summary
    latency = summary["latency_ms"]
    figures = [("requests", f"{summary['requests']:,} ({summary['requests_per_s']:,.1f}/s)"),
               ("accepted events", f"{summary['accepted_events']:,} ({summary['events_per_s']:,.0f}/s)"),
               ("failed / throttled", f"{summary['failures']:,} / {summary['throttled']:,}"),
               ("latency p50 / p95 / p99", f"{latency['p50']:.1f} / {latency['p95']:.1f} / {latency['p99']:.1f} ms"),
               ("workers", str(len(summary["workers"])) if summary["workers"] else "1 (local)")]
    moved = drift(summary["windows"])
    if moved:
        figures.append(("drift", moved))
    if report.throttle is not None:
        t = report.throttle
        figures.append(("throttle onset", f"clear up to {t.highest_clear or 0:g}/s, throttled from "
                                          f"{t.lowest_throttled or 0:g}/s; admits "
                                          f"{t.measured_quota or 0:.1f}/s (quota {t.expected_quota:g}/s)"))
    if report.accounting is not None:
        figures.append(("accounting", report.accounting[1]))
    return figures


def markdown(report: LoadReport) -> str:
    lines = [f"# Load run `{report.scenario}`: {'FAILED' if report.breaches else 'passed'}", "",
             f"Target: {report.target}", "", "| figure | value |", "|---|---|"]
    lines += [f"| {name} | {md_cell(value)} |" for name, value in key_figures(report)]
    lines += ["", "| check | verdict | detail |", "|---|---|---|"]
    lines += [f"| {md_cell(c.suite + ': ' + c.name)} | {c.outcome} | {md_cell(c.message)} |"
              for c in junit_cases(report)]
    for name in ("throttle_curve", "latency"):
        if name in report.files:
            lines += ["", f"![{name}]({report.files[name].name})"]
    lines += ["", "Locust's own report: [locust.html](locust.html), CSV: locust_stats.csv"]
    return "\n".join(lines) + "\n"


def write_reports(report: LoadReport, directory: Path) -> list[Path]:
    if report.throttle is not None and report.summary["steps"]:
        report.files["throttle_curve"] = charts.throttle_curve(report.summary["steps"],
                                                               report.throttle.expected_quota,
                                                               directory / "throttle-curve.png")
    if report.summary["windows"]:
        report.files["latency"] = charts.latency_over_time(report.summary["windows"],
                                                           directory / "latency-over-time.png", report.scenario)
    return [write_json(directory / "load.json", report.to_dict()),
            write_junit(directory / "load-junit.xml", "load", junit_cases(report), report.summary["elapsed_s"]),
            write_markdown(directory / "load.md", markdown(report)),
            *[path for key, path in report.files.items() if key in ("throttle_curve", "latency")]]
