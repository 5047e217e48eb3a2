"""An open-model pacer: requests started at a fixed arrival rate, whatever the latency.

Locust users are closed-loop (each waits for its answer before the next
request), so a slow or throttling target lowers the offered rate and hides
its own limit. The pacer starts each request on a schedule in its own
greenlet; when ``max_in_flight`` requests are already waiting, a start is
dropped (and counted) rather than delayed, so the schedule never drifts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import gevent
from gevent.pool import Pool


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


def pace(rate: float, duration: float, fire: Callable[[], None], *, max_in_flight: int = 200) -> PacedRun:
    """Call ``fire`` ``rate`` times a second for ``duration`` seconds, each in its own greenlet; then wait."""
    run = PacedRun(rate, duration)
    pool = Pool(max_in_flight)
    interval = 1.0 / rate
    total = round(rate * duration)
    start = time.perf_counter()
    run.first_start = start
    for index in range(total):
        due = start + index * interval
        delay = due - time.perf_counter()
        if delay > 0:
            gevent.sleep(delay)
        if pool.full():
            run.dropped += 1
            continue
        pool.spawn(fire)
        run.started += 1
        run.last_start = time.perf_counter()
    remaining = start + duration - time.perf_counter()
    if remaining > 0:
        gevent.sleep(remaining)
    pool.join(timeout=30)
    return run
