"""Deliberately broken targets: the reference target with one fault each.

Every fault names the check that must catch it. A fault is either a change
of the reference target's configuration or spec, a subclass overriding one
decision, or a rewrite of its responses on the way out (``Rewrite``).
"""

from __future__ import annotations

import copy
import itertools
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import yaml

from harness.facts import ID_FIELD
from harness.reference.app import TargetApp, _Answer, tenant_key
from harness.reference.config import DEFAULT_MAX_BODY_BYTES, TargetConfig
from harness.reference.store import Decision, prepare
from harness.spec import Operation, bundled_spec_path

Headers = list[tuple[bytes, bytes]]
Rewriter = Callable[[dict[str, Any], int, Headers, bytes], tuple[int, Headers, bytes]]


class Rewrite:
    """ASGI middleware: the wrapped target's responses, rewritten by ``rewrite(scope, status, headers, body)``."""

    def __init__(self, app: TargetApp, rewrite: Rewriter) -> None:
        self.app, self.rewrite = app, rewrite

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_harness/"):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            status, headers, body = self.rewrite(scope, start["status"], list(start["headers"]),
                                                 message.get("body", b""))
            headers = [(k, v) for k, v in headers if k != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def rewriting(rewrite: Rewriter) -> Callable[[TargetConfig], Any]:
    return lambda config: Rewrite(TargetApp(config), rewrite)


def _message(body: bytes) -> str:
    try:
        return str(msgspec.json.decode(body).get("message", ""))
    except (msgspec.DecodeError, AttributeError):
        return ""


# -- subclasses: one decision of the reference target changed --------------------------------------
class StoresRejectedBatch(TargetApp):
    """Takes batches one over the limit (config), stores them, then answers 400."""

    def _answer(self, operation: Operation, events: list[dict[str, Any]], decisions: list[Decision]) -> Any:
        if operation.is_batch and len(events) > self.spec.batch_max_items:
            raise _Answer(400, "Too many events.")
        return super()._answer(operation, events, decisions)


class StoresInvalidBatch(TargetApp):
    """Stores every event of a batch it then rejects for one invalid event."""

    def __init__(self, config: TargetConfig, spec: Any = None) -> None:
        super().__init__(config, spec)
        self.strict = self.validators["ingestBatch"]
        self.validators["ingestBatch"] = _IdsOnly(self.strict)

    def _answer(self, operation: Operation, events: list[dict[str, Any]], decisions: list[Decision]) -> Any:
        problem = self.strict.problem({operation.envelope_key: events}) if operation.is_batch else None
        if problem is not None:
            raise _Answer(400, problem[:500])
        return super()._answer(operation, events, decisions)


class _IdsOnly:
    """Lets through any batch whose events all carry a string id (so the store can take them)."""

    def __init__(self, strict: Any) -> None:
        self.strict = strict

    def problem(self, body: Any) -> str | None:
        events = body.get("events") if isinstance(body, dict) else None
        if isinstance(events, list) and events and all(
                isinstance(e, dict) and isinstance(e.get("id"), str) for e in events):
            return None
        return self.strict.problem(body)


class SharedBucket(TargetApp):
    """One token bucket per tenant for both operations, not one each."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        self.throttle = _OneBucket(self.throttle)


class PenaltyBox(TargetApp):
    """After a 429, refuses every request of that tenant and operation for ``PENALTY_SECONDS``, whatever its
    bucket holds: a penalty its Retry-After (rewritten to 0 with it) does not tell. Unlike a bucket refilling
    every 20 ms at the documented quota, it throttles the request sent right after however slow the machine."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        self.throttle = _Penalised(self.throttle)


PENALTY_SECONDS = 2.0


class _Penalised:
    def __init__(self, inner: Any) -> None:
        self.inner, self.until = inner, dict[Any, float]()

    def admit(self, key: Any) -> Any:
        now = time.monotonic()
        if now < self.until.get(key, 0.0):
            return 1
        wait = self.inner.admit(key)
        if wait is not None:
            self.until[key] = now + PENALTY_SECONDS
        return wait


class _OneBucket:
    """Buckets keyed on the tenant only (``by_tenant``), or on the operation only."""

    def __init__(self, inner: Any, *, by_tenant: bool = True) -> None:
        self.inner, self.by_tenant = inner, by_tenant

    def admit(self, key: tuple[str, str]) -> Any:
        return self.inner.admit((key[0], "both operations") if self.by_tenant else ("every tenant", key[1]))


class SharedTenants(TargetApp):
    """One token bucket per operation for every tenant together."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        self.throttle = _OneBucket(self.throttle, by_tenant=False)


class RetryIsConflict(TargetApp):
    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        return [Decision.CONFLICT if d is Decision.RETRY else d
                for d in super()._store_events(tenant, operation, events)]


class IdsPerOperation(TargetApp):
    """Keeps a separate idempotency namespace per operation (the contract shares one per tenant)."""

    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        return super()._store_events(tenant if operation == "ingest" else f"{tenant}-batch", operation, events)


class SharedIds(TargetApp):
    """Keeps one idempotency namespace for every tenant together (the contract keeps one per tenant)."""

    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        return super()._store_events("every-tenant", operation, events)


class LastWriteWins(TargetApp):
    """Answers 202 to a conflicting event on /ingest."""

    def _answer(self, operation: Operation, events: list[dict[str, Any]], decisions: list[Decision]) -> Any:
        if not operation.is_batch:
            return 202, b"", ()
        return super()._answer(operation, events, decisions)


class KeepsNothingOfPartialBatch(TargetApp):
    """Answers a batch with conflicts 207 listing exactly them, and stores none of its good events (a
    transaction rolled back, the answer built anyway)."""

    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        if operation != "ingestBatch":
            return super()._store_events(tenant, operation, events)
        decisions, seen = [], dict[str, bytes]()
        for event_id, payload in prepare(events, ID_FIELD):
            held = self.store.lookup(tenant, event_id)
            prior = held[0] if held is not None else seen.get(event_id)
            seen.setdefault(event_id, payload)
            decisions.append(Decision.NEW if prior is None else
                             Decision.RETRY if prior == payload else Decision.CONFLICT)
        if Decision.CONFLICT in decisions:
            return decisions
        return super()._store_events(tenant, operation, events)


RACE_WINDOW = 0.2  # seconds between a racy store's check and its insert


class ChecksThenInserts(TargetApp):
    """Decides each event against what it holds, then inserts it, with no lock or unique index between: two
    requests at once with one id both find it new (its writer takes several requests at a time)."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        self._writer = ThreadPoolExecutor(max_workers=8, thread_name_prefix="racy-store")
        self.held: dict[tuple[str, str], bytes] = {}

    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        prepared = prepare(events, ID_FIELD)
        priors = [self.held.get((tenant, event_id)) for event_id, _ in prepared]
        time.sleep(RACE_WINDOW)
        decisions = []
        for (event_id, payload), prior in zip(prepared, priors, strict=True):
            if prior is None:
                self.held[(tenant, event_id)] = payload
            decisions.append(Decision.NEW if prior is None else
                             Decision.RETRY if prior == payload else Decision.CONFLICT)
        return decisions


class AllConflicts207(TargetApp):
    def _answer(self, operation: Operation, events: list[dict[str, Any]], decisions: list[Decision]) -> Any:
        if operation.is_batch and all(d is Decision.CONFLICT for d in decisions):
            errors = [{"message": "Conflict.", "eventPayload": event} for event in events]
            return 207, msgspec.json.encode({"errors": errors}), ()
        return super()._answer(operation, events, decisions)


class LooseIds(TargetApp):
    """Keeps ids as a database column does whose collation or width is loose: ``key(id)`` is what it compares
    and stores (a retry is still compared payload for payload)."""

    key: Callable[[str], str] = staticmethod(str)

    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        keyed = [{**event, ID_FIELD: self.key(event[ID_FIELD])} if ID_FIELD in event else event for event in events]
        return super()._store_events(tenant, operation, keyed)


def loose_ids(key: Callable[[str], str]) -> type[LooseIds]:
    return type(f"LooseIds_{key.__name__}", (LooseIds,), {"key": staticmethod(key)})


def _case_folded(event_id: str) -> str:
    return event_id.lower()


def _pad_space(event_id: str) -> str:  # MySQL's PAD SPACE collations: trailing spaces do not count
    return event_id.rstrip(" ")


def _trimmed(event_id: str) -> str:
    return event_id.strip()


def _column_191(event_id: str) -> str:  # VARCHAR(191): utf8mb4's index limit on older MySQL
    return event_id[:191]


def _nfc(event_id: str) -> str:
    return unicodedata.normalize("NFC", event_id)


class AnyToken(TargetApp):
    """Takes any bearer token as the first tenant's."""

    def _tenant(self, headers: dict[bytes, bytes], scope: dict[str, Any]) -> str:
        if headers.get(b"authorization", b"").lower().startswith(b"bearer "):
            return tenant_key(self.config.tokens[0])
        return super()._tenant(headers, scope)


class LooseTokens(TargetApp):
    """Compares bearer tokens loosely: ``match(known, given)`` instead of equality."""

    match: Callable[[str, str], bool] = staticmethod(str.__eq__)

    def _tenant(self, headers: dict[bytes, bytes], scope: dict[str, Any]) -> str:
        scheme, _, given = headers.get(b"authorization", b"").partition(b" ")
        if scheme.lower() == b"bearer":
            for token in self.config.tokens:
                if self.match(token, given.strip().decode(errors="replace")):
                    return tenant_key(token)
        return super()._tenant(headers, scope)


def loose_tokens(match: Callable[[str, str], bool]) -> type[LooseTokens]:
    return type(f"LooseTokens_{match.__name__}", (LooseTokens,), {"match": staticmethod(match)})


def _without_case(known: str, given: str) -> bool:
    return known.lower() == given.lower()


def _by_prefix(known: str, given: str) -> bool:  # a token with anything after it
    return given.startswith(known)


def _cut_to_column(known: str, given: str) -> bool:  # both cut at a column shorter than the tokens
    return known[:16] == given[:16]


class DropsEvents(TargetApp):
    """Acknowledges every event but stores only six in seven."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        self._seen = itertools.count(1)

    def _store_events(self, tenant: str, operation: str, events: list[dict[str, Any]]) -> list[Decision]:
        kept = [index for index in range(len(events)) if next(self._seen) % 7]
        decisions = [Decision.NEW] * len(events)
        stored = super()._store_events(tenant, operation, [events[index] for index in kept])
        for index, decision in zip(kept, stored, strict=True):
            decisions[index] = decision
        return decisions


class CountsBytes(TargetApp):
    """``maxLength`` counted in UTF-8 bytes instead of characters."""

    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        for name, validator in list(self.validators.items()):
            self.validators[name] = _ByteLengths(validator, self.spec.operations[name])


class _ByteLengths:
    def __init__(self, inner: Any, operation: Operation) -> None:
        self.inner, self.operation = inner, operation

    def problem(self, body: Any) -> str | None:
        events = body.get(self.operation.envelope_key) if isinstance(body, dict) else None
        for event in (events if self.operation.is_batch else [events]) if events else []:
            name = event.get("schemaName") if isinstance(event, dict) else None
            if isinstance(name, str) and len(name.encode()) > 50:
                return "schemaName is too long"
        return self.inner.problem(body)


# -- response rewrites ----------------------------------------------------------------------------
def _413(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return (413 if status == 422 else status), headers, body


def _ingest_202_body(scope: dict[str, Any], status: int, headers: Headers,
                     body: bytes) -> tuple[int, Headers, bytes]:
    if status == 202 and scope["path"] == "/ingest":
        return status, [*headers, (b"content-type", b"application/json")], b'{"accepted": true}'
    return status, headers, body


def _repeated_errors(scope: dict[str, Any], status: int, headers: Headers,
                     body: bytes) -> tuple[int, Headers, bytes]:
    """A 207 naming ``errors`` twice: the rejected events, then an empty list (a serializer merging two maps)."""
    if status == 207:
        body = body.rstrip()[:-1] + b', "errors": []}'
    return status, headers, body


def _lone_surrogate(scope: dict[str, Any], status: int, headers: Headers,
                    body: bytes) -> tuple[int, Headers, bytes]:
    """Errors whose message ends in half an emoji: a UTF-16 string cut between its surrogates, then escaped."""
    if status == 400 and body.rstrip().endswith(b'"}'):
        body = body.rstrip()[:-2] + b' \\ud83d"}'
    return status, headers, body


def _altered_echo(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if status == 207:
        answer = msgspec.json.decode(body)
        for error in answer["errors"]:
            error["eventPayload"].pop("dimensions", None)
        body = msgspec.json.encode(answer)
    return status, headers, body


def _no_errors_list(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return status, headers, (b"{}" if status == 202 and body else body)


def _text_errors(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if status >= 400:
        headers = [(k, b"text/plain" if k == b"content-type" else v) for k, v in headers]
        body = _message(body).encode()
    return status, headers, body


def _traceback(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    if status == 400 and "JSON" in _message(body):
        body = msgspec.json.encode({"message": 'Traceback (most recent call last):\n  File "/srv/ingest/app.py", '
                                               "line 42, in parse\nJSONDecodeError"})
    return status, headers, body


def _json_500(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return (500 if status == 400 and "not valid JSON" in _message(body) else status), headers, body


def _403(scope: dict[str, Any], status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
    return (403 if status == 401 else status), headers, body


def _no_retry_after(scope: dict[str, Any], status: int, headers: Headers,
                    body: bytes) -> tuple[int, Headers, bytes]:
    return status, [(k, v) for k, v in headers if k != b"retry-after"], body


def _retry_after_zero(scope: dict[str, Any], status: int, headers: Headers,
                      body: bytes) -> tuple[int, Headers, bytes]:
    return status, [(k, b"0" if k == b"retry-after" else v) for k, v in headers], body


# -- spec edits: the target validates against a looser schema -------------------------------------
def _without(*path: str, keyword: str) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        node = document
        for part in path:
            node = node[part]
        del node[keyword]
    return edit


@dataclass(frozen=True)
class Fault:
    name: str
    check: str  # the check that must name it
    description: str
    make_app: Callable[[TargetConfig], Any] = TargetApp
    config: dict[str, Any] = field(default_factory=dict)
    spec_edit: Callable[[dict[str, Any]], None] | None = None
    checks: tuple[str, ...] = ()  # what the proving run runs; the fault's check when empty
    told_body_limit: int | None = None  # what the harness is told of the byte limit (the real one when None)
    tells_limit: bool = True  # False: the harness is not told the byte limit and has to find it

    def target_config(self, token: str, spec_dir: Path) -> TargetConfig:
        """With a second tenant (``OTHER_TOKEN``) beside ``token``, for the tenants check."""
        config = dict(self.config)
        if self.spec_edit is not None:
            document = copy.deepcopy(yaml.safe_load(bundled_spec_path().read_text()))
            self.spec_edit(document)
            path = spec_dir / f"{self.name}.yaml"
            path.write_text(yaml.safe_dump(document, sort_keys=False))
            config["spec_path"] = path
        return TargetConfig(tokens=(token, OTHER_TOKEN), **config)


OTHER_TOKEN = "broken-target-second-tenant"  # every broken target has a second tenant
SLOW = {"rate": 2.0}  # throttles within a probe run
FAULTS = (
    Fault("accepts_over_limit", "batch_limit", "takes maxItems + 1 events", config={"batch_max": 1001}),
    Fault("rejects_exact_limit", "batch_limit", "refuses exactly maxItems events", config={"batch_max": 999}),
    Fault("stores_rejected_batch", "batch_limit", "stores a batch it rejects", StoresRejectedBatch,
          config={"batch_max": 1001}),
    Fault("byte_limit_413", "byte_limit", "answers 413, not 422, over the byte limit", rewriting(_413)),
    Fault("no_byte_limit", "byte_limit", "takes a 16 MiB body (limit not given)",
          config={"max_body_bytes": 64 * DEFAULT_MAX_BODY_BYTES}, tells_limit=False),
    Fault("byte_limit_413_found", "byte_limit", "answers 413 to a body over its limit (limit not given)",
          rewriting(_413), tells_limit=False),
    Fault("byte_limit_off_by_one", "byte_limit", "refuses a body of exactly the limit",
          config={"max_body_bytes": DEFAULT_MAX_BODY_BYTES - 1}, told_body_limit=DEFAULT_MAX_BODY_BYTES),
    Fault("stores_invalid_batch", "field_constraints", "stores the events of a batch it rejects as invalid",
          StoresInvalidBatch),
    Fault("ingest_202_body", "empty_bodies", "answers /ingest's 202 with a body", rewriting(_ingest_202_body),
          checks=("idempotency", "empty_bodies")),
    Fault("ignores_value_pattern", "field_constraints", "accepts a non-numeric attribute value",
          spec_edit=_without("components", "schemas", "Attribute", "properties", "value", keyword="pattern")),
    Fault("loose_timestamps", "field_constraints", "accepts timestamps that are not RFC 3339",
          spec_edit=_without("components", "schemas", "Event", "properties", "timestamp", keyword="format")),
    Fault("counts_bytes", "field_constraints", "counts maxLength in bytes", CountsBytes),
    Fault("retry_is_conflict", "idempotency", "rejects an idempotent retry as a conflict", RetryIsConflict),
    Fault("ids_per_operation", "partial_failure", "keeps ids per operation, not per tenant", IdsPerOperation),
    Fault("last_write_wins", "partial_failure", "answers 202 to a conflict on /ingest", LastWriteWins),
    Fault("partial_batch_kept_nothing", "partial_failure", "answers 207 to a batch with conflicts and stores none "
          "of its good events", KeepsNothingOfPartialBatch),
    Fault("check_then_insert", "races", "checks an id, then inserts it, with no lock between", ChecksThenInserts,
          checks=("races",)),
    Fault("all_conflicts_207", "partial_failure", "answers 207 when every event conflicts", AllConflicts207),
    Fault("altered_echo", "partial_failure", "echoes rejected events changed", rewriting(_altered_echo)),
    Fault("repeated_errors", "partial_failure", "names errors twice in a 207: the rejected, then []",
          rewriting(_repeated_errors)),
    Fault("lone_surrogate", "error_responses", "ends error messages in a lone surrogate escape",
          rewriting(_lone_surrogate)),
    Fault("no_errors_list", "partial_failure", "answers a batch's 202 without an errors list",
          rewriting(_no_errors_list)),
    Fault("text_errors", "error_responses", "serves errors as text/plain", rewriting(_text_errors)),
    Fault("leaks_traceback", "error_responses", "leaks a traceback for malformed JSON", rewriting(_traceback)),
    Fault("json_500", "error_responses", "answers 500 to malformed JSON", rewriting(_json_500)),
    Fault("ids_case_insensitive", "id_identity", "compares ids without case (a _ci collation)",
          loose_ids(_case_folded), checks=("id_identity",)),
    Fault("ids_pad_space", "id_identity", "ignores trailing spaces in ids (PAD SPACE)", loose_ids(_pad_space),
          checks=("id_identity",)),
    Fault("ids_trimmed", "id_identity", "trims whitespace around ids", loose_ids(_trimmed),
          checks=("id_identity",)),
    Fault("ids_column_191", "id_identity", "keeps the first 191 characters of an id", loose_ids(_column_191),
          checks=("id_identity",)),
    Fault("ids_nfc", "id_identity", "normalises ids to NFC", loose_ids(_nfc), checks=("id_identity",)),
    Fault("any_token", "auth", "accepts any bearer token", AnyToken),
    Fault("token_without_case", "auth", "compares tokens without case", loose_tokens(_without_case),
          checks=("auth",)),
    Fault("token_by_prefix", "auth", "takes a token followed by anything", loose_tokens(_by_prefix),
          checks=("auth",)),
    Fault("token_cut_to_column", "auth", "compares the first 16 characters of a token", loose_tokens(_cut_to_column),
          checks=("auth",)),
    Fault("forbidden_not_401", "auth", "answers 403, not 401, to bad credentials", rewriting(_403)),
    Fault("no_retry_after", "throttling", "throttles without Retry-After", rewriting(_no_retry_after),
          config=SLOW, checks=("idempotency", "throttling")),
    Fault("retry_after_zero", "throttling", "says Retry-After: 0 and throttles again", rewriting(_retry_after_zero),
          config=SLOW, checks=("idempotency", "throttling")),
    Fault("retry_after_zero_at_quota", "throttling", "says Retry-After: 0 at the documented quota, and throttles "
          "the request sent right after", lambda config: Rewrite(PenaltyBox(config), _retry_after_zero),
          checks=("throttling",)),
    Fault("shared_ids", "tenants", "keeps one id namespace for all tenants", SharedIds, checks=("tenants",)),
    Fault("shared_quota", "tenants", "keeps one quota for all tenants", SharedTenants, checks=("tenants",),
          config=SLOW),  # a quota any machine floods past: a slow one could not reach the documented 50/s
    Fault("drops_events", "accounting", "acknowledges events it does not store", DropsEvents,
          checks=("idempotency", "partial_failure", "accounting")),
)
