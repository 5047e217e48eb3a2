"""What every locustfile shares: the target's token, the spec, unique batches, and how answers count.

A locustfile stays short: it subclasses ``IngestionUser`` and its task
calls ``self.paced(self.send_batch)`` (or ``send_event``): paced at the
harness's arrival rate (open model, under the quota by default), or closed
loop with ``--unthrottled``. Answers are judged here: 202 and 207 are
successes (207 counts only its accepted events), 429 is *throttled* (not a
failure; its ``Retry-After`` is recorded), anything else is a failure.

The users talk HTTP through geventhttpclient's public ``HTTPClient`` and
report each request through Locust's own ``request`` event: the way Locust
documents for a client of one's own. That client never follows a redirect
(credentials never travel to another host) and hands every status over with
its body unread, so each answer is read here within the cap; and it costs
less per request than ``FastHttpUser``'s session (benchmarks/loadgen.py).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import gevent
import gevent.ssl
import msgspec
from geventhttpclient import HTTPClient
from geventhttpclient.header import Headers
from geventhttpclient.url import URL
from locust import User, events
from locust.exception import CatchResponseError

from harness.answers import BodyProblem, read_body
from harness.bounded import read_capped
from harness.factory import EventFactory
from harness.facts import ACKNOWLEDGED, ID_FIELD, THROTTLED
from harness.limits import add_locust_arguments, from_locust, header_bound, line_size
from harness.load.manifest import REJECTED, UNANSWERED, UNCERTAIN, IdPattern, PatternBatch
from harness.load.manifest import THROTTLED as MANIFEST_THROTTLED
from harness.load.pacer import Schedule
from harness.load.recorder import RECORDER
from harness.load.scenarios import OTHER_TOKEN_ENV, TOKEN_ENV
from harness.load.summary import OTHER_TENANT, TENANT
from harness.redaction import SCRUBBER, clip
from harness.spec import Operation, Spec, load_spec
from harness.trail import run_id, user_agent


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--batch-size", type=int, default=0, help="Events per batch (the spec's maxItems when 0)")
    parser.add_argument("--spec", default="", help="Spec file (the bundled one when empty)")
    parser.add_argument("--user-rate", type=float, default=0.0,
                        help="Requests started per second by each user, whatever the latency (open model, "
                             "harness.load.pacer); 0: closed loop, each user as fast as the target answers")
    parser.add_argument("--user-in-flight", type=int, default=0,
                        help="Requests each user may have waiting on the target; a start past it is dropped and "
                             "counted (harness load splits --max-in-flight over the users); 0: 50")
    add_locust_arguments(parser)  # the run's bounds (harness.limits)
    parser.add_argument("--account-id", default="", help="Send every event to this account (a test account)")
    parser.add_argument("--tag-dimension", default="", help="Add the run id to every event as this dimension")


# the run's tokens, as the harness handed them to this process: every answer is scrubbed of them where it is
# read (harness.bounded.read_capped), and so is every failure message and the summary written on quit
for _name in (TOKEN_ENV, OTHER_TOKEN_ENV):
    SCRUBBER.add(os.environ.get(_name, ""))


SLICE_SECONDS = 0.1  # of a paced user's schedule per task
READ_BLOCK = 64 * 1024  # bytes an answer is read in (geventhttpclient's default is 4 KiB)


class BatchTemplate:
    """A batch body serialised once, whose ids are made unique per request by one ``bytes.join``.

    Building 1000 events per request costs milliseconds of the load
    generator's CPU. Here the body is split once where each id ends; a request
    joins the pieces with its own counter (one C-level copy, about 25 µs for
    1000 events), so payloads are prepared off the hot path and still unique.
    Its ids follow an ``IdPattern``, so the manifest records a batch as its
    number alone.
    """

    _MARK = "\x00ID\x00"

    def __init__(self, factory: EventFactory, size: int) -> None:
        events_ = factory.events(size)
        self.pattern = IdPattern(tuple(event[ID_FIELD] for event in events_))
        for event in events_:
            event[ID_FIELD] = f"{event[ID_FIELD]}-{self._MARK}"
        marker = msgspec.json.encode(self._MARK)[1:-1]  # the marker as JSON writes it
        self.pieces = msgspec.json.encode(factory.batch_body(events=events_)).split(marker)
        self.size = size
        self._count = 0

    def next(self) -> bytes:
        self._count += 1
        return (b"%010x" % self._count).join(self.pieces)

    @property
    def count(self) -> int:
        """The number of the batch ``next`` made last: its events' ids are ``ids(count)``."""
        return self._count

    def an_id(self) -> str:
        """The id of one event of the batch ``next`` made last (a different position each time)."""
        return self.pattern.id(self._count % self.size, self._count)


class HeaderBoundError(ValueError):
    """An answer's head past the bounds every engine reads within (``harness.limits.header_bound``)."""


