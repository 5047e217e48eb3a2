"""An open-model pacer: requests started at a fixed arrival rate, whatever the latency.

Locust users are closed-loop (each waits for its answer before the next
request), so a slow or throttling target lowers the offered rate and hides
its own limit. A ``Schedule`` starts each request on an absolute timeline
(``origin + k / rate``) in its own greenlet; when ``max_in_flight`` requests
are already waiting, or a start is over a quarter second late (the process stalled),
the start is dropped (and counted) rather than delayed, so the schedule
never drifts and never bursts to catch up: a staging team sees at most the
rate it was promised.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import gevent
from gevent.pool import Pool

LATE_SECONDS = 0.25  # a start this late is dropped, not fired: after a stall, at most a quarter second at once


@dataclass
class PacedRun:
    rate: float
    duration: float
    started: int = 0
    dropped: int = 0
    first_start: float = 0.0
    last_start: float = 0.0

    @property
    def achieved_rate(self) -> float:
        """Starts per second over the run's schedule (the first start to the end of the schedule)."""
        return self.started / self.duration if self.duration else 0.0


class Schedule:
    """One open-model timeline, run in slices (a Locust task runs one slice, so the user can stop between)."""

    def __init__(self, rate: float, *, max_in_flight: int = 200) -> None:
        self.rate = rate
        self.interval = 1.0 / rate
        self.pool = Pool(max_in_flight)
        self.origin: float | None = None
        self.next_index = 0
        self.started = 0
        self.dropped = 0  # every start not fired: ...
        self.dropped_full = 0  # ... of which those with max_in_flight requests already waiting on the target
        self.last_start = 0.0

    def run(self, seconds: float, fire: Callable[[], object], *, limit: int | None = None) -> None:
        """Start every request due within the next ``seconds`` (at most ``limit`` in all), then return."""
        now = time.perf_counter()
        if self.origin is None:
            self.origin = now
        end = now + seconds
        while limit is None or self.next_index < limit:
            due = self.origin + self.next_index * self.interval
            if due >= end:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                gevent.sleep(delay)
            self.next_index += 1
            if self.pool.full() or -delay > LATE_SECONDS:
                self.dropped += 1
                self.dropped_full += not -delay > LATE_SECONDS  # late is the generator's stall, full the target's
                continue
            self.pool.spawn(fire)
            self.started += 1
            self.last_start = time.perf_counter()

    def join(self, timeout: float = 30) -> None:
        self.pool.join(timeout=timeout)

    def stop(self) -> None:
        """End the requests still running (each sees ``GreenletExit``, so its ``finally`` says what became of it),
        instead of leaving them to die unrecorded with the process."""
        self.pool.kill(block=True, timeout=5)


def pace(rate: float, duration: float, fire: Callable[[], object], *, max_in_flight: int = 200) -> PacedRun:
    """Call ``fire`` ``rate`` times a second for ``duration`` seconds, each in its own greenlet; then wait."""
    schedule = Schedule(rate, max_in_flight=max_in_flight)
    start = time.perf_counter()
    schedule.run(duration, fire, limit=round(rate * duration))
    remaining = start + duration - time.perf_counter()
    if remaining > 0:
        gevent.sleep(remaining)
    schedule.join()
    return PacedRun(rate, duration, schedule.started, schedule.dropped, start, schedule.last_start)
