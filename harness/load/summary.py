"""The typed data a Locust run hands to the harness: its summary, throttle steps and scenario verdict.

The recorder (in Locust's process, master or local) writes one
:class:`LoadSummary` as JSON on quit; ``harness load`` reads it back with the
same types, so neither side reads a string-keyed dict by key.
"""

from __future__ import annotations

from typing import Any

import msgspec

from harness.verdicts import Row

TENANT, OTHER_TENANT = "token", "other-token"  # which of the run's tokens sent an event (--token, --other-token)


class Window(msgspec.Struct):
    """One time window of the run: its requests, exact percentiles (ms) and answers by kind."""

    t: int
    requests: int
    p50: float
    p95: float
    p99: float
    ok: int = 0
    throttled: int = 0
    failed: int = 0


class Honesty(msgspec.Struct):
    """After a throttled step: a fresh 429's ``Retry-After``, waited out, then one request."""

    retry_after: str | None
    admitted: bool | None
    status: int | None = None


class Step(msgspec.Struct):
    """One step of the throttle pacer: an offered rate and what the target made of it."""

    factor: float
    offered_rate: float
    seconds: float
    started: int
    dropped: int
    achieved_rate: float
    accepted: int
    throttled: int
    failed: int
    admitted_rate: float
    throttled_seconds: int
    honesty: Honesty | None = None
    operations: str = "one"  # "both": each operation at offered_rate at once; "other tenant": a second tenant's


class ScenarioVerdict(msgspec.Struct):
    """A scenario's own verdict (the throttle onset), judged where the steps were recorded."""

    rows: list[Row]
    figures: list[tuple[str, str]] = msgspec.field(default_factory=list)
    summary: str = ""
    details: dict[str, Any] = msgspec.field(default_factory=dict)


class LoadSummary(msgspec.Struct):
    elapsed_s: float
    requests: int
    failures: int
    throttled: int
    accepted_events: int
    requests_per_s: float
    events_per_s: float
    statuses: dict[str, int]
    latency_ms: dict[str, float]
    retry_after: dict[str, int]
    window_s: int
    windows: list[Window]
    steps: list[Step]
    workers: list[str]
    undocumented: int = 0  # answers with a status the spec does not list for the operation
    malformed: int = 0  # acknowledgements whose body breaks the spec
    # the run's tenant's events sent without a complete answer: in flight at the stop, timed out or cut off
    unanswered_events: int = 0
    started: int = 0  # requests the users' open-model schedules started (0 in a closed loop) ...
    dropped: int = 0  # ... and the starts they dropped (too late after a stall, or every slot in flight)
    dropped_full: int = 0  # ... of which every slot was in flight: the target answered slower than offered
    # acknowledged events, a uniform sample, each with the tenant that sent it: ids are one namespace per tenant
    sample: list[tuple[str, str]] = msgspec.field(default_factory=list)  # (TENANT or OTHER_TENANT, id)
    verdict: ScenarioVerdict | None = None
    failure_reasons: list[tuple[str, int]] = msgspec.field(default_factory=list)  # the most frequent, with counts
    aborted: str | None = None  # the abort rule's breach (harness.load.abort) that stopped the run early


def encode(summary: LoadSummary) -> bytes:
    return msgspec.json.format(msgspec.json.encode(summary), indent=2)


def decode(data: bytes) -> LoadSummary:
    return msgspec.json.decode(data, type=LoadSummary)
