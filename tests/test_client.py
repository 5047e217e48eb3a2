"""The httpx client against the respx mocks: every documented status, malformed answers, retries."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
import respx

from harness import retry_after as retry_after_header
from harness.answers import Answer, documented_response, undocumented_status
from harness.client import AsyncIngestClient, IngestClient, RetryPolicy
from harness.factory import EventFactory
from harness.mock import IngestMock
from harness.outcomes import (
    Accepted,
    MalformedResponse,
    Outcome,
    PartiallyAccepted,
    Rejected,
    Throttled,
    Unavailable,
    Unexpected,
)
from harness.spec import Spec

BASE = "https://api.togai.com"
TOKEN = "tok_live_SECRET-7c1d"


def _call(client: IngestClient, spec: Spec, op_id: str) -> Outcome:
    factory = EventFactory(spec, seed=1)
    if spec.operations[op_id].is_batch:
        return client.ingest_batch(factory.events(2))
    return client.ingest(factory.event())


def expected_outcome(spec: Spec, op_id: str, status: str) -> Outcome:
    """What a correct client makes of the spec's own answer for ``status``."""
    op = spec.operations[op_id]
    response = documented_response(spec, op, Answer(status))
    body: Any = response.json() if response.content else {}
    code = response.status_code
    if status == "default":
        return Unexpected(status=code, response=response, reason="")
    if code == 207:
        return PartiallyAccepted(status=code, rejected=tuple(
            (e["message"], e["eventPayload"]) for e in body["errors"]))  # type: ignore[arg-type]
    if 200 <= code < 300:
        return Accepted(status=code)
    retry_after = retry_after_header.parse(response.headers.get("Retry-After"))
    if code == 429:
        return Throttled(status=code, retry_after=retry_after, message=body["message"])
    if code == 503:
        return Unavailable(status=code, retry_after=retry_after, message=body["message"])
    return Rejected(status=code, message=body["message"])


def _same(outcome: Outcome, expected: Outcome) -> None:
    assert type(outcome) is type(expected)
    assert outcome.status == expected.status
    match outcome:
        case PartiallyAccepted(rejected=rejected):
            assert [(r.message, r.event) for r in rejected] == list(expected.rejected)  # type: ignore[union-attr]
            assert rejected, "the spec's 207 example lists at least one rejected event"
        case Throttled() | Unavailable() | Rejected():
            assert outcome == expected
        case Unexpected(reason=reason):
            assert reason.startswith(f"{outcome.status} is not documented")


def test_every_documented_status(togai_mock: IngestMock, togai_spec: Spec,
                                 documented_answer: tuple[str, str]) -> None:
    op_id, status = documented_answer
    togai_mock[op_id].respond(status)
    with IngestClient(BASE, TOKEN, spec=togai_spec) as client:
        _same(_call(client, togai_spec, op_id), expected_outcome(togai_spec, op_id, status))
    assert len(togai_mock[op_id].calls) == 1


@pytest.mark.anyio
async def test_every_documented_status_async(togai_mock: IngestMock, togai_spec: Spec,
                                             documented_answer: tuple[str, str]) -> None:
    op_id, status = documented_answer
    togai_mock[op_id].respond(status)
    factory = EventFactory(togai_spec, seed=1)
    async with AsyncIngestClient(BASE, TOKEN, spec=togai_spec) as client:
        if togai_spec.operations[op_id].is_batch:
            outcome = await client.ingest_batch(factory.events(2))
        else:
            outcome = await client.ingest(factory.event())
    _same(outcome, expected_outcome(togai_spec, op_id, status))


def test_default_status_is_undocumented(togai_spec: Spec) -> None:
    for op in togai_spec.operations.values():
        assert not op.documents(undocumented_status(op))


@pytest.mark.parametrize(("op_id", "answer", "words"), [
    ("ingest", Answer(401, content=b"Unauthorized", content_type="text/plain"), "not JSON (text/plain)"),
    ("ingestBatch", Answer(207, content=b'{"errors": [{"message": "x", "eventPay'), "not JSON"),
    ("ingest", Answer(202, json={"accepted": True}), "documents no body"),
    ("ingestBatch", Answer(202, json={}), '"errors" is a required property'),
    ("ingestBatch", Answer(400, json={"error": "bad"}), "('error' was unexpected)"),
    ("ingestBatch", Answer(202, json={"errors": [{"message": "no", "eventPayload": EventFactory().event()}]}),
     "a 202 that lists 1 rejected events; a partial acceptance is a 207"),
    ("ingestBatch", Answer(429, json={"message": "x" * 501}), "message: breaks maxLength 500"),
])
def test_malformed_answers_raise_a_clear_error(togai_mock: IngestMock, togai_spec: Spec, op_id: str,
                                               answer: Answer, words: str) -> None:
    togai_mock[op_id].script(answer)
    with IngestClient(BASE, TOKEN, spec=togai_spec) as client, pytest.raises(MalformedResponse) as caught:
        _call(client, togai_spec, op_id)
    assert caught.value.operation == op_id and caught.value.status == answer.status
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{op_id} answered {answer.status} with a malformed body")


