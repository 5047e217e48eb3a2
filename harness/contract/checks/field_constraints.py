"""Each constraint of the spec broken once, each valid edge accepted, on both operations
(docs/contract.md#schemas, docs/contract.md#formats).
"""

from __future__ import annotations

import copy
from typing import Any

from harness.contract.context import ProbeContext
from harness.contract.registry import probe
from harness.factory import VARIANT_BATCH_SIZE, Variant
from harness.facts import ID_FIELD, OVER_BATCH_LIMIT, REJECTED
from harness.spec import Operation

FIELD_CONSTRAINTS = "field_constraints"


def allowed(operation: Operation, variant: Variant) -> tuple[int, ...]:
    """A valid edge is accepted; an invalid body rejected (docs/contract.md#choices-left-open)."""
    if variant.valid:
        return (202,)
    over_count = (operation.is_batch and variant.constraint is not None and variant.constraint.keyword == "maxItems"
                  and variant.constraint.path == (operation.envelope_key,))
    return OVER_BATCH_LIMIT if over_count else REJECTED


def valid_event(operation: Operation, body: Any) -> dict[str, Any] | None:
    """The first event of a batch the variant left valid (it breaks the middle one), if any."""
    events = body.get(operation.envelope_key) if operation.is_batch and isinstance(body, dict) else None
    first = events[0] if isinstance(events, list) and len(events) == VARIANT_BATCH_SIZE else None
    return first if isinstance(first, dict) and isinstance(first.get(ID_FIELD), str) else None


@probe(FIELD_CONSTRAINTS)
def field_constraints(ctx: ProbeContext) -> None:
    """Each constraint of the spec broken once, each valid edge accepted, on both operations.

    A batch rejected for one bad event is rejected whole: its valid events are not stored either
    (docs/contract.md#whole-request-rejection), asked of the read-back or black-box.
    """
    for variant in ctx.factory.variants():
        operation = ctx.spec.operations[variant.operation]
        body = copy.deepcopy(variant.body)
        sent = ctx.send(operation, body, FIELD_CONSTRAINTS)
        what = f"{variant.name} ({variant.description})"
        rejected = ctx.expect(FIELD_CONSTRAINTS, operation, sent, allowed(operation, variant), what)
        kept = valid_event(operation, variant.body)
        if rejected and not variant.valid and kept is not None and ctx.stored(FIELD_CONSTRAINTS, operation, kept):
            ctx.fail(FIELD_CONSTRAINTS, operation, f"{what}: the batch was rejected, yet its valid event "
                                                   f"{kept[ID_FIELD]} was stored (nothing of a rejected request "
                                                   "may be)", sent)
    for operation in (ctx.single, ctx.batch):
        ctx.passed(FIELD_CONSTRAINTS, operation,
                   f"{len(ctx.factory.variants(operation))} probes from the spec's constraints")
