"""Every answer read within bounds: a total deadline per request, and a cap on its body.

A target under test may be broken or hostile. It may trickle its headers or
body one byte at a time (a socket timeout restarts with every byte and never
trips), send 300 MB, or a small gzip body that inflates to gigabytes. So
every path that talks to a target reads through this module:

- :class:`~harness.limits.Limits` holds the bounds of a run (the command line's ``--timeout``,
  ``--max-answer-bytes`` and ``--max-retry-wait``); :func:`use_limits` sets
  them for the process, so the judges read the same values as the clients.
- :func:`read_capped` reads a raw body, inflating ``gzip``/``deflate`` with a
  bound on the output, and keeps at most ``max_answer_bytes + 1`` bytes: one
  byte more than the cap is how every reader (and the ``answer_size`` judge)
  knows an answer was cut. What it hands on is already scrubbed of the run's
  secrets (``harness.redaction``) and, where the JSON is too deep or its
  numbers too long to parse safely, a stand-in naming why
  (``harness.json_bounds``).
- :class:`BoundedClient` is an ``httpx.Client`` whose every request has one
  total deadline (connect, headers and the whole body), enforced on each
  socket read, and whose answers are read with :func:`read_capped`. It never
  follows a redirect.

schemathesis's requests and Locust's users apply the same :func:`read_capped`
(``harness.contract.guard`` and ``harness.load.users``).
"""

from __future__ import annotations

import contextlib
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import anyio
import httpcore
import httpx

from harness.encodings import UndecodableError, decoded
from harness.json_bounds import STAND_IN_PREFIX, stand_in
from harness.limits import HEADERS_TOO_LARGE, Limits, head_bound
from harness.redaction import SCRUBBER, clip

_LIMITS: list[Limits] = [Limits()]


def limits() -> Limits:
    """The bounds in force (the defaults unless a command set its own with :func:`use_limits`)."""
    return _LIMITS[-1]


@contextlib.contextmanager
def use_limits(bounds: Limits) -> Iterator[Limits]:
    """Set the bounds of the process for the block (a run; schemathesis may judge in another thread)."""
    _LIMITS.append(bounds)
    try:
        yield bounds
    finally:
        _LIMITS.remove(bounds)


class WaitBudget:
    """Retry-After waits of one run: each at most ``max_retry_wait``, all together at most the run's budget."""

    def __init__(self, bounds: Limits) -> None:
        self.bounds, self.spent = bounds, 0.0

    def allows(self, seconds: float) -> bool:
        return not self.bounds.too_long(seconds) and self.spent + seconds <= self.bounds.retry_wait_budget

    def take(self, seconds: float) -> None:
        self.spent += seconds
        time.sleep(seconds)


def read_capped(chunks: Iterable[bytes], content_encoding: str | None, cap: int,
                deadline: float | None = None) -> bytes:
    """The body, every content coding undone, cut at ``cap + 1`` bytes; reading stops there (or at ``deadline``,
    raising). A body that does not decode as its ``Content-Encoding`` says is a stand-in saying so."""
    body = bytearray()
    try:
        for piece in decoded(_until(chunks, deadline), content_encoding):
            body += piece[: cap + 1 - len(body)]
            if len(body) > cap:
                break
    except UndecodableError as error:
        named = clip(content_encoding or "", 80)
        return _from_target(STAND_IN_PREFIX + f"Content-Encoding {named!r}: {error}".encode(), cap)
    return _from_target(bytes(body), cap)


def _until(chunks: Iterable[bytes], deadline: float | None) -> Iterator[bytes]:
    """The raw chunks, checked against the deadline before each (a trickle of a body restarts a socket's timeout
    with every byte, so only this check ends it)."""
    for chunk in chunks:
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError("the answer's body did not end in time")
        yield chunk


