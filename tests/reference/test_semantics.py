"""docs/contract.md#semantics on both operations: rejection, idempotency, partial failure, size; auth, tenants."""

from __future__ import annotations

import socket

import msgspec
import pytest

from harness.factory import EventFactory, Variant
from harness.reference import TargetConfig, running_target
from harness.spec import load_spec
from tests.reference.conftest import UNTHROTTLED, Caller, assert_error_response

SPEC = load_spec()
VARIANTS = EventFactory(SPEC, namespace="ids").variants()


def _ids(body: object) -> list[str]:
    found: list[str] = []
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                found.append(value["id"])
            elif isinstance(value, list):
                found += [item["id"] for item in value if isinstance(item, dict) and isinstance(item.get("id"), str)]
    return found


@pytest.mark.parametrize("variant", [v for v in VARIANTS if not v.valid], ids=lambda v: f"{v.operation}:{v.name}")
def test_a_body_breaking_the_schema_is_rejected_whole(caller: Caller, variant: Variant) -> None:
    before = caller.stats()["stored"]
    response = caller.post(SPEC.operations[variant.operation].path, variant.body)
    allowed = (400, 422) if variant.name == "too-many:events" else (400,)
    assert_error_response(response, *allowed)
    assert caller.stats()["stored"] == before
    assert all(caller.stored(event_id) is None for event_id in _ids(variant.body))


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v.valid], ids=lambda v: f"{v.operation}:{v.name}")
def test_a_valid_edge_is_accepted_and_stored(caller: Caller, variant: Variant) -> None:
    response = caller.post(SPEC.operations[variant.operation].path, variant.body)
    assert response.status_code == 202, response.text
    for event_id in _ids(variant.body):
        assert caller.stored(event_id) is not None


@pytest.mark.parametrize("path", ["/ingest", "/ingestBatch"])
@pytest.mark.parametrize(("content", "headers"), [
    (b"{not json", {}),
    (b"", {}),
    (b'{"event": "\xff\xfe"}', {}),
    (b"[" * 100_000 + b"]" * 100_000, {}),
    (b'{"events": [' * 5000, {}),
    (b"[]", {}),
    (b'"a string"', {}),
    (b"1" * 5000, {}),
    (b'{"events": 1e999999}', {}),
    (b'{"event": {}}', {"Content-Type": "text/plain"}),
    (b'{"event": {}}', {"Content-Type": None}),
    (b"\x00\x01\x02", {"Content-Type": "application/octet-stream"}),
])
def test_malformed_requests_get_a_4xx_error_response(caller: Caller, path: str, content: bytes,
                                                     headers: dict[str, str | None]) -> None:
    assert_error_response(caller.post(path, content, headers=headers), 400)


def test_idempotent_retry_on_each_operation_and_across_them(caller: Caller, factory: EventFactory) -> None:
    before = caller.stats()
    single, batched = factory.event(), factory.event()
    assert caller.post("/ingest", {"event": single}).status_code == 202
    assert caller.post("/ingest", {"event": single}).status_code == 202
    first = caller.post("/ingestBatch", {"events": [batched]})
    again = caller.post("/ingestBatch", {"events": [batched, single]})  # both already known
    assert (first.status_code, first.json()) == (202, {"errors": []})
    assert (again.status_code, again.json()) == (202, {"errors": []})
    assert caller.post("/ingest", {"event": batched}).status_code == 202
    after = caller.stats()
    assert after["stored"] - before["stored"] == 2
    assert after["retried"] - before["retried"] == 4
    assert after["acknowledged"] - before["acknowledged"] == 6


def test_same_payload_with_keys_in_another_order_is_a_retry(caller: Caller, factory: EventFactory) -> None:
    event = factory.event()
    assert caller.post("/ingest", {"event": event}).status_code == 202
    reordered = dict(reversed(list(event.items())))
    assert caller.post("/ingest", {"event": reordered}).status_code == 202


def test_conflicting_single_event_gets_400(caller: Caller, factory: EventFactory) -> None:
    event = factory.event()
    assert caller.post("/ingest", {"event": event}).status_code == 202
    assert_error_response(caller.post("/ingest", {"event": {**event, "accountId": "other"}}), 400)
    assert caller.stored(event["id"])["accountId"] == event["accountId"]


def test_partial_failure_lists_exactly_the_rejected_events_unchanged(caller: Caller, factory: EventFactory) -> None:
    known = factory.events(2)
    assert caller.post("/ingestBatch", {"events": known}).status_code == 202
    conflicting = [{**known[0], "schemaName": "changed"}]
    fresh = factory.events(2)
    in_batch_duplicate = {**fresh[0], "accountId": "changed-in-batch"}
    batch = [fresh[0], conflicting[0], known[1], fresh[1], in_batch_duplicate]
    response = caller.post("/ingestBatch", {"events": batch})
    assert response.status_code == 207
    errors = response.json()["errors"]
    assert [error["eventPayload"] for error in errors] == [conflicting[0], in_batch_duplicate]
    assert all(error["message"] for error in errors)
    assert caller.stored(fresh[0]["id"])["accountId"] == fresh[0]["accountId"]
    assert caller.stored(fresh[1]["id"]) is not None


