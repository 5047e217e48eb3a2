"""Throttle onset: an open-model pacer steps the arrival rate through the quota.

Each step first spends the burst allowance (requests until a 429), then
offers ``factor x quota`` requests per second to one operation for
``--step-seconds``, whatever the latency; 429s count as throttled. Starting
from an empty bucket, a step above the quota is throttled at once and admits
the quota, one below it is never throttled. After a throttled step the pacer
takes a fresh 429, waits its ``Retry-After`` and sends one request, which an
honest target admits. The harness reads the steps from the summary and
finds the onset (``harness.load.throttle``).

    HARNESS_TOKEN=... locust -f locustfiles/throttle.py --host URL --headless -u 1 -t 120s \
        [--expect-quota 50] [--steps 0.5,0.9,1.1,1.5,2] [--step-seconds 5] [--quota-operation ingest]
"""

import time
from typing import Any

import gevent
from gevent.pool import Pool
from locust import events, task

from harness import retry_after
from harness.facts import ACKNOWLEDGED, DOCUMENTED_QUOTA, THROTTLED
from harness.load.pacer import pace
from harness.load.recorder import RECORDER
from harness.load.scenario import IngestionUser


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--expect-quota", type=float, default=DOCUMENTED_QUOTA, help="Documented quota, requests/s")
    parser.add_argument("--steps", default="0.5,0.9,1.1,1.5,2", help="Offered rates, as factors of the quota")
    parser.add_argument("--step-seconds", type=float, default=5.0, help="Length of each step")
    parser.add_argument("--rest-seconds", type=float, default=2.0, help="Pause between steps (bucket refill)")
    parser.add_argument("--quota-operation", choices=("ingest", "ingestBatch"), default="ingest")


class ThrottleSteps(IngestionUser):
    fixed_count = 1  # one pacer: its schedule, not the number of users, sets the rate

    @task
    def steps(self) -> None:
        options = self.environment.parsed_options
        for factor in (float(f) for f in options.steps.split(",")):
            RECORDER.step(self.step(factor, options.expect_quota, options.step_seconds))
            gevent.sleep(options.rest_seconds)
        self.environment.runner.quit()

    def send(self) -> int | None:
        if self.environment.parsed_options.quota_operation == "ingest":
            return self.send_event()
        return self.send_batch()

    def drain(self, quota: float) -> str | None:
        """Spend the burst allowance (send until a 429, at most 3 seconds' quota): steps start from empty.

        Returns the 429's Retry-After ("missing" when absent), or None if the target never throttled.
        """
        pool, seen = Pool(20), []

        def one() -> None:
            if not seen and self.send() == THROTTLED:
                seen.append(self.last_retry_after)

        for _ in range(int(3 * quota)):
            if seen:
                break
            pool.spawn(one)
        pool.join(timeout=30)
        return seen[0] if seen else None

    def step(self, factor: float, quota: float, seconds: float) -> dict[str, Any]:
        self.drain(quota)
        gevent.sleep(1 / quota)  # one request's worth of refill: the first paced request is not the drain's last
        answers: list[tuple[float, int | None]] = []
        began = time.perf_counter()

        def fire() -> None:
            sent = time.perf_counter() - began
            answers.append((sent, self.send()))

        run = pace(factor * quota, seconds, fire)
        throttled = [t for t, status in answers if status == THROTTLED]
        step = {"factor": factor, "offered_rate": factor * quota, "seconds": seconds, "started": run.started,
                "dropped": run.dropped, "achieved_rate": run.achieved_rate,
                "accepted": sum(1 for _, s in answers if s in ACKNOWLEDGED), "throttled": len(throttled),
                "failed": sum(1 for _, s in answers if s not in (*ACKNOWLEDGED, THROTTLED)),
                "admitted_rate": sum(1 for _, s in answers if s in ACKNOWLEDGED) / seconds,
                "throttled_seconds": len({int(t) for t in throttled}), "honesty": None}
        if throttled:
            step["honesty"] = self.retry_after_honoured(quota)
        return step

    def retry_after_honoured(self, quota: float) -> dict[str, Any]:
        """Get a fresh 429, wait what its Retry-After says, send once: an honest target admits it."""
        value = self.drain(quota)
        wait = retry_after.parse(value)
        if wait is None:
            return {"retry_after": value, "admitted": None}
        gevent.sleep(wait + 0.05)
        status = self.send()
        return {"retry_after": value, "admitted": status in ACKNOWLEDGED, "status": status}