def _from_target(body: bytes, cap: int) -> bytes:
    """What readers get of a body: secrets scrubbed and too deep a JSON stood in for, before anyone parses it.

    A body cut at the cap keeps its ``cap + 1`` length (padded), which is how readers tell it was cut.
    """
    kept = stand_in(SCRUBBER.scrub_bytes(body[:cap]))
    if len(body) <= cap or kept == body[:cap]:
        return kept if len(body) <= cap else body
    return kept + b" " * (cap + 1 - len(kept))


# -- httpx: a total deadline on every socket operation ------------------------------------------------
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("harness_request_deadline", default=None)


def _remaining(timeout: float | None, error: type[Exception]) -> float | None:
    bound = _DEADLINE.get()
    if bound is None:
        return timeout
    deadline, seconds = bound
    left = deadline - time.monotonic()
    if left <= 0:
        raise error(f"no complete answer within {seconds:g}s")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                      _remaining(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_tcp(
            host, port, _remaining(timeout, httpcore.ConnectTimeout), local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_unix_socket(
            path, _remaining(timeout, httpcore.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


_HTTPCORE_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout), (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout), (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError), (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError), (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.TimeoutException, httpx.TimeoutException), (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProtocolError, httpx.ProtocolError))


@contextlib.contextmanager
def _as_httpx_errors(request: httpx.Request) -> Iterator[None]:
    """httpcore's errors as the httpx errors every caller catches (the same mapping httpx's own transport makes)."""
    try:
        yield
    except tuple(core for core, _ in _HTTPCORE_ERRORS) as error:
        kind = next(mapped for core, mapped in _HTTPCORE_ERRORS if isinstance(error, core))
        raise kind(str(error), request=request) from error


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Any, request: httpx.Request) -> None:
        self._stream, self._request = stream, request

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors(self._request):
            yield from self._stream

    def close(self) -> None:
        if hasattr(self._stream, "close"):
            self._stream.close()


class _DeadlineTransport(httpx.BaseTransport):
    """A transport of our own over httpcore's public API: connection pools whose every socket operation sees the
    request's deadline (``_DeadlineBackend``), direct or through the proxy the environment names
    (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``), as httpx's own would."""

    def __init__(self) -> None:
        self._ssl = httpx.create_ssl_context()
        self._direct = httpcore.ConnectionPool(ssl_context=self._ssl, network_backend=_DeadlineBackend())
        self._proxies: dict[str, httpcore.HTTPProxy] = {}
        self._environment = urllib.request.getproxies()

    def _pool(self, url: httpx.URL) -> httpcore.ConnectionPool | httpcore.HTTPProxy:
        proxy = self._environment.get(url.scheme) or self._environment.get("all")
        if not proxy or urllib.request.proxy_bypass(url.host):
            return self._direct
        if proxy not in self._proxies:
            self._proxies[proxy] = httpcore.HTTPProxy(proxy_url=proxy, ssl_context=self._ssl,
                                                      network_backend=_DeadlineBackend())
        return self._proxies[proxy]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core = httpcore.Request(method=request.method,
                                url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host,
                                                 port=request.url.port, target=request.url.raw_path),
                                headers=request.headers.raw, content=request.stream, extensions=request.extensions)
        with _as_httpx_errors(request):
            answer = self._pool(request.url).handle_request(core)
        return httpx.Response(answer.status, headers=answer.headers, stream=_Body(answer.stream, request),
                              extensions=answer.extensions)

    def close(self) -> None:
        self._direct.close()
        for proxy in self._proxies.values():
            proxy.close()


