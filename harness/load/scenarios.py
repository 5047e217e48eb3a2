"""The load scenarios ``harness load`` knows: their locustfiles and sensible defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError


@dataclass(frozen=True)
class Scenario:
    name: str
    users: int  # default closed-loop users (the throttle scenario's pacer is one user)
    summary: str
    distributable: bool = True  # the throttle pacer's schedule is one process's


SCENARIOS = {scenario.name: scenario for scenario in (
    Scenario("batch_throughput", 4, "full batches of unique events on /ingestBatch, as fast as accepted"),
    Scenario("throttle", 1, "open-model steps through the quota: 429 onset and Retry-After", distributable=False),
    Scenario("mixed", 8, "single events and batches in a configurable ratio"),
    Scenario("burst", 20, "spikes of users, then idle, to see the bucket refill"),
    Scenario("soak", 4, "steady load for a long time: latency and error drift"),
)}


def locustfiles_dir() -> Path:
    """Our locustfiles: beside the package in a wheel, at the project root in a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "locustfiles", package_dir.parent / "locustfiles"):
        if candidate.is_dir():
            return candidate
    raise HarnessError("the locustfiles are missing from this installation; reinstall the harness")


def locustfile(name: str) -> Path:
    if name not in SCENARIOS:
        raise HarnessError(f"unknown scenario {name!r}; choose from {', '.join(SCENARIOS)}")
    return locustfiles_dir() / f"{name}.py"
