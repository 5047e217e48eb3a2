"""Charts a person would rather look at than read: the throttle curve and latency over time (PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

from harness.load.summary import Step, Window

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # after the backend is chosen


def throttle_curve(steps: list[Step], expected_quota: float, path: Path) -> Path:
    """Offered rate against admitted and throttled rates, per step, with the documented quota."""
    offered = [step.offered_rate for step in steps]
    admitted = [step.admitted_rate for step in steps]
    throttled = [step.throttled / step.seconds for step in steps]
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=110)
    top = max([*offered, expected_quota]) * 1.1
    axes.plot([0, top], [0, top], color="#bbbbbb", linestyle=":", label="everything admitted")
    axes.plot(offered, admitted, marker="o", color="#2a7ab0", label="admitted (2xx)")
    axes.plot(offered, throttled, marker="s", color="#d9822b", label="throttled (429)")
    axes.axvline(expected_quota, color="#c23030", linestyle="--", label=f"documented quota {expected_quota:g}/s")
    axes.set(xlabel="offered rate (requests/s)", ylabel="answers per second", title="Throttle onset",
             xlim=(0, top), ylim=(0, top))
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    return _save(figure, path)


def latency_over_time(windows: list[Window], path: Path, scenario: str) -> Path:
    """p50, p95 and p99 per time window (exact, from the HDR histograms)."""
    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=110)
    times = [window.t for window in windows]
    for key, color in (("p50", "#2a7ab0"), ("p95", "#d9822b"), ("p99", "#c23030")):
        axes.plot(times, [getattr(window, key) for window in windows], color=color, label=key)
    axes.set(xlabel="time since start (s)", ylabel="latency (ms)", title=f"Latency over time: {scenario}")
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    return _save(figure, path)


def _save(figure: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
