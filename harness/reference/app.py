"""The reference target as a bare ASGI app (docs/contract.md#semantics).

Order of judgement for an ingestion request, each step answering on its own:
route and method, credentials (401), quota (429 with an honest
``Retry-After``), injected faults (503, latency), content type (400), size
(422, read no further than the limit), JSON and schema (400), then the store
decides each event (new, idempotent retry, conflict) and commits before the
202/207 is sent. No input reaches a 5xx: anything unforeseen is logged
server-side and answered with a generic message, never a traceback.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

import msgspec

from harness.facts import ID_FIELD
from harness.reference.bodies import Acknowledgements
from harness.reference.config import TargetConfig
from harness.reference.faults import Faults
from harness.reference.scripted import ScriptedAnswers
from harness.reference.store import Decision, EventStore, prepare
from harness.reference.throttle import Throttle
from harness.reference.validation import RequestValidator
from harness.spec import Operation, Spec, load_spec

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

ADMIN_PREFIX = "/_harness/"
ADMIN_HEADER = b"x-harness-admin"
_JSON = (b"content-type", b"application/json")
_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode
log = logging.getLogger("harness.reference")


class _Answer(Exception):
    """Raised to answer at once with ``status`` and an ``ErrorResponse``."""

    def __init__(self, status: int, message: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        self.status, self.message, self.headers = status, message, headers


class _ClientGone(Exception):
    pass


class _Drop(Exception):
    """Raised to cut the connection after the status line (a scenario's ``drop``)."""

    def __init__(self, status: int) -> None:
        self.status = status


def tenant_key(token: str) -> str:
    """How a tenant is named in storage and stats: never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


class TargetApp:
    def __init__(self, config: TargetConfig, spec: Spec | None = None) -> None:
        self.config = config
        self.spec = spec or load_spec(config.spec_path)
        self.routes: dict[str, Operation] = {op.path: op for op in self.spec.operations.values()}
        self.validators = {op.operation_id: RequestValidator(self.spec, op, config.batch_max)
                           for op in self.spec.operations.values()}
        self.tenants = {token.encode(): tenant_key(token) for token in config.tokens}
        self.throttle = Throttle(config.rate, config.capacity)
        self.unauth_throttle = (Throttle(config.unauth_quota / config.unauth_window, config.unauth_quota)
                                if config.unauth_quota else None)
        self.faults = Faults.starting(config.latency, config.error_ratio, config.outage)
        self.scripted = ScriptedAnswers(self.spec)
        self.acknowledgements = Acknowledgements(self.spec)  # the 202 and 207 bodies its spec documents
        self.store = EventStore(config.db)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harness-store")
        self.started = time.time()

    # -- ASGI ---------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            status, body, headers = await self._handle(scope, receive)
        except _Answer as answer:
            status, body, headers = answer.status, _encode({"message": answer.message}), answer.headers
        except _ClientGone:
            return
        except _Drop as drop:  # promise a body, send none, return: the server closes the connection
            await send({"type": "http.response.start", "status": drop.status,
                        "headers": [(b"content-length", b"1000"), _JSON]})
            return
        except Exception:
            log.exception("unforeseen error on %s %s", scope.get("method"), scope.get("path"))
            status, body, headers = 500, _encode({"message": "Internal error."}), ()
        response_headers = [(b"content-length", str(len(body)).encode()), *headers]
        if body and all(name != b"content-type" for name, _ in headers):
            response_headers.append(_JSON)
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def close(self) -> None:
        """Finish the writes in hand, then close the database."""
        self._writer.shutdown(wait=True)
        self.store.close()

    # -- ingestion ----------------------------------------------------------
    async def _handle(self, scope: Scope, receive: Receive) -> tuple[int, bytes, tuple[tuple[bytes, bytes], ...]]:
        path: str = scope["path"]
        operation = self.routes.get(path)
        if operation is None:
            if path.startswith(ADMIN_PREFIX) and self.config.admin_token:
                return await self._admin(scope, receive, path.removeprefix(ADMIN_PREFIX))
            raise _Answer(404, f"No operation at {path[:100]}.")
        if scope["method"] != operation.method:
            raise _Answer(405, f"{operation.path} takes {operation.method} only.",
                          ((b"allow", operation.method.encode()),))
        headers = dict(scope["headers"])
        raw: bytes | None = None
        if self.scripted.current is not None:
            raw = await self._read_body(headers, receive)
            scripted = self.scripted.take(operation, headers, raw)
            if scripted is not None:
                if scripted.drop:
                    raise _Drop(scripted.response.status_code)
                answer = scripted.response
                return answer.status_code, answer.content, tuple(
                    (name.lower().encode(), value.encode()) for name, value in answer.headers.multi_items()
                    if name.lower() != "content-length")
        tenant = self._tenant(headers, scope)
        retry_after = self.throttle.admit((tenant, operation.operation_id))
        if retry_after is not None:
            raise _Answer(429, "Request throttled.", ((b"retry-after", str(retry_after).encode()),))
        if self.faults.unavailable():
            raise _Answer(503, "Service currently unavailable.")
        delay = self.faults.delay()
        if delay > 0:
            await asyncio.sleep(delay)
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type != b"application/json":
            raise _Answer(400, "Content-Type must be application/json.")
        if raw is None:
            raw = await self._read_body(headers, receive)
        try:
            body = _decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, UnicodeDecodeError) as error:
            raise _Answer(400, f"The body is not valid JSON: {str(error)[:200]}") from None
        problem = self.validators[operation.operation_id].problem(body)
        if problem is not None:
            raise _Answer(400, problem[:500])
        events = body[operation.envelope_key]
        if not operation.is_batch:
            events = [events]
        decisions = await asyncio.get_running_loop().run_in_executor(
            self._writer, self._store_events, tenant, operation.operation_id, events)
        return self._answer(operation, events, decisions)

    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        return self.store.ingest(tenant, operation, prepare(events, ID_FIELD))

    def _answer(self, operation: Operation, events: list[dict[str, Any]],
                decisions: list[Decision]) -> tuple[int, bytes, tuple[tuple[bytes, bytes], ...]]:
        conflicts = [event for event, decision in zip(events, decisions, strict=True)
                     if decision is Decision.CONFLICT]
        if not operation.is_batch:
            if conflicts:
                raise _Answer(400, "Event id already accepted with a different payload.")
            return 202, self.acknowledgements.body(operation, 202), ()
        if not conflicts:
            return 202, self.acknowledgements.body(operation, 202), ()
        if len(conflicts) == len(events):
            raise _Answer(400, "Every event of the batch was rejected: each id is already accepted with "
                               "a different payload.")
        errors = [{"message": "Event id already accepted with a different payload.", "eventPayload": event}
                  for event in conflicts]
        return 207, self.acknowledgements.body(operation, 207, errors), ()

    def _tenant(self, headers: dict[bytes, bytes], scope: Scope) -> str:
        authorization = headers.get(b"authorization", b"")
        scheme, _, token = authorization.partition(b" ")
        tenant = self.tenants.get(token.strip()) if scheme.lower() == b"bearer" else None
        if tenant is not None:
            return tenant
        if self.unauth_throttle is not None:
            client = (scope.get("client") or ("unknown", 0))[0]
            retry_after = self.unauth_throttle.admit(client)
            if retry_after is not None:
                raise _Answer(429, "Too many unauthenticated requests.",
                              ((b"retry-after", str(retry_after).encode()),))
        reason = "Missing" if not authorization else "Invalid"
        raise _Answer(401, f"{reason} credential: send Authorization: Bearer <token> (x-api-key is not valid).")

    async def _read_body(self, headers: dict[bytes, bytes], receive: Receive) -> bytes:
        limit = self.config.max_body_bytes
        too_large = _Answer(422, f"Payload is above the supported size limit of {limit} bytes.",
                            ((b"connection", b"close"),))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    # -- admin API (our extension, outside the contract) --------------------
    async def _admin(self, scope: Scope, receive: Receive,
                     route: str) -> tuple[int, bytes, tuple[tuple[bytes, bytes], ...]]:
        method = scope["method"]
        if route == "health" and method == "GET":
            return 200, _encode({"status": "ok"}), ()
        headers = dict(scope["headers"])
        given = headers.get(ADMIN_HEADER, b"")
        assert self.config.admin_token is not None
        if not hmac.compare_digest(given, self.config.admin_token.encode()):
            raise _Answer(401, "The admin API needs the X-Harness-Admin header with the admin token.")
        if route == "scenario":
            if method == "PUT":
                try:
                    return 200, _encode(self.scripted.set(_decode(await self._read_body(headers, receive)))), ()
                except (msgspec.DecodeError, ValueError) as error:
                    raise _Answer(400, str(error)[:500]) from None
            if method == "DELETE":
                self.scripted.clear()
            return 200, _encode(self.scripted.describe()), ()
        if route == "requests" and method == "GET":
            query = dict(part.split("=", 1) for part in scope.get("query_string", b"").decode().split("&")
                         if "=" in part)
            return 200, _encode({"requests": self.scripted.requests(unquote(query["label"])
                                                                      if "label" in query else None)}), ()
        if route == "faults":
            if method == "PUT":
                try:
                    settings = _decode(await self._read_body(headers, receive))
                    if not isinstance(settings, dict):
                        raise ValueError("send a JSON object")
                    self.faults.update(settings)
                except (msgspec.DecodeError, ValueError) as error:
                    raise _Answer(400, str(error)[:500]) from None
            return 200, _encode(self.faults.describe()), ()
        tenant = self._tenant(headers, scope)
        if route == "stats" and method == "GET":
            counts = await asyncio.get_running_loop().run_in_executor(self._writer, self.store.counts, tenant)
            return 200, _encode({"tenant": tenant, **dataclasses.asdict(counts)}), ()
        if route.startswith("events/") and method == "GET":
            event_id = route.removeprefix("events/")  # ASGI paths arrive percent-decoded
            found = await asyncio.get_running_loop().run_in_executor(
                self._writer, self.store.lookup, tenant, event_id)
            if found is None:
                raise _Answer(404, "No event with that id for this tenant.")
            payload, operation = found
            return 200, _encode({"id": event_id, "operation": operation, "event": _decode(payload)}), ()
        raise _Answer(404, f"No admin route {route[:100]}.")

