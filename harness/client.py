"""An httpx client for the two ingestion operations, sync and async.

The protocol (building requests, reading answers, deciding on retries) is
written once, without I/O, as a generator that yields what it needs done:
``Send(request)`` or ``Sleep(seconds)``. :class:`IngestClient` and
:class:`AsyncIngestClient` only carry those out, so the two cannot drift.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import httpx
import msgspec

from harness import retry_after
from harness.answers import BodyProblem, read_body
from harness.bounded import BoundedAsyncClient, BoundedClient, limits
from harness.outcomes import (
    Accepted,
    MalformedResponse,
    NaiveTimestamp,
    Outcome,
    PartiallyAccepted,
    Rejected,
    RejectedEvent,
    Throttled,
    Unavailable,
    Unexpected,
)
from harness.redaction import BearerAuth, Secret
from harness.spec import Operation, Spec, load_spec

USER_AGENT = "togai-ingestion-harness"
_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode


def _offsets_required(value: Any) -> Any:
    """``value`` as given, once no naive ``datetime`` is found in it (it would go out without an offset)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        raise NaiveTimestamp(f"the datetime {value.isoformat()} has no timezone; the API needs an offset "
                             "(give an aware datetime, e.g. datetime.now(UTC))")
    if isinstance(value, dict):
        for item in value.values():
            _offsets_required(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _offsets_required(item)
    return value


@dataclass(frozen=True)
class RetryPolicy:
    """Retries on 429 and 503, honouring ``Retry-After``.

    ``max_wait`` caps one wait: a server asking for longer is not retried
    (waiting less than it asked would break its contract), and its outcome is
    returned as it is. Without ``Retry-After`` the wait doubles from ``backoff``.
    """

    attempts: int = 3
    max_wait: float = 30.0
    backoff: float = 0.5

    def delay(self, outcome: Outcome, attempt: int) -> float | None:
        if not isinstance(outcome, Throttled | Unavailable) or attempt >= self.attempts:
            return None
        wait = outcome.retry_after if outcome.retry_after is not None else self.backoff * 2 ** (attempt - 1)
        return wait if wait <= self.max_wait else None


@dataclass(frozen=True)
class Send:
    request: httpx.Request


@dataclass(frozen=True)
class Sleep:
    seconds: float


Step = Send | Sleep
Exchange = Generator[Step, httpx.Response | None, Outcome]


class IngestProtocol:
    """Requests and answers of the ingestion API as the spec documents them (no I/O)."""

    def __init__(self, spec: Spec, retry: RetryPolicy | None, token: Secret | None) -> None:
        self.spec = spec
        self.retry = retry
        self._token = token

    def operation(self, operation: Operation | str) -> Operation:
        return operation if isinstance(operation, Operation) else self.spec.operations[operation]

    def exchange(self, http: httpx.Client | httpx.AsyncClient, operation: Operation,
                 body: Any) -> Exchange:
        content = body if isinstance(body, bytes) else _encode(_offsets_required(body))
        request = http.build_request(operation.method, operation.path, content=content,
                                     headers={"Content-Type": "application/json"})
        attempt = 1
        while True:
            response = yield Send(request)
            assert response is not None
            outcome = self.interpret(operation, response, attempt)
            delay = self.retry.delay(outcome, attempt) if self.retry else None
            if delay is None:
                return outcome
            yield Sleep(delay)
            attempt += 1

    def interpret(self, operation: Operation, response: httpx.Response, attempt: int = 1) -> Outcome:
        """The outcome of one answer; raises :class:`MalformedResponse` for a broken body."""
        status = response.status_code
        if not operation.documents(status):
            return Unexpected(status=status, attempts=attempt, response=response,
                              reason=f"{status} is not documented for {operation.operation_id}"
                                     f"{_message_suffix(response)}")
        body = self._checked_body(operation, response)
        message = body.get("message", "") if isinstance(body, dict) else ""
        if 200 <= status < 300:
            errors = body.get("errors", []) if isinstance(body, dict) else []
            if status == 207:
                rejected = tuple(RejectedEvent(str(e.get("message", "")), e.get("eventPayload"))
                                 for e in errors)
                return PartiallyAccepted(status=status, attempts=attempt, rejected=rejected)
            if errors:
                raise self._malformed(operation, response, f"a {status} that lists {len(errors)} "
                                      "rejected events; a partial acceptance is a 207")
            return Accepted(status=status, attempts=attempt)
        if status == 429:
            return Throttled(status=status, attempts=attempt, message=message,
                             retry_after=retry_after.parse(response.headers.get("Retry-After")))
        if status == 503:
            return Unavailable(status=status, attempts=attempt, message=message,
                               retry_after=retry_after.parse(response.headers.get("Retry-After")))
        return Rejected(status=status, attempts=attempt, message=message)

    def _checked_body(self, operation: Operation, response: httpx.Response) -> Any:
        try:
            return read_body(self.spec, operation, response.status_code, response.content,
                             response.headers.get("Content-Type", ""))
        except BodyProblem as problem:
            raise self._malformed(operation, response, str(problem)) from None

    def _malformed(self, operation: Operation, response: httpx.Response,
                   reason: str) -> MalformedResponse:
        if self._token is not None:
            reason = self._token.redact(reason)
        return MalformedResponse(operation.operation_id, response.status_code, reason, response)


def _message_suffix(response: httpx.Response) -> str:
    try:
        body = _decode(response.content)
    except msgspec.DecodeError:
        return ""
    return f": {body['message']}" if isinstance(body, dict) and "message" in body else ""


class _ClientBase:
    def __init__(self, base_url: str, token: str | None, *, spec: Spec | None,
                 retry: RetryPolicy | None) -> None:
        self.base_url = base_url
        self._token = Secret(token) if token is not None else None
        self._protocol = IngestProtocol(spec or load_spec(), retry, self._token)

    @property
    def spec(self) -> Spec:
        return self._protocol.spec

    def _options(self, timeout: float, headers: Mapping[str, str] | None) -> dict[str, Any]:
        return {"base_url": self.base_url, "timeout": timeout,
                "auth": BearerAuth(self._token) if self._token is not None else None,
                "headers": {"Accept": "application/json", "User-Agent": USER_AGENT,
                            **(headers or {})}}

    def _single(self, event: Mapping[str, Any]) -> tuple[Operation, dict[str, Any]]:
        return self.spec.single, {self.spec.single.envelope_key: event}

    def _batch(self, events: Sequence[Mapping[str, Any]]) -> tuple[Operation, dict[str, Any]]:
        return self.spec.batch, {self.spec.batch.envelope_key: list(events)}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, token={self._token!r})"


