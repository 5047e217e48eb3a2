"""Sending probe requests: recorded, judged, throttling waited out, credentials budgeted.

A ``ProbeSession`` is the one way our own checks talk to a target. Each
request is recorded as an ``Exchange`` (credentials redacted), every response
goes through the shared judges, a 429 or a 503 (documented, transient) is
waited out for its ``Retry-After`` (a second when it names none usable) and the
same request sent again, within the run's bounds (a second 429 after waiting
is a dishonest ``Retry-After``), and the ids the target acknowledged are kept
for the accounting check.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec

from harness import retry_after
from harness.bounded import BoundedClient, WaitBudget, limits
from harness.contract.model import THROTTLING, USE_TOKEN, Exchange, FollowUp, Results, redact_headers
from harness.contract.registry import Seen, judge_all
from harness.facts import ACKNOWLEDGED, ID_FIELD, THROTTLED, TRANSIENT, TRANSIENT_WAIT
from harness.json_text import NotInteroperable, NotJson, decode
from harness.redaction import Secret
from harness.spec import Operation, Spec
from harness.trail import user_agent

MAX_RESENDS = 3  # a 429 or 503 is waited out and the request sent again at most this often
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
    # events of requests that got no answer (a connection dropped, a deadline): the target may or may not hold
    # them, and no black-box client can tell, so the accounting allows for them
    unanswered: int = 0

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
    # a 429 whose Retry-After is itself a throttling finding (missing, unusable, too long, or throttled again
    # after it was honoured): what it kept from the probe is explained by that finding
    explained: bool = False

    @property
    def status(self) -> int | None:
        return self.exchange.status

    def json(self) -> Any:
        """The answer's value as the judges read it (``None`` when not JSON, or JSON to some parsers only)."""
        try:
            return decode(self.exchange.response_body).value
        except (NotJson, NotInteroperable):
            return None

    def rejected(self) -> list[Any]:
        """The ``eventPayload`` of each error a batch answer lists (empty when it lists none)."""
        answer = self.json()
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if not isinstance(errors, list):
            return []
        return [error.get("eventPayload") for error in errors if isinstance(error, dict)]


@dataclass
class Flood:
    """What a flood sent and met: every answer in order, the first 429, and the follow-up's answer."""

    sent: list[Sent] = field(default_factory=list)
    throttled: Sent | None = None
    follow_up: Sent | None = None  # the first follow-up's answer
    follow_ups: list[Sent] = field(default_factory=list)  # every follow-up's, in order
    waited: float | None = None  # seconds between the first 429 and the follow-up
    not_followed: str = ""  # why no follow-up was sent after a 429
    throttled_at: int | None = field(default=None, repr=False)
    raws: list[httpx.Response | httpx.TransportError] = field(default_factory=list, repr=False)


