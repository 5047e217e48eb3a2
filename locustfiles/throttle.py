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

import os
import time
from collections.abc import Callable
from typing import Any

import gevent
from gevent.pool import Pool
from locust import task

from harness import retry_after
from harness.facts import ACKNOWLEDGED, DOCUMENTED_QUOTA, THROTTLED
from harness.load.pacer import pace
from harness.load.recorder import RECORDER
from harness.load.scenarios import OTHER_TOKEN_ENV, Option, Scenario
from harness.load.summary import Honesty, LoadSummary, ScenarioVerdict, Step
from harness.load.throttle import judge_steps
from harness.load.users import IngestionUser

SCENARIO = Scenario(users=1, distributable=False, ends_itself=True, options=(
    Option("--expect-quota", DOCUMENTED_QUOTA, "Documented quota, requests/s"),
    Option("--tolerance", 0.1, "Allowed onset error, as a fraction of the quota"),
    Option("--steps", "0.5,0.9,1.1,1.5,2", "Offered rates, as factors of the quota", kind="numbers"),
    Option("--step-seconds", 5.0, "Length of each step"),
    Option("--rest-seconds", 2.0, "Pause between steps (bucket refill)"),
    Option("--quota-operation", "ingest", "Operation whose quota is stepped through", ("ingest", "ingestBatch")),
    Option("--both-operations", 0.8, "Last, both operations at once at this factor of the quota each (together "
                                     "over it): one bucket shared by the operations throttles; 0 skips it"),
))
SCENARIO.register()


@RECORDER.verdict
def judge(summary: LoadSummary, options: Any) -> ScenarioVerdict:
    """Where the target starts to throttle, against the documented quota (harness.load.throttle)."""
    return judge_steps(summary.steps, summary.retry_after, options.expect_quota,
                       options.tolerance).as_verdict("throttle")


def admitted_rate(answers: list[tuple[float, int | None]], throttled: list[float], accepted: int,
                  seconds: float) -> float:
    """Requests admitted per second once throttled: counted from the step's first 429, when the bucket is known to
    be empty, to its end. Counted over the whole step, tokens refilled while the drain's last answers came back
    (a slow target, a slow machine) were counted as the quota's: 23.6/s measured for a quota of 20."""
    first = min(throttled, default=None)
    if first is None or seconds - first < 1.0:
        return accepted / seconds
    return sum(1 for sent, status in answers if sent > first and status in ACKNOWLEDGED) / (seconds - first)


