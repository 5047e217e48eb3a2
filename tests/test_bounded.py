"""Answers read within bounds: one total deadline per request, a cap on the body after decompression."""

from __future__ import annotations

import asyncio
import http.server
import threading
import time

import httpx
import pytest

from harness.bounded import BoundedAsyncClient, BoundedClient, WaitBudget, read_capped
from harness.limits import HEADERS_TOO_LARGE, TOO_MANY_HEADER_LINES, Limits
from tests.hostile.server import HostileServer

CAP = 1000


def test_a_body_is_cut_one_byte_past_the_cap_and_read_no_further() -> None:
    reads = []

    def chunks():
        for _ in range(10_000):
            reads.append(1)
            yield b"a" * 100

    body = read_capped(chunks(), None, CAP)
    assert len(body) == CAP + 1 and len(reads) == 11  # stopped at the first chunk past the cap
    assert Limits(max_answer_bytes=CAP).cut(body) and not Limits(max_answer_bytes=CAP).cut(body[:CAP])


@pytest.mark.parametrize("behaviour", ["slow_headers", "slow_body", "never_answers"])
def test_a_trickling_or_silent_server_ends_the_request_at_its_deadline(behaviour: str) -> None:
    """httpx's own timeouts restart with every byte; the deadline is one for the whole request."""
    with HostileServer(behaviour) as server, BoundedClient(Limits(request_seconds=1.5)) as http:
        started = time.monotonic()
        with pytest.raises(httpx.TimeoutException, match=r"no complete answer within 1.5s"):
            http.post(f"{server.base_url}/ingest", content=b"{}")
        assert time.monotonic() - started < 4


def test_a_huge_answer_comes_back_cut_and_a_redirect_is_not_followed() -> None:
    with HostileServer("huge_body") as server, BoundedClient(Limits(max_answer_bytes=CAP)) as http:
        answer = http.post(f"{server.base_url}/ingest", content=b"{}")
    assert answer.status_code == 400 and len(answer.content) == CAP + 1
    with HostileServer("redirect_elsewhere") as server, BoundedClient() as http:
        answer = http.post(f"{server.base_url}/ingest", content=b"{}")
        assert answer.status_code == 307
        assert server.other is not None and server.other.requests == 0


def test_waits_are_capped_each_and_together() -> None:
    waits = WaitBudget(Limits(max_retry_wait=2, retry_wait_budget=3))
    assert not waits.allows(2.5)  # longer than one wait may be
    assert waits.allows(2)
    waits.take(0.01)
    waits.spent = 2.5
    assert not waits.allows(1)  # past the run's budget


class _Proxy:
    """A forward proxy on loopback that answers every request itself, saying which URL it was asked for; or
    never answers (``silent``)."""

    def __init__(self, silent: bool = False) -> None:
        seen: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                if silent:
                    time.sleep(5)
                    return
                body = f"proxied {self.path}".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.seen = seen
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_proxy_the_environment_names_is_used_and_bounded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    proxy, silent = _Proxy(), _Proxy(silent=True)
    try:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        with BoundedClient(Limits(request_seconds=2)) as client:
            answer = client.get("http://127.0.0.2:9/ingest")  # nothing listens there: only the proxy answers
        assert answer.text == "proxied http://127.0.0.2:9/ingest" and proxy.seen == ["http://127.0.0.2:9/ingest"]
        monkeypatch.setenv("NO_PROXY", "127.0.0.2")
        with BoundedClient(Limits(request_seconds=2)) as client, pytest.raises(httpx.ConnectError):
            client.get("http://127.0.0.2:9/ingest")  # bypassed: straight to a closed port
        monkeypatch.delenv("NO_PROXY")
        monkeypatch.setenv("HTTP_PROXY", silent.url)
        started = time.monotonic()
        with BoundedClient(Limits(request_seconds=1)) as client, pytest.raises(httpx.TimeoutException):
            client.get("http://127.0.0.2:9/ingest")
        assert time.monotonic() - started < 3
    finally:
        proxy.close()
        silent.close()


@pytest.mark.parametrize("behaviour", ["slow_body", "never_answers", "huge_body", "gzip_bomb", "redirect_elsewhere"])
def test_the_async_client_is_bounded_alike(behaviour: str) -> None:
    """The asynchronous client (AsyncIngestClient's) keeps the same deadline, cap and no-redirect rule."""

    async def post(url: str) -> httpx.Response:
        async with BoundedAsyncClient(Limits(request_seconds=1.5, max_answer_bytes=CAP)) as http:
            return await http.post(f"{url}/ingest", content=b"{}")

    with HostileServer(behaviour) as server:
        started = time.monotonic()
        if behaviour in ("slow_body", "never_answers"):
            with pytest.raises(httpx.TimeoutException, match=r"no complete answer within 1.5s"):
                asyncio.run(post(server.base_url))
            assert time.monotonic() - started < 4
        elif behaviour == "redirect_elsewhere":
            assert asyncio.run(post(server.base_url)).status_code == 307
            assert server.other is not None and server.other.requests == 0
        else:
            assert len(asyncio.run(post(server.base_url)).content) == CAP + 1


def test_a_head_past_the_bounds_ends_the_request_saying_which_bound() -> None:
    """Every engine reads a head within 100 lines and 100 KiB (harness.limits): httpx's h11 refuses the bytes,
    the client counts the lines."""
    with HostileServer("header_flood") as server, BoundedClient(Limits(request_seconds=5)) as http:
        assert http.post(f"{server.base_url}/ingest", content=b"{}").status_code == 400  # the first answer whole
        said = []
        for _ in range(2):  # then a 2 MB header line, and 20,000 header lines
            with pytest.raises(httpx.RemoteProtocolError) as raised:
                http.post(f"{server.base_url}/ingest", content=b"{}")
            said.append(str(raised.value))
    assert said == [HEADERS_TOO_LARGE, HEADERS_TOO_LARGE]  # h11 stops at the bytes before any line is counted


def test_more_header_lines_than_http_client_takes_are_refused_however_short() -> None:
    lines = b"".join(b"X-%d: v\r\n" % n for n in range(150))  # 1.3 KB: within h11's bytes, past the lines

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n" + lines + b"\r\n{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with BoundedClient(Limits(request_seconds=5)) as client, pytest.raises(httpx.RemoteProtocolError,
                                                                                match=TOO_MANY_HEADER_LINES[:30]):
            client.post(f"http://127.0.0.1:{server.server_address[1]}/ingest", content=b"{}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
