"""docs/contract.md#throttling: per-tenant, per-operation token buckets with an honest Retry-After."""

from __future__ import annotations

import time

import pytest

from harness.factory import EventFactory
from harness.reference import TargetConfig, running_target
from harness.reference.throttle import Throttle
from harness.spec import load_spec
from tests.reference.conftest import UNTHROTTLED, Caller, assert_error_response

SPEC = load_spec()


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("rate", "capacity"), [(50, 50), (20, 20), (2, 2), (0.5, 3)])
def test_bucket_admits_its_capacity_then_an_honest_retry_after(rate: float, capacity: float) -> None:
    clock = FakeClock()
    throttle = Throttle(rate, capacity, clock)
    assert all(throttle.admit("k") is None for _ in range(int(capacity)))
    retry_after = throttle.admit("k")
    assert retry_after is not None and retry_after >= 1
    clock.now += retry_after - 0.001
    if rate * (retry_after - 0.001) < 1:
        assert throttle.admit("k") is not None
    clock.now += 0.001
    assert throttle.admit("k") is None  # admitted once Retry-After has passed


def test_steady_rate_below_the_quota_is_never_throttled() -> None:
    clock = FakeClock()
    throttle = Throttle(50, 50, clock)
    while throttle.admit("k") is None:  # drain the burst first
        pass
    for _ in range(1000):
        clock.now += 1 / 45
        assert throttle.admit("k") is None


def test_keys_do_not_share_buckets() -> None:
    throttle = Throttle(1, 1, FakeClock())
    assert throttle.admit(("a", "ingest")) is None
    assert throttle.admit(("a", "ingest")) is not None
    assert throttle.admit(("a", "ingestBatch")) is None
    assert throttle.admit(("b", "ingest")) is None


def test_target_answers_429_with_retry_after_and_admits_after_it() -> None:
    with running_target(TargetConfig(tokens=("a", "b"), rate=5)) as target:
        caller, other = Caller(target, "a"), Caller(target, "b")
        factory = EventFactory(SPEC, namespace="throttle")
        statuses = [caller.post("/ingest", factory.single_body()).status_code for _ in range(5)]
        assert statuses == [202] * 5
        throttled = caller.post("/ingest", factory.single_body())
        assert_error_response(throttled, 429)
        retry_after = int(throttled.headers["Retry-After"])
        assert retry_after == 1
        assert caller.post("/ingestBatch", factory.batch_body(1)).status_code == 202  # its own quota
        assert other.post("/ingest", factory.single_body()).status_code == 202  # its own tenant
        time.sleep(retry_after)
        assert caller.post("/ingest", factory.single_body()).status_code == 202


def test_throttled_request_stores_nothing() -> None:
    with running_target(TargetConfig(rate=1)) as target:
        caller = Caller(target)
        factory = EventFactory(SPEC, namespace="throttle-store")
        assert caller.post("/ingest", factory.single_body()).status_code == 202
        body = factory.single_body()
        assert caller.post("/ingest", body).status_code == 429
        assert caller.stored(body["event"]["id"]) is None


def test_unauthenticated_quota_per_ip_when_enabled() -> None:
    with running_target(TargetConfig(unauth_quota=2, rate=UNTHROTTLED)) as target:
        anonymous = Caller(target, "not-a-tenant")
        assert [anonymous.post("/ingest", {}).status_code for _ in range(2)] == [401, 401]
        throttled = anonymous.post("/ingest", {})
        assert_error_response(throttled, 429)
        assert int(throttled.headers["Retry-After"]) == 900  # 2 per 30 minutes refill one per 15
        assert Caller(target).post("/ingest", EventFactory(SPEC, namespace="q").single_body()).status_code == 202