class BoundedHeaders(Headers):
    """geventhttpclient's headers (its ``headers_type``), counted as the parser adds each line: past the bound the
    answer ends, as http.client and h11 end it in the other engines (a line still being received is bounded by
    the request's deadline)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._lines = self._bytes = 0
        super().__init__(*args, **kwargs)

    def add(self, field: str, value: str | list[str] | tuple[str, ...]) -> None:
        if isinstance(value, str):
            self._lines += 1
            self._bytes += line_size(field, value)
            if (broken := header_bound(self._lines, self._bytes)) is not None:
                raise HeaderBoundError(broken)
        super().add(field, value)

    def clear(self) -> None:  # a 1xx's head is done with; the final answer's is counted afresh
        self._lines = self._bytes = 0
        super().clear()


class IngestionUser(User):
    abstract = True
    concurrency = 50  # requests a user may have in flight (the pacer starts many at once), unless --user-in-flight

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        options = environment.parsed_options
        self.bounds = from_locust(options)
        self.in_flight = getattr(options, "user_in_flight", 0) or self.concurrency
        if not self.host:
            raise ValueError("no host: give --host (harness load gives the target's base URL)")
        url = URL(self.host)
        self.prefix = url.path.rstrip("/")  # a base URL's own path goes before each operation's
        # identity: an answer is read raw and inflated here, within the cap (harness.bounded); each socket
        # operation times out on its own, and gevent.Timeout in _post bounds the whole request
        self.http = HTTPClient.from_url(
            url, concurrency=self.in_flight, block_size=READ_BLOCK, headers_type=BoundedHeaders,
            connection_timeout=self.bounds.request_seconds,
            network_timeout=self.bounds.request_seconds, ssl_context_factory=gevent.ssl.create_default_context,
            headers={"Content-Type": "application/json", "Accept-Encoding": "identity",
                     "Authorization": f"Bearer {os.environ.get(TOKEN_ENV, '')}", "User-Agent": user_agent("load")})
        self._report = environment.events.request.fire

    def on_start(self) -> None:
        options = self.environment.parsed_options
        self.spec = load_spec(getattr(options, "spec", "") or None)
        # every event id starts with the run id (harness.trail): a staging team can find what this run left
        tag = getattr(options, "tag_dimension", "")
        self.factory = EventFactory(self.spec, namespace=f"{run_id()}-{uuid.uuid4().hex[:6]}",
                                    account_id=getattr(options, "account_id", "") or None,
                                    tag=(tag, run_id()) if tag else None)
        self.batch_size = getattr(options, "batch_size", 0) or self.spec.batch_max_items
        self.template = BatchTemplate(self.factory, self.batch_size)
        self.last_retry_after = "missing"  # of the latest 429
        rate = getattr(options, "user_rate", 0)
        self.schedule = Schedule(rate, max_in_flight=self.in_flight) if rate else None

    def on_stop(self) -> None:
        """Requests the schedule started are answered (or time out) before the user ends: every acknowledged
        event is counted, as the target counts it (Locust's --stop-timeout bounds the wait)."""
        if self.schedule is not None:
            RECORDER.paced(self.schedule.started, self.schedule.dropped, self.schedule.dropped_full)
            self.schedule.join(timeout=self.bounds.request_seconds)
            self.schedule.stop()  # a request still running is unanswered: recorded as such, not lost with us
        self.http.close()

    def paced(self, send: Callable[[], object]) -> None:
        """A task's body: a slice of this user's open-model schedule of ``send`` (``--user-rate``), or one
        ``send`` in a closed loop. Short slices let Locust stop the user between tasks at once, so a run
        ends soon after its run time (a worker's last tally waits for it: ``harness.load.handover``)."""
        if self.schedule is None:
            send()
        else:
            self.schedule.run(SLICE_SECONDS, send)

    def send_batch(self, events: list[dict[str, Any]] | None = None) -> int | None:
        """A full batch from the template, or a batch of ``events``."""
        if events is not None:
            body = msgspec.json.encode(self.factory.batch_body(events=events))
            return self._post(self.spec.batch.path, body, len(events), batch=True, an_id=events[0][ID_FIELD],
                              ids=[event[ID_FIELD] for event in events])
        body, count = self.template.next(), self.template.count
        return self._post(self.spec.batch.path, body, self.template.size, batch=True, an_id=self.template.an_id(),
                          ids=PatternBatch(self.template.pattern, count))

    def send_event(self, token: str | None = None) -> int | None:
        """One event on /ingest, as this run's tenant or as the tenant of ``token``."""
        body = self.factory.single_body()
        event = body[self.spec.single.envelope_key]
        headers = {"Authorization": f"Bearer {token}"} if token else None
        return self._post(self.spec.single.path, msgspec.json.encode(body), 1, batch=False, an_id=event[ID_FIELD],
                          headers=headers, tenant=OTHER_TENANT if token else TENANT, ids=[event[ID_FIELD]])

    def _post(self, path: str, body: bytes, size: int, *, batch: bool, an_id: str | None = None,
              headers: dict[str, str] | None = None, tenant: str = TENANT,
              ids: Sequence[str] | PatternBatch = ()) -> int | None:
        """One request under one total deadline, its answer read within the cap, judged, and reported to Locust's
        statistics (CSV, HTML, the master's) as a success or a failure with the reason; the status, or None when
        no answer came."""
        started = time.perf_counter()
        response: Any = None
        operation = self.spec.batch if batch else self.spec.single
        if tenant == TENANT:  # may be stored from here on, until an answer says what became of them
            RECORDER.unanswered(size)
        # an OSError, reported like any other request that got no (complete) answer
        stalled = TimeoutError(f"no complete answer within {self.bounds.request_seconds:g}s")
        answered = False
        try:
            try:
                with gevent.Timeout(self.bounds.request_seconds, stalled):
                    response = self.http.request("POST", self.prefix + path, body=body, headers=headers)
                    content = self._read(response)
            except Exception as error:  # refused, reset, timed out, not HTTP, broken off: every way of no answer
                status = response.status_code if response is not None else None
                words = "no answer" if status is None else f"{status}: answer broken off"
                self._report_request(path, started, 0, response, f"{words}: {error!r}")
                return status
            answered = True
        finally:  # no answer, or the user stopped mid-request: the manifest lists its events as unanswered
            if not answered:
                RECORDER.sent(operation.operation_id, tenant, ids, UNANSWERED)
        if tenant == TENANT:
            RECORDER.unanswered(-size)
        failure = self._judge(operation, response, content, size, an_id=an_id, tenant=tenant, ids=ids)
        self._report_request(path, started, len(content), response, failure)
        return response.status_code

    def _report_request(self, path: str, started: float, length: int, response: Any, failure: str | None) -> None:
        """Locust's ``request`` event (its statistics and the harness's recorder), timed to the answer's last byte;
        a failure's words scrubbed of the run's tokens."""
        self._report(request_type="POST", name=path, response_time=(time.perf_counter() - started) * 1000,
                     response_length=length, response=response, context={},
                     exception=CatchResponseError(clip(failure, 500)) if failure is not None else None)

    def _judge(self, operation: Operation, response: Any, content: bytes, size: int, *, an_id: str | None,
               tenant: str, ids: Sequence[str] | PatternBatch) -> str | None:
        """What an answer adds to the run's counts; the words of the failure it is, or None for a success
        (a 429 is throttled, not failed: the recorder counts it apart)."""
        status = response.status_code
        if self.bounds.cut(content):
            RECORDER.malformed()
            RECORDER.sent(operation.operation_id, tenant, ids, UNCERTAIN if status in ACKNOWLEDGED else fate(status))
            return f"{status}: {self.bounds.too_large()}"
        if status in ACKNOWLEDGED:
            rejected = acknowledgement(self.spec, operation, status, content)
            if isinstance(rejected, str):
                RECORDER.malformed()
                RECORDER.sent(operation.operation_id, tenant, ids, UNCERTAIN)  # acknowledged, but which?
                return f"{status} breaks the spec: {rejected}"
            count, named = rejected
            if tenant == TENANT:  # the run's figures and accounting are the run's tenant's
                RECORDER.accepted(size - count)
            if an_id is not None and not count:
                RECORDER.acknowledged(an_id, tenant)
            RECORDER.stored(operation.operation_id, tenant, ids, count, named)
            return None
        RECORDER.sent(operation.operation_id, tenant, ids, fate(status))
        if status == THROTTLED:
            self.last_retry_after = clip(header(response, "retry-after") or "missing", 40)
            RECORDER.retry_after(self.last_retry_after)
            return None
        if not operation.documents(status):
            RECORDER.undocumented()
        return f"{status}: {clip(content.decode('utf-8', 'replace'), 200)}"

    def _read(self, response: Any) -> bytes:
        """The answer's body within the cap, inflated; its connection goes back to the pool when it was read whole,
        and is closed when it was cut short (geventhttpclient's ``release``)."""
        try:
            return read_capped(response, header(response, "content-encoding"), self.bounds.max_answer_bytes)
        finally:
            response.release()


def fate(status: int) -> str:
    """What became of the events of a request answered without acknowledging them (harness.load.manifest)."""
    if status == THROTTLED:
        return MANIFEST_THROTTLED
    return REJECTED if 400 <= status < 500 else UNANSWERED  # a server error (or a 3xx) may have stored them


def header(response: Any, name: str) -> str | None:
    """One header of a geventhttpclient answer, a repeated one joined as HTTP folds it."""
    value = response.get(name)
    return ", ".join(value) if isinstance(value, list) else value


def acknowledgement(spec: Spec, operation: Operation, status: int, content: bytes) -> tuple[int, frozenset[str]] | str:
    """How many events an acknowledgement rejects (a 207's ``errors``) and the ids it names (each error's
    ``eventPayload.id``), or what breaks the spec in it."""
    if not operation.documents(status):
        return f"{operation.operation_id} documents no {status}"
    try:
        answer = read_body(spec, operation, status, content)
    except BodyProblem as problem:
        return str(problem)
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if not isinstance(errors, list):
        return 0, frozenset()
    payloads = (error.get("eventPayload") for error in errors if isinstance(error, dict))
    named = frozenset(p[ID_FIELD] for p in payloads if isinstance(p, dict) and isinstance(p.get(ID_FIELD), str))
    return len(errors), named

