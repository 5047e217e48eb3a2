"""The checks a schema cannot express, as explicit request sequences (CONTRACT.md semantics 1 to 5).

Each probe is a plain function of a ``ProbeContext``; it sends through the
context's session (so every response is also judged, and throttling waited
out) and records a verdict per operation. Whether an event was stored is
asked of the read-back when the target offers one, and otherwise black-box:
an event with the same id and another payload is a conflict (400) only if
the first was stored.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from harness.admin_client import AdminClient, Counts
from harness.contract.model import Finding, Results
from harness.contract.session import ProbeSession, Sent, UnauthBudget
from harness.factory import EventFactory
from harness.facts import ID_FIELD
from harness.spec import Operation, Spec

BATCH_LIMIT = "batch_limit"
BYTE_LIMIT = "byte_limit"
FIELD_CONSTRAINTS = "field_constraints"
IDEMPOTENCY = "idempotency"
PARTIAL_FAILURE = "partial_failure"
ERROR_RESPONSES = "error_responses"
AUTH = "auth"
ACCOUNTING = "accounting"
LOOKUP_SAMPLE = 200  # acknowledged events compared one by one with the read-back


@dataclass
class ProbeContext:
    spec: Spec
    session: ProbeSession
    factory: EventFactory
    results: Results
    readback: AdminClient | None
    max_body_bytes: int | None
    budget: UnauthBudget

    @property
    def single(self) -> Operation:
        return self.spec.single

    @property
    def batch(self) -> Operation:
        return self.spec.batch

    def send(self, operation: Operation, body: Any, check: str, **options: Any) -> Sent:
        return self.session.send(operation, body, check=check, **options)

    def expect(self, check: str, operation: Operation, sent: Sent, allowed: tuple[int, ...], what: str) -> bool:
        """Record a finding unless ``sent`` was answered with one of ``allowed``.

        A 429 that could not be waited out is the throttling check's finding, not this one's.
        """
        if sent.status in allowed:
            return True
        if sent.status == 429:
            return False
        expected = " or ".join(map(str, allowed))
        got = sent.status if sent.status is not None else f"no answer ({sent.exchange.error})"
        self.results.fail(Finding(check, operation.operation_id, f"{what}: expected {expected}, got {got}",
                                  sent.exchange))
        return False

    def fail(self, check: str, operation: Operation, message: str, sent: Sent | None = None) -> None:
        self.results.fail(Finding(check, operation.operation_id, message, sent.exchange if sent else None))

    def conflicting(self, event: dict[str, Any]) -> dict[str, Any]:
        """A valid event with ``event``'s id and another payload."""
        other = self.factory.event()
        other[ID_FIELD] = event[ID_FIELD]
        return other

    def stored(self, check: str, event: dict[str, Any]) -> bool | None:
        """Whether the target holds an event with ``event``'s id; None when it cannot be told."""
        if self.readback is not None:
            return self.readback.lookup(event[ID_FIELD]) is not None
        sent = self.send(self.single, self.factory.single_body(self.conflicting(event)), check, acknowledge=False)
        return {400: True, 202: False}.get(sent.status or 0)

    def single_body(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.factory.single_body(event)

    def batch_body(self, events: list[dict[str, Any]]) -> dict[str, Any]:
        return self.factory.batch_body(events=events)


def batch_limit(ctx: ProbeContext) -> None:
    """Semantics 1: exactly maxItems events accepted; one more rejected whole, nothing of it stored."""
    limit = ctx.spec.batch_max_items
    exact = ctx.send(ctx.batch, ctx.factory.batch_body(limit), BATCH_LIMIT)
    ctx.expect(BATCH_LIMIT, ctx.batch, exact, (202,), f"a batch of exactly maxItems ({limit}) events")
    over_events = ctx.factory.events(limit + 1)
    over = ctx.send(ctx.batch, ctx.batch_body(over_events), BATCH_LIMIT)
    if ctx.expect(BATCH_LIMIT, ctx.batch, over, (400, 422), f"a batch of maxItems + 1 ({limit + 1}) events"):
        for index in (0, limit // 2, limit):
            if ctx.stored(BATCH_LIMIT, over_events[index]):
                ctx.fail(BATCH_LIMIT, ctx.batch, f"event #{index} of a rejected batch of {limit + 1} was stored "
                                                 "(nothing of a rejected request may be)", over)
                break
    ctx.results.passed(BATCH_LIMIT, ctx.batch.operation_id, f"maxItems {limit} from the spec")


def byte_limit(ctx: ProbeContext) -> None:
    """Semantics 5: a body of exactly the byte limit is accepted; one byte over gets 422."""
    limit = ctx.max_body_bytes
    for operation in (ctx.single, ctx.batch):
        if limit is None:
            ctx.results.skip(BYTE_LIMIT, operation.operation_id,
                             "the target's byte limit is unknown: give it with --max-body-bytes")
            continue
        for size, allowed, what in ((limit, (202,), f"a valid body of exactly the limit ({limit:,} bytes)"),
                                    (limit + 1, (422,), f"a body one byte over the limit ({limit + 1:,} bytes)")):
            body = ctx.factory.body(operation, 3)
            content = msgspec.json.encode(body)
            if len(content) > size:
                ctx.results.skip(BYTE_LIMIT, operation.operation_id, f"the limit {limit} is below a valid body")
                break
            padded = content + b" " * (size - len(content))  # JSON allows trailing whitespace
            ctx.expect(BYTE_LIMIT, operation, ctx.send(operation, body, BYTE_LIMIT, raw=padded), allowed, what)
        ctx.results.passed(BYTE_LIMIT, operation.operation_id, f"limit {limit:,} bytes" if limit else "")


def field_constraints(ctx: ProbeContext) -> None:
    """Each constraint of the spec broken once (400), and each valid edge accepted (202), on both operations."""
    for variant in ctx.factory.variants():
        operation = ctx.spec.operations[variant.operation]
        sent = ctx.send(operation, copy.deepcopy(variant.body), FIELD_CONSTRAINTS)
        allowed = (202,) if variant.valid else (400,)
        ctx.expect(FIELD_CONSTRAINTS, operation, sent, allowed, f"{variant.name} ({variant.description})")
    for operation in (ctx.single, ctx.batch):
        ctx.results.passed(FIELD_CONSTRAINTS, operation.operation_id,
                           f"{len(ctx.factory.variants(operation))} probes from the spec's constraints")


def idempotency(ctx: ProbeContext) -> None:
    """Semantics 2: the same event again is acknowledged again, on each operation and across them."""
    retries: list[tuple[Operation, dict[str, Any], str]] = []
    event = ctx.factory.event()
    retries.append((ctx.single, ctx.single_body(event), "/ingest again with the same event"))
    batch = ctx.factory.events(3)
    retries.append((ctx.batch, ctx.batch_body(batch), "/ingestBatch again with the same events"))
    across = ctx.factory.event()
    retries.append((ctx.batch, ctx.batch_body([across, ctx.factory.event()]),
                    "/ingestBatch with an event acknowledged on /ingest"))
    back = ctx.factory.event()
    retries.append((ctx.single, ctx.single_body(back), "/ingest with an event acknowledged on /ingestBatch"))
    firsts = [(ctx.single, ctx.single_body(event)), (ctx.batch, ctx.batch_body(batch)),
              (ctx.single, ctx.single_body(across)), (ctx.batch, ctx.batch_body([back]))]
    for operation, body in firsts:
        ctx.expect(IDEMPOTENCY, operation, ctx.send(operation, body, IDEMPOTENCY), (202,), "a new event")
    for operation, body, what in retries:
        sent = ctx.send(operation, body, IDEMPOTENCY)
        accepted = ctx.expect(IDEMPOTENCY, operation, sent, (202,), f"an idempotent retry: {what}")
        if accepted and sent.rejected():
            ctx.fail(IDEMPOTENCY, operation, f"an idempotent retry is listed as rejected: {what}", sent)
    if ctx.readback is not None:
        acknowledged = ctx.session.ledger.payloads
        for original in (e for e in (event, *batch, across, back) if e[ID_FIELD] in acknowledged):
            held = ctx.readback.lookup(original[ID_FIELD])
            if held != original:
                ctx.fail(IDEMPOTENCY, ctx.single, f"event {original[ID_FIELD]} acknowledged twice is held as "
                                                  f"{held!r}, not as sent")
    note = "stored once: checked with the read-back" if ctx.readback else "stored once: needs the read-back"
    for operation in (ctx.single, ctx.batch):
        ctx.results.passed(IDEMPOTENCY, operation.operation_id, note)


def partial_failure(ctx: ProbeContext) -> None:
    """Semantics 3: conflicts get 400 on /ingest; a batch with some gets 207 listing exactly them; all gives 400."""
    first = ctx.factory.event()
    ctx.send(ctx.single, ctx.single_body(first), PARTIAL_FAILURE)
    sent = ctx.send(ctx.single, ctx.single_body(ctx.conflicting(first)), PARTIAL_FAILURE)
    ctx.expect(PARTIAL_FAILURE, ctx.single, sent, (400,), "an event whose id is accepted with another payload")

    accepted = ctx.factory.events(2)
    ctx.send(ctx.batch, ctx.batch_body(accepted), PARTIAL_FAILURE)
    clash = ctx.conflicting(accepted[0])
    fresh = ctx.factory.events(2)
    in_batch = ctx.factory.event()
    repeat = ctx.conflicting(in_batch)
    cross = ctx.conflicting(first)
    cases: list[tuple[list[dict[str, Any]], list[dict[str, Any]], str]] = [
        ([fresh[0], clash, fresh[1]], [clash], "a batch with one event conflicting with an accepted one"),
        ([in_batch, ctx.factory.event(), repeat], [repeat], "a batch repeating an id with another payload"),
        ([cross, ctx.factory.event()], [cross], "a batch with an event conflicting with one accepted on /ingest"),
    ]
    for events, rejected, what in cases:
        sent = ctx.send(ctx.batch, ctx.batch_body(events), PARTIAL_FAILURE)
        if not ctx.expect(PARTIAL_FAILURE, ctx.batch, sent, (207,), what):
            continue
        listed = sent.rejected()
        if listed != rejected:
            ctx.fail(PARTIAL_FAILURE, ctx.batch, f"{what}: 207 lists {len(listed)} events, not exactly the "
                                                 f"{len(rejected)} rejected one echoed unchanged", sent)
    every = [ctx.conflicting(accepted[1]), ctx.conflicting(first)]
    sent = ctx.send(ctx.batch, ctx.batch_body(every), PARTIAL_FAILURE)
    ctx.expect(PARTIAL_FAILURE, ctx.batch, sent, (400,), "a batch whose every event conflicts")
    if ctx.readback is not None and ctx.readback.lookup(first[ID_FIELD]) != first:
        ctx.fail(PARTIAL_FAILURE, ctx.single, f"a rejected conflicting payload replaced event {first[ID_FIELD]}")
    for operation in (ctx.single, ctx.batch):
        ctx.results.passed(PARTIAL_FAILURE, operation.operation_id)


MALFORMED: tuple[tuple[str, bytes, str, tuple[int, ...]], ...] = (
    ("malformed JSON", b'{"event": {"id": ', "application/json", (400,)),
    ("invalid UTF-8", b'{"event": "\xff\xfe"}', "application/json", (400,)),
    ("deeply nested JSON", b"[" * 100_000 + b"]" * 100_000, "application/json", (400,)),
    ("a JSON array", b"[]", "application/json", (400,)),
    ("a JSON string", b'"event"', "application/json", (400,)),
    ("JSON null", b"null", "application/json", (400,)),
    ("a huge number", b'{"event": 1e999999}', "application/json", (400,)),
    ("an empty body", b"", "application/json", (400,)),
    ("a text/plain body", b'{"event": {}}', "text/plain", (400, 415)),
)


def error_responses(ctx: ProbeContext) -> None:
    """Semantics 1 and check 6: malformed requests get a 4xx ErrorResponse as JSON, never a 5xx or a trace."""
    for operation in (ctx.single, ctx.batch):
        for what, raw, content_type, allowed in MALFORMED:
            sent = ctx.send(operation, None, ERROR_RESPONSES, raw=raw, content_type=content_type)
            ctx.expect(ERROR_RESPONSES, operation, sent, allowed, what)
        ctx.results.passed(ERROR_RESPONSES, operation.operation_id, f"{len(MALFORMED)} malformed requests")


def auth(ctx: ProbeContext) -> None:
    """Missing, malformed and wrong credentials get 401 on both operations, and store nothing."""
    credentials = (("no Authorization header", None), ("a wrong token", "Bearer harness-wrong-token-0000"),
                   ("a malformed header", "Token harness"))
    for what, header in credentials:
        for operation in (ctx.single, ctx.batch):
            if not ctx.budget.take():
                ctx.results.skip(AUTH, operation.operation_id, f"unauthenticated budget spent ({ctx.budget.limit})")
                continue
            event = ctx.factory.event()
            body = ctx.factory.body(operation, 1) if operation.is_batch else ctx.single_body(event)
            if operation.is_batch:
                event = body[operation.envelope_key][0]
            sent = ctx.send(operation, body, AUTH, auth=header, acknowledge=False)
            ctx.expect(AUTH, operation, sent, (401,), f"a request with {what}")
            if ctx.stored(AUTH, event):
                ctx.fail(AUTH, operation, f"an event sent with {what} was stored", sent)
            ctx.results.passed(AUTH, operation.operation_id, f"budget {ctx.budget.limit} unauthenticated requests")


def accounting(ctx: ProbeContext, before: Counts | None) -> None:
    """Where the read-back exists: what the target acknowledged to us is stored, once, as sent."""
    if ctx.readback is None or before is None:
        ctx.results.skip(ACCOUNTING, "*", "the target offers no read-back (/_harness/stats with --admin-token)")
        return
    ledger = ctx.session.ledger
    delta = ctx.readback.counts() - before
    expected = {"stored": len(ledger.payloads), "acknowledged": ledger.acknowledged, "retried": ledger.retried}
    for name, want in expected.items():
        got = getattr(delta, name)
        if got != want:
            ctx.results.fail(Finding(ACCOUNTING, "*", f"the target counts {got} events {name} during the probes; "
                                                      f"it acknowledged {want} to them"))
    for event_id, payload in list(ledger.payloads.items())[:LOOKUP_SAMPLE]:
        held = ctx.readback.lookup(event_id)
        if held != payload:
            state = "lost" if held is None else "held with another payload"
            ctx.results.fail(Finding(ACCOUNTING, "*", f"acknowledged event {event_id} is {state}"))
            break
    ctx.results.passed(ACCOUNTING, "*", f"{ledger.acknowledged} acknowledgements, {len(ledger.payloads)} events")


PROBES: dict[str, Callable[[ProbeContext], None]] = {
    BATCH_LIMIT: batch_limit, BYTE_LIMIT: byte_limit, FIELD_CONSTRAINTS: field_constraints,
    IDEMPOTENCY: idempotency, PARTIAL_FAILURE: partial_failure, ERROR_RESPONSES: error_responses, AUTH: auth,
}