def test_a_batch_rejected_in_every_event_gets_400(caller: Caller, factory: EventFactory) -> None:
    known = factory.events(3)
    assert caller.post("/ingestBatch", {"events": known}).status_code == 202
    before = caller.stats()["stored"]
    changed = [{**event, "accountId": "other"} for event in known]
    assert_error_response(caller.post("/ingestBatch", {"events": changed}), 400)
    assert caller.stats()["stored"] == before


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Basic dGVuYW50LWE=", "bearer wrong",
                                           "Token tenant-a", "Bearer tenant-a extra"])
@pytest.mark.parametrize("path", ["/ingest", "/ingestBatch"])
def test_missing_malformed_or_unknown_credentials_get_401(caller: Caller, factory: EventFactory, path: str,
                                                          authorization: str | None) -> None:
    body = factory.single_body() if path == "/ingest" else factory.batch_body(2)
    response = caller.post(path, body, headers={"Authorization": authorization})
    assert_error_response(response, 401)
    assert all(caller.stored(event_id) is None for event_id in _ids(body))


def test_tenants_have_their_own_id_namespace(target, factory: EventFactory) -> None:
    tenant_a, tenant_b = Caller(target, "tenant-a"), Caller(target, "tenant-b")
    event = factory.event()
    assert tenant_a.post("/ingest", {"event": event}).status_code == 202
    assert tenant_b.stored(event["id"]) is None
    assert tenant_b.post("/ingest", {"event": {**event, "accountId": "b"}}).status_code == 202
    assert tenant_a.stored(event["id"])["accountId"] == event["accountId"]
    assert tenant_b.stored(event["id"])["accountId"] == "b"


def test_unknown_path_and_method_answer_json_errors(caller: Caller) -> None:
    assert_error_response(caller.http.get("/ingest"), 405)
    assert_error_response(caller.post("/nowhere", {}), 404)


def _body_of_exactly(size: int, factory: EventFactory) -> bytes:
    raw = msgspec.json.encode(factory.batch_body(1))
    assert len(raw) <= size
    return raw[:-1] + b" " * (size - len(raw)) + raw[-1:]


def test_size_limit_exact_size_accepted_one_byte_more_gets_422() -> None:
    limit = 4096
    with running_target(TargetConfig(max_body_bytes=limit, rate=UNTHROTTLED)) as target:
        caller = Caller(target)
        factory = EventFactory(SPEC, namespace="size")
        exact = _body_of_exactly(limit, factory)
        assert len(exact) == limit
        assert caller.post("/ingestBatch", exact).status_code == 202
        over = _body_of_exactly(limit + 1, factory)
        assert_error_response(caller.post("/ingestBatch", over), 422)
        assert_error_response(caller.post("/ingest", b"x" * (10 * limit)), 422)

        def chunks():  # no Content-Length: the target must count as it reads
            for _ in range(100):
                yield b" " * 1024

        response = caller.http.post("/ingestBatch", content=chunks(), headers={
            "Authorization": f"Bearer {target.token}", "Content-Type": "application/json"})
        assert_error_response(response, 422)
        assert caller.stats()["stored"] == 1


def test_batch_max_setting_overrides_the_spec() -> None:
    with running_target(TargetConfig(batch_max=3, rate=UNTHROTTLED)) as target:
        caller = Caller(target)
        factory = EventFactory(SPEC, namespace="batchmax")
        assert caller.post("/ingestBatch", factory.batch_body(3)).status_code == 202
        assert_error_response(caller.post("/ingestBatch", factory.batch_body(4)), 400, 422)


def test_a_request_offering_an_h2c_upgrade_is_read_whole_as_http_1_1() -> None:
    """Every JDK HttpClient offers h2c on a cleartext URL; the offer is ignored and the body read (RFC 9110 7.8)."""

    factory = EventFactory(load_spec(), namespace="h2c")
    body = msgspec.json.encode(factory.batch_body(3))
    with running_target(TargetConfig(tokens=("h2c-tenant-token",), rate=UNTHROTTLED)) as target:
        host, port = target.base_url.removeprefix("http://").split(":")
        request = (f"POST /ingestBatch HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer h2c-tenant-token\r\n"
                   "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                   "HTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAAAAZAAEAAEAAAAFAAEAAA\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(request)
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 202"), answer[:300]
    assert answer.rstrip().endswith(b'{"errors":[]}')
