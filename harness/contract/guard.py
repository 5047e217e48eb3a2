"""schemathesis's requests bounded like every other request of the harness (``harness.bounded``).

schemathesis sends with ``requests`` and reads every body whole (its
capability probes included, which no hook reaches), follows redirects in
those probes, and its ``rate-limit: auto`` sleeps up to 60 s, three times per
case, with no budget for the run. Inside :func:`guarded`, every ``requests``
session schemathesis makes (``schemathesis.engine.context.make_session``,
wrapped for the block: schemathesis has no hook on the sessions its engine
makes, so this is the harness's one reach into a library's internals, and
``tests/contract/test_library_reach.py`` fails when a release changes it) gets:

- a response hook that reads the body with :func:`harness.bounded.read_capped`
  (cut at the cap, inflated within it) and gives up at the request's deadline
  (started by our ``before_call`` hook; the socket timeout is the run's
  ``request-timeout``);
- no redirect target, so no request goes to the host a ``Location`` names;
- an adapter that reads past informational answers (``103 Early Hints``)
  to the final one, as HTTP says and ``http.client`` does not
  (:mod:`harness.contract.interim`);
- 429 and 503 (documented, transient) waited out in the hook and the same
  request sent again, within the run's :class:`~harness.bounded.WaitBudget`:
  a ``Retry-After`` longer than a run waits is never slept through.

What remains unbounded is a target trickling its *headers* to schemathesis
(``requests`` offers no total deadline); the contract run's ``--time-budget``
and the preflight, which sees such a target first, bound that case.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import requests
import schemathesis
import urllib3
from schemathesis.engine import context as engine_context

from harness import retry_after
from harness.bounded import WaitBudget, read_capped
from harness.contract.interim import skip_interim
from harness.facts import TRANSIENT, TRANSIENT_WAIT
from harness.limits import Limits, head_bound
from harness.redaction import SCRUBBER

MAX_RESENDS = 3
_CHUNK = 64 * 1024


class Guard:
    """The bounds of one schemathesis run, applied to each of its requests."""

    def __init__(self, bounds: Limits, waits: WaitBudget) -> None:
        self.bounds, self.waits = bounds, waits
        self._started = threading.local()

    def before_call(self) -> None:
        self._started.at = time.monotonic()

    def bound(self, session: requests.Session) -> requests.Session:
        skip_interim(session)  # a 103 before the answer is not the answer (harness.contract.interim)
        session.hooks["response"].append(self.on_response)
        # credentials never travel elsewhere: a 3xx is judged as the answer it is
        session.get_redirect_target = lambda response: None  # type: ignore[method-assign]
        return session

    def on_response(self, response: requests.Response, *args: Any, **send_options: Any) -> requests.Response:
        resends = 0
        while True:
            self._read(response)
            header = retry_after.parse(response.headers.get("retry-after"))
            wait = header if header is not None else TRANSIENT_WAIT  # an unusable header: the judge's finding
            if response.status_code not in TRANSIENT or resends >= MAX_RESENDS or not self.waits.allows(wait):
                return response
            self.waits.take(wait)
            resends += 1
            self._started.at = time.monotonic()
            response = response.connection.send(response.request, **send_options)

    def _read(self, response: requests.Response) -> None:
        # each header line (http.client already refused over 100)
        if (broken := head_bound(list(response.raw.headers.items()))) is not None:
            response.close()
            raise requests.exceptions.ConnectionError(broken, response=response)
        deadline = getattr(self._started, "at", time.monotonic()) + self.bounds.request_seconds
        try:
            body = read_capped(response.raw.stream(_CHUNK, decode_content=False),
                               response.headers.get("content-encoding"), self.bounds.max_answer_bytes, deadline)
        except (TimeoutError, urllib3.exceptions.ReadTimeoutError):
            response.close()
            raise requests.exceptions.ReadTimeout(
                f"no complete answer within {self.bounds.request_seconds:g}s", response=response) from None
        except urllib3.exceptions.ProtocolError as error:  # shorter than its Content-Length, then closed; or reset
            response.close()
            raise requests.exceptions.ConnectionError(f"the answer broke off: {error}", response=response) from None
        if self.bounds.cut(body) or not response.raw.closed:
            response.close()  # the rest is never read (cut, or its coding broke): the connection goes
        response.headers.pop("content-encoding", None)  # the body is inflated already
        for name, value in list(response.headers.items()):  # scrubbed where read, like the body
            response.headers[name] = SCRUBBER.scrub(value)
        response._content = body  # what ``response.content`` returns (requests' own attribute)
        response._content_consumed = True


_ACTIVE: list[Guard] = []


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """A request's deadline starts when schemathesis sends it (while a guarded run is on)."""
    if _ACTIVE:
        _ACTIVE[-1].before_call()


@contextlib.contextmanager
def guarded(bounds: Limits, waits: WaitBudget) -> Iterator[Guard]:
    """Every session schemathesis makes in the block is bounded by :class:`Guard`."""
    guard = Guard(bounds, waits)
    original = engine_context.make_session

    def make_session(*args: Any, **kwargs: Any) -> requests.Session:
        return guard.bound(original(*args, **kwargs))

    _ACTIVE.append(guard)
    engine_context.make_session = make_session
    try:
        yield guard
    finally:
        engine_context.make_session = original
        _ACTIVE.remove(guard)
