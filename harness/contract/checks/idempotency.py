"""Idempotent retries on each operation and across them (docs/contract.md#idempotent-retry)."""

from __future__ import annotations

from typing import Any

from harness.contract.context import ProbeContext
from harness.contract.registry import probe
from harness.facts import ID_FIELD
from harness.spec import Operation

IDEMPOTENCY = "idempotency"


@probe(IDEMPOTENCY)
def idempotency(ctx: ProbeContext) -> None:
    """The same event again is acknowledged again, on each operation and across them."""
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
        ctx.passed(IDEMPOTENCY, operation, note)
