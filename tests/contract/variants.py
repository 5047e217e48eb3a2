"""Correct servers that choose otherwise: the reference target with one allowed choice changed each.

Wherever docs/contract.md (or HTTP and JSON) leaves a choice open, a
variant here takes the choice our reference target does not. Every check
must stay silent on every one of them: a false alarm is as bad as a miss.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import msgspec

from harness.facts import UNAUTH_QUOTA
from harness.reference import running_target
from harness.reference.app import TargetApp, _Answer
from harness.reference.config import TargetConfig
from harness.reference.store import Decision
from tests.contract.broken import OTHER_TOKEN, Headers, _message, rewriting
from tests.contract.fronts import closing, early_hints


def _over_limit_422(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    message = _message(body)  # the reference names the breach by its place: "events: ... more than 1000 items"
    over = status == 400 and message.startswith("events:") and ("maxItems" in message or "more than" in message)
    return (422 if over else status), headers, body


def _errors_reversed(scope: dict[str, Any], status: int, headers: Headers,
                     body: bytes) -> tuple[int, Headers, bytes]:
    if status == 207:
        answer = msgspec.json.decode(body)
        answer["errors"].reverse()
        body = msgspec.json.encode(answer)
    return status, headers, body


def _charset(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    """``charset=utf-8``, and JSON written as Python's ``json.dumps`` writes it: ASCII only, each other character
    a ``\\u`` escape (a surrogate pair beyond the BMP, as in the message's emoji): one text, parsers agree."""
    if body.strip() and any(k == b"content-type" and b"json" in v for k, v in headers):
        answer = msgspec.json.decode(body)
        if isinstance(answer, dict) and isinstance(answer.get("message"), str):
            answer["message"] += " (détails 😀)"
        body = json.dumps(answer, ensure_ascii=True).encode()
    return status, [(k, b"application/json; charset=utf-8" if k == b"content-type" else v) for k, v in headers], body


def _connection_close(scope: dict[str, Any], status: int, headers: Headers,
                      body: bytes) -> tuple[int, Headers, bytes]:
    return status, [*headers, (b"connection", b"close")], body


def _retry_after(shape: Callable[[int], bytes]) -> Callable[..., tuple[int, Headers, bytes]]:
    def rewrite(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        return status, [(k, shape(int(v)) if k == b"retry-after" else v) for k, v in headers], body
    return rewrite


def _longer(seconds: int) -> bytes:
    return str(seconds + 1).encode()


def _www_authenticate(scope: dict[str, Any], status: int, headers: Headers,
                      body: bytes) -> tuple[int, Headers, bytes]:
    return status, [*headers, (b"www-authenticate", b'Bearer realm="togai"')] if status == 401 else headers, body


def _unsupported_media_type(scope: dict[str, Any], status: int, headers: Headers,
                            body: bytes) -> tuple[int, Headers, bytes]:
    return (415 if status == 400 and "Content-Type" in _message(body) else status), headers, body


PREFIX = "/gateway/togai/v1"


class Prefixed:
    """ASGI: the target served under ``PREFIX`` (a gateway's route), anything outside it answered 404."""

    def __init__(self, app: TargetApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            if not scope["path"].startswith(f"{PREFIX}/"):
                body = b'{"message": "No route."}'
                await send({"type": "http.response.start", "status": 404,
                            "headers": [(b"content-length", str(len(body)).encode()),
                                        (b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": body})
                return
            scope = {**scope, "path": scope["path"].removeprefix(PREFIX), "root_path": PREFIX,
                     "raw_path": scope.get("raw_path", b"").removeprefix(PREFIX.encode())}
        await self.app(scope, receive, send)


def _prefixed(base_url: str) -> AbstractContextManager[str]:
    return contextlib.nullcontext(f"{base_url}{PREFIX}")


_UNAUTHENTICATED = "\0unauthenticated\0"  # a tenant key no token maps to: the refusal waits for the body


class AuthAfterValidation(TargetApp):
    """Reads and validates the body before the credential: an invalid body without credentials gets 400."""

    def _tenant(self, headers: dict[bytes, bytes], scope: dict[str, Any]) -> str:
        try:
            return super()._tenant(headers, scope)
        except _Answer as refused:
            if refused.status != 401:
                raise
            return f"{_UNAUTHENTICATED}{refused.message}"

    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        if tenant.startswith(_UNAUTHENTICATED):
            raise _Answer(401, tenant.removeprefix(_UNAUTHENTICATED))
        return super()._store_events(tenant, operation, events)


COLD_START_SECONDS = 3.0


class ColdStart(TargetApp):
    """Takes 3 s over the first request of each operation (a function waking, a cache warming)."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        self.warm: set[str] = set()

    async def _handle(self, scope: dict[str, Any], receive: Any) -> Any:
        if scope["path"] in self.routes and scope["path"] not in self.warm:
            self.warm.add(scope["path"])
            await asyncio.sleep(COLD_START_SECONDS)
        return await super()._handle(scope, receive)


@dataclass(frozen=True)
class Variant:
    name: str
    choice: str  # the choice it makes, in words
    make_app: Callable[[TargetConfig], Any] = TargetApp
    config: dict[str, Any] = field(default_factory=dict)
    front: Callable[[str], AbstractContextManager[str]] = contextlib.nullcontext  # what stands before the target
    host: str = "127.0.0.1"  # where the target listens

    def target_config(self, token: str) -> TargetConfig:
        """With a second tenant (``OTHER_TOKEN``): one id namespace and one quota per tenant, as the contract says."""
        return TargetConfig(tokens=(token, OTHER_TOKEN), **self.config)

    @contextlib.contextmanager
    def served(self, config: TargetConfig) -> Iterator[str]:
        """The URL the harness is given: the target started with ``config``, behind its front."""
        with running_target(config, make_app=self.make_app, host=self.host) as running, \
                self.front(running.base_url) as url:
            yield url


VARIANTS = (
    Variant("over_limit_422", "422, not 400, for more events than the batch limit", rewriting(_over_limit_422)),
    Variant("errors_reversed", "a 207's errors in another order than the request's", rewriting(_errors_reversed)),
    Variant("charset", "Content-Type: application/json; charset=utf-8, JSON in ASCII (\\u escapes, surrogate "
                       "pairs)", rewriting(_charset)),
    Variant("connection_close", "Connection: close on every answer", rewriting(_connection_close)),
    Variant("retry_after_longer", "a Retry-After one second longer than needed", rewriting(_retry_after(_longer))),
    Variant("unauth_quota", f"the documented {UNAUTH_QUOTA} unauthenticated requests per 30 minutes per IP, "
                            "enforced on a non-Togai host", config={"unauth_quota": UNAUTH_QUOTA}),
    Variant("www_authenticate", "a WWW-Authenticate header on 401", rewriting(_www_authenticate)),
    Variant("unsupported_media_type", "415, not 400, for a body that is not application/json",
            rewriting(_unsupported_media_type)),
    Variant("early_hints", "103 Early Hints before every answer (RFC 8297; a client reads past it)",
            front=early_hints),
    Variant("close_delimited", "every answer framed by closing the connection, without Content-Length",
            front=closing),
    Variant("path_prefix", f"served under a path prefix ({PREFIX}), as behind a gateway",
            lambda config: Prefixed(TargetApp(config)), front=_prefixed),
    Variant("ipv6", "listening on the IPv6 loopback, reached as http://[::1]:port", host="::1"),
    Variant("auth_after_validation", "the body validated before the credential: an invalid body without one "
                                     "gets 400", AuthAfterValidation),
    Variant("cold_start", f"{COLD_START_SECONDS:g} s over the first request of each operation", ColdStart),
    Variant("transient_503", "the documented 503 on 0.5 % of requests (a staging blip)",
            config={"error_ratio": 0.005}),
)