class IngestClient(_ClientBase):
    """Synchronous client: ``client.ingest(event)``, ``client.ingest_batch(events)``."""

    def __init__(self, base_url: str, token: str | None, *, spec: Spec | None = None,
                 timeout: float = 10.0, retry: RetryPolicy | None = None,
                 transport: httpx.BaseTransport | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(base_url, token, spec=spec, retry=retry)
        options = self._options(timeout, headers)
        # a real target's answers are bounded in time and size (harness.bounded); a mock's transport is ours
        self._http = (httpx.Client(transport=transport, **options) if transport is not None
                      else BoundedClient(replace(limits(), request_seconds=timeout), **options))

    def ingest(self, event: Mapping[str, Any]) -> Outcome:
        return self.send(*self._single(event))

    def ingest_batch(self, events: Sequence[Mapping[str, Any]]) -> Outcome:
        return self.send(*self._batch(events))

    def send(self, operation: Operation | str, body: Any) -> Outcome:
        """Send any body (an object, or raw bytes) to ``operation``."""
        exchange = self._protocol.exchange(self._http, self._protocol.operation(operation), body)
        reply: httpx.Response | None = None
        try:
            while True:
                step = exchange.send(reply)
                if isinstance(step, Send):
                    reply = self._http.send(step.request)
                else:
                    time.sleep(step.seconds)
                    reply = None
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncIngestClient(_ClientBase):
    """Asynchronous client with the same calls as :class:`IngestClient`, awaited."""

    def __init__(self, base_url: str, token: str | None, *, spec: Spec | None = None,
                 timeout: float = 10.0, retry: RetryPolicy | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(base_url, token, spec=spec, retry=retry)
        options = self._options(timeout, headers)
        # bounded like the synchronous client (harness.bounded); a mock's transport is ours
        self._http = (httpx.AsyncClient(transport=transport, **options) if transport is not None
                      else BoundedAsyncClient(replace(limits(), request_seconds=timeout), **options))

    async def ingest(self, event: Mapping[str, Any]) -> Outcome:
        return await self.send(*self._single(event))

    async def ingest_batch(self, events: Sequence[Mapping[str, Any]]) -> Outcome:
        return await self.send(*self._batch(events))

    async def send(self, operation: Operation | str, body: Any) -> Outcome:
        exchange = self._protocol.exchange(self._http, self._protocol.operation(operation), body)
        reply: httpx.Response | None = None
        try:
            while True:
                step = exchange.send(reply)
                if isinstance(step, Send):
                    reply = await self._http.send(step.request)
                else:
                    await asyncio.sleep(step.seconds)
                    reply = None
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()