def test_retry_waits_for_retry_after_then_succeeds(togai_mock: IngestMock, togai_spec: Spec,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("harness.client.time.sleep", slept.append)
    togai_mock["ingest"].script(Answer(429, headers={"Retry-After": "1"}), 202)
    with IngestClient(BASE, TOKEN, spec=togai_spec, retry=RetryPolicy(attempts=3)) as client:
        outcome = _call(client, togai_spec, "ingest")
    assert outcome == Accepted(status=202, attempts=2)
    assert slept == [1.0]
    first, second = togai_mock["ingest"].bodies()
    assert first == second


def test_retry_backs_off_on_503_without_retry_after(togai_mock: IngestMock, togai_spec: Spec,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("harness.client.time.sleep", slept.append)
    togai_mock["ingestBatch"].respond(503)
    with IngestClient(BASE, TOKEN, spec=togai_spec, retry=RetryPolicy(attempts=3, backoff=0.25)) as client:
        outcome = _call(client, togai_spec, "ingestBatch")
    assert isinstance(outcome, Unavailable) and outcome.attempts == 3
    assert slept == [0.25, 0.5]


def test_retry_after_beyond_the_cap_is_not_shortened(togai_mock: IngestMock, togai_spec: Spec,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harness.client.time.sleep", lambda s: pytest.fail(f"slept {s}"))
    togai_mock["ingest"].respond(429, headers={"Retry-After": "120"})
    with IngestClient(BASE, TOKEN, spec=togai_spec, retry=RetryPolicy(max_wait=30)) as client:
        outcome = _call(client, togai_spec, "ingest")
    assert outcome == Throttled(status=429, retry_after=120.0, message="Request throttled.", attempts=1)


def test_without_retry_policy_a_429_is_returned_at_once(togai_mock: IngestMock, togai_spec: Spec) -> None:
    togai_mock["ingest"].script(Answer(429, headers={"Retry-After": None}), 202)
    with IngestClient(BASE, TOKEN, spec=togai_spec) as client:
        outcome = _call(client, togai_spec, "ingest")
    assert outcome == Throttled(status=429, retry_after=None, message="Request throttled.")


@pytest.mark.anyio
async def test_async_retry_uses_the_same_protocol(togai_mock: IngestMock, togai_spec: Spec,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("harness.client.asyncio.sleep", fake_sleep)
    togai_mock["ingestBatch"].script(Answer(429, headers={"Retry-After": "2"}), 207)
    async with AsyncIngestClient(BASE, TOKEN, spec=togai_spec, retry=RetryPolicy()) as client:
        outcome = await client.ingest_batch(EventFactory(togai_spec).events(1))
    assert isinstance(outcome, PartiallyAccepted) and outcome.attempts == 2
    assert slept == [2.0]



def test_requests_carry_json_bearer_and_user_agent(togai_mock: IngestMock, togai_spec: Spec) -> None:
    with IngestClient(BASE, TOKEN, spec=togai_spec) as client:
        assert isinstance(_call(client, togai_spec, "ingestBatch"), Accepted)
    request = togai_mock["ingestBatch"].calls.last.request
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert "harness" in request.headers["User-Agent"]


def test_the_token_never_shows(togai_mock: IngestMock, togai_spec: Spec,
                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    togai_mock["ingest"].respond(401, content=f"bad token {TOKEN}".encode(), content_type="text/plain")
    with IngestClient(BASE, TOKEN, spec=togai_spec) as client:
        shown = [repr(client), str(client), repr(client._http.auth)]
        with pytest.raises(MalformedResponse) as caught:
            _call(client, togai_spec, "ingest")
    shown += [str(caught.value), repr(caught.value), caught.value.reason, caplog.text]
    assert caplog.text, "httpx logs at DEBUG; the check must see real log lines"
    assert all(TOKEN not in text for text in shown)
    assert "***" in caught.value.reason


def test_mock_without_a_script_behaves_like_a_correct_server(togai_mock: IngestMock, togai_spec: Spec) -> None:
    factory = EventFactory(togai_spec)
    with IngestClient(BASE, None, spec=togai_spec) as anonymous:
        assert isinstance(anonymous.ingest(factory.event()), Rejected)
    with IngestClient(BASE, TOKEN, spec=togai_spec) as client:
        invalid = next(v for v in factory.invalid_variants(togai_spec.batch) if v.name == "too-many:events")
        outcome = client.send("ingestBatch", invalid.body)
        assert isinstance(outcome, Rejected) and outcome.status == 400
        assert outcome.message == "events: breaks maxItems 1000"
        assert client.send("ingest", b"{not json") == Rejected(status=400, message="The body is not valid JSON.")
        assert isinstance(client.ingest(factory.event()), Accepted)


def test_mock_on_a_base_url_with_a_path(togai_spec: Spec) -> None:
    with IngestMock(togai_spec, "http://127.0.0.1:9/v1") as mock:
        mock["ingest"].respond(422)
        with IngestClient("http://127.0.0.1:9/v1", TOKEN, spec=togai_spec) as client:
            outcome = _call(client, togai_spec, "ingest")
        assert isinstance(outcome, Rejected) and outcome.status == 422
        with pytest.raises(respx.models.AllMockedAssertionError), httpx.Client() as raw:
            raw.post("http://127.0.0.1:9/elsewhere")


def test_script_then_standing_answer(togai_mock: IngestMock, togai_spec: Spec) -> None:
    togai_mock["ingest"].respond(503).script(429)
    with IngestClient(BASE, TOKEN, spec=togai_spec) as client:
        statuses = [_call(client, togai_spec, "ingest").status for _ in range(3)]
    assert statuses == [429, 503, 503]  # the script first, then the standing answer
    togai_mock["ingest"].reset().script(429, 503)
    with IngestClient(BASE, TOKEN, spec=togai_spec) as client:
        statuses = [_call(client, togai_spec, "ingest").status for _ in range(3)]
    assert statuses == [429, 503, 202]
