"""A load run's key figures in words: throughput, latency, drift over the run, and the line ``harness run`` shows."""

from __future__ import annotations

import statistics

from harness.load.summary import LoadSummary, Window


def drift(windows: list[Window]) -> str | None:
    """Latency and error drift over the run: the first third of the time windows against the last third."""
    if len(windows) < 3:
        return None
    third = len(windows) // 3

    def measure(part: list[Window]) -> tuple[float, float]:
        requests = sum(w.requests for w in part) or 1
        return statistics.median(w.p95 for w in part), sum(w.failed for w in part) / requests

    (p95_first, errors_first), (p95_last, errors_last) = measure(windows[:third]), measure(windows[-third:])
    change = (p95_last - p95_first) / p95_first if p95_first else 0.0
    return (f"p95 {p95_first:.1f} → {p95_last:.1f} ms ({change:+.0%}); errors {errors_first:.2%} → "
            f"{errors_last:.2%} (first → last third of the run)")


def key_figures(summary: LoadSummary) -> list[tuple[str, str]]:
    latency = summary.latency_ms
    figures = [("requests", f"{summary.requests:,} ({summary.requests_per_s:,.1f}/s)"),
               ("accepted events", f"{summary.accepted_events:,} ({summary.events_per_s:,.0f}/s)"),
               ("failed / throttled", f"{summary.failures:,} / {summary.throttled:,}"),
               ("latency p50 / p95 / p99", f"{latency['p50']:.1f} / {latency['p95']:.1f} / {latency['p99']:.1f} ms"),
               ("workers", str(len(summary.workers)) if summary.workers else "1 (local)")]
    if summary.started or summary.dropped:  # an open model: what was offered is not all that was sent
        late = summary.dropped - summary.dropped_full
        figures.append(("paced starts", f"{summary.started:,} started, {summary.dropped:,} dropped: "
                                        f"{summary.dropped_full:,} at the in-flight cap (the target did not keep up), "
                                        f"{late:,} too late (this machine stalled)"))
    if summary.unanswered_events:
        figures.append(("unanswered events", f"{summary.unanswered_events:,} (no complete answer: in flight at "
                                             "the stop, timed out or cut off; each may be stored)"))
    moved = drift(summary.windows)
    if moved:
        figures.append(("drift", moved))
    if summary.verdict is not None:
        figures += summary.verdict.figures
    return figures


def one_line(summary: LoadSummary) -> str:
    """The run in one line: the scenario's own verdict line, else throughput and latency."""
    if summary.verdict is not None and summary.verdict.summary:
        return summary.verdict.summary
    return (f"{summary.events_per_s:,.0f} events/s; p95 {summary.latency_ms['p95']:.0f} ms; "
            f"{summary.failures} failed, {summary.throttled} throttled")