class ProbeSession:
    def __init__(self, base_url: str, token: Secret, spec: Spec, results: Results, *,
                 budget: UnauthBudget, waits: WaitBudget | None = None, deadline: float | None = None) -> None:
        self.spec, self.results, self.budget = spec, results, budget
        self.token, self.deadline = token, deadline
        self.waits = waits or WaitBudget(limits())
        self.ledger = Ledger()
        self.requests = 0
        self._http = BoundedClient(base_url=base_url, headers={"User-Agent": user_agent("contract")})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ProbeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _headers(self, auth: object, content_type: str | None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if auth is USE_TOKEN:
            headers["Authorization"] = f"Bearer {self.token.reveal()}"
        elif isinstance(auth, str):
            headers["Authorization"] = auth
        return headers

    def send(self, operation: Operation, body: Any, *, check: str, auth: object = USE_TOKEN,
             content_type: str | None = "application/json", raw: bytes | None = None,
             acknowledge: bool = True, wait_out: bool = True) -> Sent:
        """POST ``body`` (or ``raw`` bytes) to ``operation``; judge the answer; wait out a 429 or 503.

        ``wait_out=False`` sends once and hands back whatever came (a probe of throttling itself).
        """
        content = raw if raw is not None else _encode(body)
        headers = self._headers(auth, content_type)
        sent = self._exchange(operation, headers, content, body)
        waits = 0
        while wait_out and sent.status in TRANSIENT and waits < MAX_RESENDS:
            # a 429 without a usable header is the throttling judge's finding; the request is still asked again
            header = retry_after.parse(sent.exchange.response_headers.get("retry-after"))
            wait = header if header is not None else TRANSIENT_WAIT
            if not self.waits.allows(wait + 0.05) or not self._time_for(wait):
                if sent.status == THROTTLED:
                    self.results.passed(THROTTLING, operation.operation_id,
                                        f"429 seen; its Retry-After of {wait:g}s is longer than the run waits "
                                        "(--max-retry-wait, the run's budget of waits), not verified")
                break
            self.waits.take(wait + 0.05)
            waits += 1
            again = self._exchange(operation, headers, content, body)  # the same request: ids make it idempotent
            if sent.status == THROTTLED and header is not None and again.status == THROTTLED:
                self.results.fail(THROTTLING, operation.operation_id,
                                  f"still 429 after waiting the Retry-After of {wait:g}s", again.exchange)
                again = Sent(again.exchange, again.body, explained=True)
            elif sent.status == THROTTLED and header is not None:
                self.results.passed(THROTTLING, operation.operation_id, "429 seen; Retry-After honoured")
            sent = again
        if acknowledge and sent.status in (202, 207):
            self._acknowledge(operation, body, sent)
        elif acknowledge and sent.status is None:
            self.ledger.unanswered += len(_events(operation, body))
        return sent

    def flood(self, operation: Operation, bodies: list[Any], *, seconds: float, concurrency: int,
              follow_up: FollowUp | None = None) -> Flood:
        """``bodies`` sent at once from ``concurrency`` threads, until the first 429 (or an answer that is no
        acknowledgement: nothing to throttle), the last body or ``seconds``.

        The thread that meets the first 429 sends ``follow_up`` itself, at once or after the 429's
        ``Retry-After`` (within the run's waits), so no time passes that a bucket could refill in. The
        threads only send; every answer is then judged, recorded and acknowledged here, in the order the
        requests were made, as any other probe's (the accounting check counts them).
        """
        headers = self._headers(USE_TOKEN, "application/json")
        requests = [(body, _encode(body)) for body in bodies]
        answers: dict[int, httpx.Response | httpx.TransportError] = {}
        stop, first = threading.Event(), threading.Lock()
        flood = Flood()
        deadline = time.monotonic() + seconds
        order = itertools.count()

        def sender() -> None:
            while not stop.is_set() and time.monotonic() < deadline:
                index = next(order)
                if index >= len(requests):
                    return
                try:
                    answers[index] = answer = self._http.send(self._build(operation, headers, requests[index][1]))
                except httpx.TransportError as error:
                    answers[index] = error
                    continue
                if answer.status_code == THROTTLED and first.acquire(blocking=False):
                    stop.set()
                    flood.throttled_at = index
                    if follow_up is not None:
                        self._follow(operation, follow_up, answer, flood)
                elif answer.status_code not in (*ACKNOWLEDGED, *TRANSIENT):
                    stop.set()  # the target is not taking these events: nothing to throttle

        with ThreadPoolExecutor(concurrency) as pool:
            for _ in range(concurrency):
                pool.submit(sender)
        for index in sorted(answers):
            body, content = requests[index]
            sent = self._record(operation, self._build(operation, headers, content), content, body, answers[index])
            flood.sent.append(sent)
            if index == flood.throttled_at:
                flood.throttled = sent
        for body, raw in zip(follow_up.bodies if follow_up else (), flood.raws, strict=False):
            content = _encode(body)
            request = self._build(operation, self._headers(follow_up.auth, "application/json"), content)
            flood.follow_ups.append(self._record(operation, request, content, body, raw,
                                                 acknowledge=follow_up.acknowledge))
        flood.follow_up = flood.follow_ups[0] if flood.follow_ups else None
        return flood

    def together(self, requests: list[tuple[Operation, Any]], *, seconds: float = 5.0) -> list[Sent]:
        """``requests`` (operation, body) sent at the same moment, each from a thread of its own and so over a
        connection of its own: what a check-then-insert without a lock or unique index gets wrong.

        Nothing is waited out (a 429 or 503 comes back as it is: the caller tries again); the threads meet at a
        barrier for at most ``seconds`` before sending. Each answer is then judged, recorded and acknowledged,
        in the order given, as any probe's.
        """
        headers = self._headers(USE_TOKEN, "application/json")
        contents = [_encode(body) for _, body in requests]
        answers: dict[int, httpx.Response | httpx.TransportError] = {}  # every thread leaves one (or raises)
        barrier = threading.Barrier(len(requests))

        def send(index: int) -> None:
            request = self._build(requests[index][0], headers, contents[index])
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=seconds)
            try:
                answers[index] = self._http.send(request)
            except httpx.TransportError as error:
                answers[index] = error

        with ThreadPoolExecutor(len(requests)) as pool:
            list(pool.map(send, range(len(requests))))
        recorded = []
        for index, ((operation, body), content) in enumerate(zip(requests, contents, strict=True)):
            request = self._build(operation, headers, content)
            recorded.append(self._record(operation, request, content, body, answers[index]))
        return recorded

    def _follow(self, operation: Operation, follow_up: FollowUp, throttled: httpx.Response, flood: Flood) -> None:
        """Send ``follow_up`` after the first 429 of a flood (in the thread that met it), keeping its raw answer."""
        wait = 0.0
        if follow_up.after_retry_after:
            advertised = retry_after.parse(throttled.headers.get("retry-after"))
            if advertised is None:
                flood.not_followed = "its Retry-After is not usable"  # the throttling judge's finding
                return
            wait = advertised + retry_after.HONESTY_MARGIN
            if not self.waits.allows(wait):
                flood.not_followed = (f"its Retry-After of {advertised:g}s is longer than the run waits "
                                      "(--max-retry-wait, the run's budget of waits)")
                return
            self.waits.take(wait)
        flood.waited = wait
        headers = self._headers(follow_up.auth, "application/json")
        for request in [self._build(operation, headers, _encode(body)) for body in follow_up.bodies]:
            try:
                flood.raws.append(self._http.send(request))
            except httpx.TransportError as error:
                flood.raws.append(error)

    def _record(self, operation: Operation, request: httpx.Request, content: bytes, body: Any,
                answer: httpx.Response | httpx.TransportError, *, acknowledge: bool = True) -> Sent:
        self.requests += 1
        sent = self._judged(operation, request, content, body, answer)
        if acknowledge and sent.status in ACKNOWLEDGED:
            self._acknowledge(operation, body, sent)
        elif acknowledge and sent.status is None:
            self.ledger.unanswered += len(_events(operation, body))
        return sent

    def _time_for(self, wait: float) -> bool:
        return self.deadline is None or time.monotonic() + wait < self.deadline

    def _build(self, operation: Operation, headers: Mapping[str, str], content: bytes) -> httpx.Request:
        return self._http.build_request(operation.method, operation.path, headers=headers, content=content)

    def _exchange(self, operation: Operation, headers: Mapping[str, str], content: bytes, body: Any) -> Sent:
        self.requests += 1
        request = self._build(operation, headers, content)
        try:
            answer: httpx.Response | httpx.TransportError = self._http.send(request)
        except httpx.TransportError as error:
            answer = error
        return self._judged(operation, request, content, body, answer)

    def _judged(self, operation: Operation, request: httpx.Request, content: bytes, body: Any,
                answer: httpx.Response | httpx.TransportError) -> Sent:
        """One exchange recorded (credentials redacted) and every judge's verdict on its answer."""
        recorded = dict(method=request.method, url=str(request.url), request_body=content,
                        request_headers=redact_headers(request.headers.items()))
        if isinstance(answer, httpx.TransportError):
            return Sent(Exchange(**recorded, error=f"{type(answer).__name__}: {answer}"), body)  # type: ignore[arg-type]
        exchange = Exchange(**recorded, status=answer.status_code,  # type: ignore[arg-type]
                            response_headers={k.lower(): v for k, v in answer.headers.items()},
                            response_body=answer.content)
        seen = Seen(answer.status_code, exchange.response_headers, answer.content)
        explained = False
        for check, problems in judge_all(self.spec, operation, body, seen):
            for problem in problems:
                self.results.fail(check, operation.operation_id, problem, exchange)
            explained = explained or (check == THROTTLING and bool(problems))
            if not problems and check != THROTTLING:  # a 429 passes only once its Retry-After is honoured
                self.results.passed(check, operation.operation_id)
        return Sent(exchange, body, explained)

    def _acknowledge(self, operation: Operation, body: Any, sent: Sent) -> None:
        rejected = sent.rejected() if operation.is_batch else []
        self.ledger.record([event for event in _events(operation, body) if event not in rejected])


def _events(operation: Operation, body: Any) -> list[Any]:
    """The events a request body carries (none when it is not the operation's envelope)."""
    if not isinstance(body, dict):
        return []
    events = body.get(operation.envelope_key)
    events = events if operation.is_batch else [events]
    return events if isinstance(events, list) else []

