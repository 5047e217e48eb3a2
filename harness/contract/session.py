"""Sending probe requests: recorded, judged, throttling waited out, credentials budgeted.

A ``ProbeSession`` is the one way our own checks talk to a target. Each
request is recorded as an ``Exchange`` (credentials redacted), every response
goes through the shared judges, a 429 is waited out for its ``Retry-After``
and re-sent (a second 429 after waiting is a dishonest ``Retry-After``), and
the ids the target acknowledged are kept for the accounting check.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec

from harness import retry_after
from harness.bounded import BoundedClient, WaitBudget, limits
from harness.contract.checks.throttling import THROTTLING
from harness.contract.model import Exchange, Results, redact_headers
from harness.contract.registry import Seen, judge_all
from harness.facts import ID_FIELD
from harness.redaction import Secret
from harness.spec import Operation, Spec

USE_TOKEN = object()  # ``auth`` default: send the run's bearer token
_encode = msgspec.json.Encoder().encode


class UnauthBudget:
    """How many requests without valid credentials a run may send (Togai allows 5 per 30 minutes per IP)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.spent = limit, 0

    def take(self, count: int = 1) -> bool:
        if self.spent + count > self.limit:
            return False
        self.spent += count
        return True


@dataclass
class Ledger:
    """What the target acknowledged to our probes: every acknowledgement, and each id's payload."""

    acknowledged: int = 0
    retried: int = 0
    payloads: dict[str, Any] = field(default_factory=dict)

    def record(self, events: list[Any]) -> None:
        for event in events:
            event_id = event.get(ID_FIELD) if isinstance(event, dict) else None
            if not isinstance(event_id, str):
                continue
            self.acknowledged += 1
            if event_id in self.payloads:
                self.retried += 1
            else:
                self.payloads[event_id] = event


@dataclass(frozen=True)
class Sent:
    """A probe's final exchange and its parsed pieces."""

    exchange: Exchange
    body: Any  # the request body as sent, parsed (None for raw bytes that are not JSON)

    @property
    def status(self) -> int | None:
        return self.exchange.status

    def json(self) -> Any:
        try:
            return msgspec.json.decode(self.exchange.response_body)
        except msgspec.DecodeError:
            return None

    def rejected(self) -> list[Any]:
        """The ``eventPayload`` of each error a batch answer lists (empty when it lists none)."""
        answer = self.json()
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if not isinstance(errors, list):
            return []
        return [error.get("eventPayload") for error in errors if isinstance(error, dict)]


class ProbeSession:
    def __init__(self, base_url: str, token: Secret, spec: Spec, results: Results, *,
                 budget: UnauthBudget, waits: WaitBudget | None = None, deadline: float | None = None) -> None:
        self.spec, self.results, self.budget = spec, results, budget
        self.token, self.deadline = token, deadline
        self.waits = waits or WaitBudget(limits())
        self.ledger = Ledger()
        self.requests = 0
        self._http = BoundedClient(base_url=base_url, headers={"User-Agent": "togai-ingestion-harness contract"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ProbeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, operation: Operation, body: Any, *, check: str, auth: object = USE_TOKEN,
             content_type: str | None = "application/json", raw: bytes | None = None,
             acknowledge: bool = True) -> Sent:
        """POST ``body`` (or ``raw`` bytes) to ``operation``; judge the answer; wait out throttling."""
        content = raw if raw is not None else _encode(body)
        headers = {"Accept": "application/json"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if auth is USE_TOKEN:
            headers["Authorization"] = f"Bearer {self.token.reveal()}"
        elif isinstance(auth, str):
            headers["Authorization"] = auth
        sent = self._exchange(operation, headers, content, body)
        waits = 0
        while sent.status == 429 and waits < 3:
            wait = retry_after.parse(sent.exchange.response_headers.get("retry-after"))
            if wait is None:
                break  # the header's absence or shape is the throttling judge's finding
            if not self.waits.allows(wait + 0.05) or not self._time_for(wait):
                self.results.passed(THROTTLING, operation.operation_id,
                                    f"429 seen; its Retry-After of {wait:g}s is longer than the run waits "
                                    "(--max-retry-wait, the run's budget of waits), not verified")
                break
            self.waits.take(wait + 0.05)
            waits += 1
            again = self._exchange(operation, headers, content, body)
            if again.status == 429:
                self.results.fail(THROTTLING, operation.operation_id,
                                  f"still 429 after waiting the Retry-After of {wait:g}s", again.exchange)
            else:
                self.results.passed(THROTTLING, operation.operation_id, "429 seen; Retry-After honoured")
            sent = again
        if acknowledge and sent.status in (202, 207):
            self._acknowledge(operation, body, sent)
        return sent

    def _time_for(self, wait: float) -> bool:
        return self.deadline is None or time.monotonic() + wait < self.deadline

    def _exchange(self, operation: Operation, headers: Mapping[str, str], content: bytes, body: Any) -> Sent:
        self.requests += 1
        request = self._http.build_request(operation.method, operation.path, headers=headers, content=content)
        recorded = dict(method=request.method, url=str(request.url), request_body=content,
                        request_headers=redact_headers(request.headers.items()))
        try:
            response = self._http.send(request)
        except httpx.TransportError as error:
            return Sent(Exchange(**recorded, error=f"{type(error).__name__}: {error}"), body)  # type: ignore[arg-type]
        exchange = Exchange(**recorded, status=response.status_code,  # type: ignore[arg-type]
                            response_headers={k.lower(): v for k, v in response.headers.items()},
                            response_body=response.content)
        seen = Seen(response.status_code, exchange.response_headers, response.content)
        for check, problems in judge_all(self.spec, operation, body, seen):
            for problem in problems:
                self.results.fail(check, operation.operation_id, problem, exchange)
            if not problems and check != THROTTLING:  # a 429 passes only once its Retry-After is honoured
                self.results.passed(check, operation.operation_id)
        return Sent(exchange, body)

    def _acknowledge(self, operation: Operation, body: Any, sent: Sent) -> None:
        if not isinstance(body, dict):
            return
        events = body.get(operation.envelope_key)
        events = events if operation.is_batch else [events]
        if not isinstance(events, list):
            return
        rejected = sent.rejected() if operation.is_batch else []
        self.ledger.record([event for event in events if event not in rejected])

