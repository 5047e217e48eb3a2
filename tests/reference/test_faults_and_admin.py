"""Fault injection and the admin API (our extension, outside the contract)."""

from __future__ import annotations

import time

import httpx

from harness.factory import EventFactory
from harness.reference import TargetConfig, running_target
from harness.reference.config import Latency
from harness.spec import load_spec
from tests.reference.conftest import UNTHROTTLED, Caller, assert_error_response

SPEC = load_spec()


def test_error_ratio_one_answers_503_and_stores_nothing() -> None:
    with running_target(TargetConfig(error_ratio=1.0, rate=UNTHROTTLED)) as target:
        caller = Caller(target)
        body = EventFactory(SPEC, namespace="e").single_body()
        assert_error_response(caller.post("/ingest", body), 503)
        assert caller.stored(body["event"]["id"]) is None


def test_latency_and_outage_set_at_runtime(target) -> None:
    caller = Caller(target)
    factory = EventFactory(SPEC, namespace="faults-runtime")
    admin = {**target.admin_headers}
    try:
        assert caller.http.put("/_harness/faults", json={"latency": "150ms"}, headers=admin).status_code == 200
        start = time.perf_counter()
        assert caller.post("/ingest", factory.single_body()).status_code == 202
        assert time.perf_counter() - start >= 0.15
        settings = caller.http.put("/_harness/faults", json={"latency": None, "outage_seconds": 30}, headers=admin)
        assert settings.json()["outage_remaining_s"] > 0
        assert_error_response(caller.post("/ingestBatch", factory.batch_body(1)), 503)
        caller.http.put("/_harness/faults", json={"outage_seconds": 0}, headers=admin)
        assert caller.post("/ingestBatch", factory.batch_body(1)).status_code == 202
    finally:
        off = {"latency": None, "outage_seconds": 0, "error_ratio": 0}
        caller.http.put("/_harness/faults", json=off, headers=admin)


def test_bad_fault_settings_get_400(target) -> None:
    with httpx.Client(base_url=target.base_url) as http:
        for settings in ({"latency": "fast"}, {"error_ratio": 2}, {"bogus": 1}, [1]):
            assert_error_response(http.put("/_harness/faults", json=settings, headers=target.admin_headers), 400)


def test_admin_api_needs_the_admin_token(target) -> None:
    with httpx.Client(base_url=target.base_url) as http:
        assert http.get("/_harness/health").json() == {"status": "ok"}
        for headers in ({}, {"X-Harness-Admin": "wrong"}):
            assert_error_response(http.get("/_harness/stats", headers={**headers, "Authorization": "Bearer tenant-a"}),
                                  401)
            assert_error_response(http.put("/_harness/faults", json={"error_ratio": 1}, headers=headers), 401)


def test_admin_api_is_absent_without_an_admin_token() -> None:
    with running_target(TargetConfig(admin_token=None)) as target, httpx.Client(base_url=target.base_url) as http:
        assert_error_response(http.get("/_harness/stats"), 404)


def test_latency_parsing() -> None:
    assert Latency.parse("50ms") == Latency("fixed", 0.05, 0.0)
    assert Latency.parse("uniform:10ms:1s") == Latency("uniform", 0.01, 1.0)
    assert Latency.parse("exp:20ms") == Latency("exp", 0.02, 0.0)
    for bad in ("uniform:2s:1s", "gauss:1s", "", "fast"):
        try:
            Latency.parse(bad)
        except ValueError as error:
            assert "use 50ms" in str(error)
        else:
            raise AssertionError(f"{bad!r} was accepted")
