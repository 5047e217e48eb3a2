"""Running the reference target: in-process for tests and commands, or as ``harness serve``.

Both bind the socket themselves before uvicorn starts, so ``port=0`` gets a
free port with no race, and the bound URL is known before the first request.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from harness.reference.app import ADMIN_HEADER, TargetApp
from harness.reference.config import TargetConfig


@dataclass
class RunningTarget:
    """A started target: where it listens and the credentials it accepts."""

    base_url: str
    config: TargetConfig
    app: Any  # the ASGI app: a TargetApp, or a test's broken variant of one

    @property
    def token(self) -> str:
        return self.config.tokens[0]

    @property
    def admin_headers(self) -> dict[str, str]:
        return {ADMIN_HEADER.decode(): self.config.admin_token or ""}

    def __repr__(self) -> str:
        return f"RunningTarget(base_url={self.base_url!r})"


class _QuietDrops(logging.Filter):
    """A scenario's ``drop`` cuts a response short on purpose: not an error worth a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("ASGI callable returned without completing response")


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def uvicorn_config(app: TargetApp, *, log_level: str = "warning") -> uvicorn.Config:
    """h11, not httptools: with httptools, uvicorn drops the body of a request that offers an upgrade
    (Kludex/uvicorn#2722), and every JDK HttpClient offers h2c on a cleartext URL: a valid event from a
    stock Java client would get a 400. h11 ignores the offer and reads the body, as RFC 9110 section 7.8 lets it."""
    return uvicorn.Config(app, lifespan="on", log_level=log_level, access_log=False, http="h11",
                          timeout_graceful_shutdown=10, limit_concurrency=1000, backlog=2048)


@contextlib.contextmanager
def running_target(config: TargetConfig | None = None, *, host: str = "127.0.0.1",
                   port: int = 0, ready_timeout: float = 15.0,
                   make_app: Callable[[TargetConfig], Any] = TargetApp) -> Iterator[RunningTarget]:
    """Start the reference target in a background thread; stop it cleanly on exit.

    ``make_app`` builds the ASGI app from the config: tests pass deliberately
    broken variants of the target to prove that each check finds its fault.
    """
    config = config or TargetConfig()
    app = make_app(config)
    sock = bind(host, port)
    server = uvicorn.Server(uvicorn_config(app, log_level="error"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="harness-target",
                              daemon=True)
    thread.start()
    target = RunningTarget(url_of(sock), config, app)
    try:
        _wait_ready(target.base_url, server, ready_timeout)
        yield target
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def _wait_ready(base_url: str, server: uvicorn.Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the reference target did not start within {timeout:.0f}s at {base_url}")
        time.sleep(0.01)
    with httpx.Client(base_url=base_url, timeout=2) as http:
        http.get("/_harness/health")


def serve(config: TargetConfig, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM, then finish requests in flight, commit and return."""
    app = TargetApp(config)
    sock = bind(host, port)
    announce(url_of(sock))
    server = uvicorn.Server(uvicorn_config(app, log_level="info"))
    # uvicorn shuts down gracefully on these signals, then raises them again
    # against the handlers it found; quiet ones make that a clean exit 0.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: None)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
