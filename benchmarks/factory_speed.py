"""Cost of building and serialising one 1000-event batch with the event factory.

Baseline, measured in the same run: the obvious way (deep-copy a template
event, a uuid4 per event, ``json.dumps``). Goal (issue 2): well under 5 ms
per 1000-event batch.

    .venv/bin/python benchmarks/factory_speed.py
"""

from __future__ import annotations

import copy
import json
import statistics
import time
import uuid
from collections.abc import Callable

from harness.factory import EventFactory
from harness.spec import load_spec

GOAL_MS = 5.0
ROUNDS, REPEATS = 15, 20


def best_ms(build: Callable[[], bytes]) -> tuple[float, float]:
    """(median, best) milliseconds per call over ``ROUNDS`` rounds of ``REPEATS`` calls."""
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(REPEATS):
            build()
        timings.append((time.perf_counter() - start) / REPEATS * 1000)
    return statistics.median(timings), min(timings)


def main() -> None:
    spec = load_spec()
    factory = EventFactory(spec, seed=1)
    size = spec.batch_max_items
    template = factory.event()

    def naive() -> bytes:
        events = []
        for _ in range(size):
            event = copy.deepcopy(template)
            event["id"] = str(uuid.uuid4())
            events.append(event)
        return json.dumps({"events": events}).encode()

    ours_median, ours_best = best_ms(lambda: factory.batch_bytes(size))
    base_median, base_best = best_ms(naive)
    print(f"batch of {size} events, built and serialised:")
    print(f"  event factory : median {ours_median:.2f} ms, best {ours_best:.2f} ms")
    print(f"  naive baseline: median {base_median:.2f} ms, best {base_best:.2f} ms")
    print(f"  ratio baseline/factory: {base_median / ours_median:.1f}x faster")
    verdict = "met" if ours_median < GOAL_MS else "MISSED"
    print(f"  goal < {GOAL_MS} ms per batch: {verdict}")


if __name__ == "__main__":
    main()
