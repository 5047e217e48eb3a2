"""Correct servers that choose otherwise: the reference target with one allowed choice changed each.

Wherever docs/contract.md (or HTTP and JSON) leaves a choice open, a
variant here takes the choice our reference target does not. Every check
must stay silent on every one of them: a false alarm is as bad as a miss.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import msgspec

from harness.facts import UNAUTH_QUOTA
from harness.reference.app import TargetApp
from harness.reference.config import TargetConfig
from tests.contract.broken import OTHER_TOKEN, Headers, _message, rewriting
from tests.contract.early_hints import early_hints


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


@dataclass(frozen=True)
class Variant:
    name: str
    choice: str  # the choice it makes, in words
    make_app: Callable[[TargetConfig], Any] = TargetApp
    config: dict[str, Any] = field(default_factory=dict)
    front: Callable[[str], AbstractContextManager[str]] = contextlib.nullcontext  # what stands before the target

    def target_config(self, token: str) -> TargetConfig:
        """With a second tenant (``OTHER_TOKEN``): one id namespace and one quota per tenant, as the contract says."""
        return TargetConfig(tokens=(token, OTHER_TOKEN), **self.config)


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
    Variant("transient_503", "the documented 503 on 0.5 % of requests (a staging blip)",
            config={"error_ratio": 0.005}),
)