_DROPPED_ON_READ = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class BoundedClient(httpx.Client):
    """An ``httpx.Client`` whose every answer comes within the deadline and the cap, and never via a redirect.

    An answer cut at the cap keeps ``max_answer_bytes + 1`` bytes (see
    :meth:`Limits.cut`); its connection is closed, not reused.
    """

    def __init__(self, bounds: Limits | None = None, **options: Any) -> None:
        self.bounds = bounds or limits()
        options.setdefault("timeout", self.bounds.request_seconds)
        super().__init__(transport=_DeadlineTransport(), follow_redirects=False, **options)

    def send(self, request: httpx.Request, *, stream: bool = False, auth: Any = httpx.USE_CLIENT_DEFAULT,
             follow_redirects: Any = httpx.USE_CLIENT_DEFAULT) -> httpx.Response:
        bound = _DEADLINE.set((time.monotonic() + self.bounds.request_seconds, self.bounds.request_seconds))
        try:
            response = super().send(request, stream=True, auth=auth, follow_redirects=False)
            try:
                body = read_capped(response.iter_raw(), response.headers.get("content-encoding"),
                                   self.bounds.max_answer_bytes)
            finally:
                response.close()
        except httpx.TimeoutException as error:  # one message, whichever socket operation ran out of time
            raise type(error)(f"no complete answer within {self.bounds.request_seconds:g}s",
                              request=request) from None
        except httpx.RemoteProtocolError as error:
            raise _head_bound(error, request) from None
        finally:
            _DEADLINE.reset(bound)
        return _read(response, body, request)


def _head_bound(error: httpx.RemoteProtocolError, request: httpx.Request) -> httpx.RemoteProtocolError:
    """h11's "Receive buffer too long" said as the other engines say a head past the bound."""
    if str(error) == "Receive buffer too long":
        return httpx.RemoteProtocolError(HEADERS_TOO_LARGE, request=request)
    return error


def _read(response: httpx.Response, body: bytes, request: httpx.Request) -> httpx.Response:
    """The answer as callers get it: its body read (capped, inflated), its headers scrubbed.

    Each value goes back as bytes in the encoding httpx read the headers with (ASCII, UTF-8 or Latin-1, which
    holds any byte): a str would be encoded as ASCII, and a target's non-ASCII header would end the command.
    """
    encoding = response.headers.encoding
    items = response.headers.multi_items()
    if (broken := head_bound(items)) is not None:
        raise httpx.RemoteProtocolError(broken, request=request)
    headers = [(name, SCRUBBER.scrub(value).encode(encoding)) for name, value in items
               if name.lower() not in _DROPPED_ON_READ]
    return httpx.Response(response.status_code, headers=headers, content=body, request=request,
                          extensions={"http_version": response.extensions.get("http_version", b"HTTP/1.1")})


class BoundedAsyncClient(httpx.AsyncClient):
    """The asynchronous ``BoundedClient``: one deadline for the whole exchange (``anyio.fail_after``), the
    answer read within the cap, no redirect followed; httpx's own transport, so the environment's proxies apply."""

    def __init__(self, bounds: Limits | None = None, **options: Any) -> None:
        self.bounds = bounds or limits()
        options.setdefault("timeout", self.bounds.request_seconds)
        super().__init__(follow_redirects=False, **options)

    async def send(self, request: httpx.Request, *, stream: bool = False, auth: Any = httpx.USE_CLIENT_DEFAULT,
                   follow_redirects: Any = httpx.USE_CLIENT_DEFAULT) -> httpx.Response:
        cap = self.bounds.max_answer_bytes
        try:
            with anyio.fail_after(self.bounds.request_seconds):
                response = await super().send(request, stream=True, auth=auth, follow_redirects=False)
                try:
                    raw, size = [], 0
                    async for chunk in response.aiter_raw():  # the raw bytes, at most one past the cap
                        raw.append(chunk[: cap + 1 - size])
                        size += len(raw[-1])
                        if size > cap:
                            break
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            raise httpx.ReadTimeout(f"no complete answer within {self.bounds.request_seconds:g}s",
                                    request=request) from None
        except httpx.RemoteProtocolError as error:
            raise _head_bound(error, request) from None
        body = read_capped(raw, response.headers.get("content-encoding"), cap)
        if size > cap and len(body) <= cap:  # over the cap on the wire already: larger than the cap, whatever it is
            body += b" " * (cap + 1 - len(body))
        return _read(response, body, request)
