"""Partial failures: conflicts get 400 on /ingest; a batch with some gets 207 listing exactly them and stores the
others; all gives 400 (docs/contract.md#partial-failure).
"""

from __future__ import annotations

from typing import Any

import msgspec

from harness.contract.context import ProbeContext
from harness.contract.registry import Seen, judge, probe
from harness.facts import ID_FIELD
from harness.json_text import NotInteroperable, NotJson
from harness.spec import Operation, Spec

PARTIAL_FAILURE = "partial_failure"


@probe(PARTIAL_FAILURE)
def partial_failure(ctx: ProbeContext) -> None:
    """Conflicts get 400 on /ingest; a batch with some gets 207 listing exactly them; all gives 400."""
    first = ctx.factory.event()
    ctx.send(ctx.single, ctx.single_body(first), PARTIAL_FAILURE)
    sent = ctx.send(ctx.single, ctx.single_body(ctx.conflicting(first)), PARTIAL_FAILURE)
    # whether an event is stored is asked black-box with a conflict on /ingest: only where conflicts get 400
    can_tell = ctx.expect(PARTIAL_FAILURE, ctx.single, sent, (400,),
                          "an event whose id is accepted with another payload") or ctx.readback is not None

    if not ctx.spec.lists_errors(ctx.batch, "207"):  # a semantic the document gives nothing to hold on to
        ctx.passed(PARTIAL_FAILURE, ctx.single)
        ctx.skip(PARTIAL_FAILURE, ctx.batch, "not checkable with this spec: its 207 documents no per-event errors "
                                             "list, so which events were rejected cannot be told")
        return
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
        if sorted(map(_canonical, listed)) != sorted(map(_canonical, rejected)):  # in any order
            ctx.fail(PARTIAL_FAILURE, ctx.batch, f"{what}: 207 lists {len(listed)} events, not exactly the "
                                                 f"{len(rejected)} rejected one echoed unchanged", sent)
        good = next(event for event in events if event not in rejected)
        if can_tell and ctx.stored(PARTIAL_FAILURE, ctx.batch, good) is False:  # None: could not be told (recorded so)
            ctx.fail(PARTIAL_FAILURE, ctx.batch, f"{what}: 207 acknowledged event {good[ID_FIELD]}, which was "
                                                 "never stored (the good events of a partial batch are kept)", sent)
    every = [ctx.conflicting(accepted[1]), ctx.conflicting(first)]
    sent = ctx.send(ctx.batch, ctx.batch_body(every), PARTIAL_FAILURE)
    ctx.expect(PARTIAL_FAILURE, ctx.batch, sent, (400,), "a batch whose every event conflicts")
    if ctx.readback is not None and ctx.readback.lookup(first[ID_FIELD]) != first:
        ctx.fail(PARTIAL_FAILURE, ctx.single, f"a rejected conflicting payload replaced event {first[ID_FIELD]}")
    for operation in (ctx.single, ctx.batch):
        ctx.passed(PARTIAL_FAILURE, operation)


@judge(PARTIAL_FAILURE)
def batch_answer(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str] | None:
    """One response: a 202 lists no errors; 207 lists some, each an event of the request, unchanged."""
    if not operation.is_batch or seen.status not in (202, 207) or not spec.lists_errors(operation, str(seen.status)):
        return None  # not a batch acknowledgement, or one whose documented body lists no events
    try:
        decoded = seen.decoded()
    except NotJson:
        return [f"{seen.status} body is not JSON"]
    except NotInteroperable as problem:
        return [f"{seen.status} body is JSON only to some parsers: {problem}"]
    # a member named twice (two errors lists): said, then the value most parsers keep (the last) judged
    problems = [f"{seen.status} body: {repeated.describe()}" for repeated in decoded.repeated[:3]]
    return problems + _listed_problems(seen.status, decoded.value, request, operation)


def _listed_problems(status: int, body: Any, request: Any, operation: Operation) -> list[str]:
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return [f"{status} body has no errors list"]
    if status == 202:
        return [] if not errors else [f"202 lists {len(errors)} rejected events (a partial failure is 207)"]
    sent = request.get(operation.envelope_key) if isinstance(request, dict) else None
    if not errors:
        return ["207 lists no rejected events"]
    if not isinstance(sent, list):
        return []
    if len(errors) >= len(sent):
        return [f"207 rejects all {len(sent)} events (that is a 400)"]
    for error in errors:
        payload = error.get("eventPayload") if isinstance(error, dict) else None
        if payload not in sent:
            return [f"207 echoes an eventPayload that is not an event of the request, unchanged: "
                    f"{msgspec.json.encode(payload)[:200].decode(errors='replace')}"]
    return []


def _canonical(event: Any) -> bytes:
    """An event as comparable bytes: the same payload in any key order is the same event."""
    return msgspec.json.encode(event, order="sorted")