class ThrottleSteps(IngestionUser):
    fixed_count = 1  # one pacer: its schedule, not the number of users, sets the rate

    @task
    def steps(self) -> None:
        options = self.environment.parsed_options
        for factor in (float(f) for f in options.steps.split(",")):
            RECORDER.step(self.step(factor, options.expect_quota, options.step_seconds))
            gevent.sleep(options.rest_seconds)
        if options.both_operations > 0:
            RECORDER.step(self.both_step(options.both_operations, options.expect_quota, options.step_seconds))
        if other := os.environ.get(OTHER_TOKEN_ENV):
            RECORDER.step(self.tenant_step(other, options.expect_quota, options.step_seconds))
        self.environment.runner.quit()

    def send(self) -> int | None:
        if self.environment.parsed_options.quota_operation == "ingest":
            return self.send_event()
        return self.send_batch()

    def send_small_batch(self) -> int | None:
        return self.send_batch(self.factory.events(1))

    def drain(self, quota: float, send: Callable[[], int | None] | None = None) -> str | None:
        """Spend the burst allowance (send until a 429, at most 3 seconds' quota): steps start from empty.

        Returns the 429's Retry-After ("missing" when absent), or None if the target never throttled.
        """
        pool, seen = Pool(20), []

        def one() -> None:
            if not seen and (send or self.send)() == THROTTLED:
                seen.append(self.last_retry_after)

        for _ in range(int(3 * quota)):
            if seen:
                break
            pool.spawn(one)
        pool.join(timeout=30)
        return seen[0] if seen else None

    def step(self, factor: float, quota: float, seconds: float) -> Step:
        self.drain(quota)
        gevent.sleep(1 / quota)  # one request's worth of refill: the first paced request is not the drain's last
        answers: list[tuple[float, int | None]] = []
        began = time.perf_counter()

        def fire() -> None:
            sent = time.perf_counter() - began
            answers.append((sent, self.send()))

        run = pace(factor * quota, seconds, fire)
        throttled = [t for t, status in answers if status == THROTTLED]
        accepted = sum(1 for _, s in answers if s in ACKNOWLEDGED)
        return Step(factor=factor, offered_rate=factor * quota, seconds=seconds, started=run.started,
                    dropped=run.dropped, achieved_rate=run.achieved_rate, accepted=accepted,
                    throttled=len(throttled), failed=sum(1 for _, s in answers if s not in (*ACKNOWLEDGED, THROTTLED)),
                    admitted_rate=admitted_rate(answers, throttled, accepted, seconds),
                    throttled_seconds=len({int(t) for t in throttled}),
                    honesty=self.retry_after_honoured(quota) if throttled else None)

    def both_step(self, factor: float, quota: float, seconds: float) -> Step:
        """Both operations at once, each at ``factor`` of its own quota from an empty bucket, together over it.

        Each quota is per operation (docs/contract.md#throttling): a target with one bucket for both
        sustains 429s here, one with a bucket each does not.
        """
        self.drain(quota, self.send_event)
        self.drain(quota, self.send_small_batch)
        gevent.sleep(1 / quota)
        answers: list[tuple[float, int | None]] = []
        began = time.perf_counter()

        def paced(send: Callable[[], int | None]) -> Any:
            return pace(factor * quota, seconds, lambda: answers.append((time.perf_counter() - began, send())))

        runs = [gevent.spawn(paced, send) for send in (self.send_event, self.send_small_batch)]
        gevent.joinall(runs)
        started = sum(run.value.started for run in runs)
        throttled = [t for t, status in answers if status == THROTTLED]
        accepted = sum(1 for _, s in answers if s in ACKNOWLEDGED)
        return Step(factor=factor, offered_rate=factor * quota, seconds=seconds, started=started,
                    dropped=sum(run.value.dropped for run in runs),
                    achieved_rate=sum(run.value.achieved_rate for run in runs) / 2, accepted=accepted,
                    throttled=len(throttled), failed=sum(1 for _, s in answers if s not in (*ACKNOWLEDGED, THROTTLED)),
                    admitted_rate=accepted / seconds / 2, throttled_seconds=len({int(t) for t in throttled}),
                    operations="both")

    def tenant_step(self, other: str, quota: float, seconds: float) -> Step:
        """This tenant floods /ingest at four times its quota while another sends half of it: quotas are per tenant
        (docs/contract.md#throttling), so the other is never throttled. Only the other's answers are recorded.
        """
        self.drain(quota, self.send_event)
        answers: list[tuple[float, int | None]] = []
        flood_rate = 4 * quota
        flood = gevent.spawn(pace, flood_rate, seconds, self.send_event)
        gevent.sleep(0.5 / flood_rate)  # off the flood's beat, so the other tenant never just wins a shared token
        began = time.perf_counter()
        run = pace(0.5 * quota, seconds, lambda: answers.append((time.perf_counter() - began, self.send_event(other))))
        flood.join()
        throttled = [t for t, status in answers if status == THROTTLED]
        accepted = sum(1 for _, s in answers if s in ACKNOWLEDGED)
        return Step(factor=0.5, offered_rate=0.5 * quota, seconds=seconds, started=run.started, dropped=run.dropped,
                    achieved_rate=run.achieved_rate, accepted=accepted, throttled=len(throttled),
                    failed=sum(1 for _, s in answers if s not in (*ACKNOWLEDGED, THROTTLED)),
                    admitted_rate=accepted / seconds, throttled_seconds=len({int(t) for t in throttled}),
                    operations="other tenant")

    def retry_after_honoured(self, quota: float) -> Honesty:
        """Get a fresh 429, wait what its Retry-After says, send once: an honest target admits it."""
        value = self.drain(quota)
        wait = retry_after.parse(value)
        if wait is None or wait > self.bounds.max_retry_wait:  # never slept through; judged from the header
            return Honesty(value, None)
        gevent.sleep(wait + retry_after.HONESTY_MARGIN)
        status = self.send()
        return Honesty(value, status in ACKNOWLEDGED, status)
