"""The batch's event-count limit, read from the spec's maxItems (docs/contract.md#whole-request-rejection)."""

from __future__ import annotations

from harness.contract.context import ProbeContext
from harness.contract.registry import probe
from harness.facts import OVER_BATCH_LIMIT

BATCH_LIMIT = "batch_limit"


@probe(BATCH_LIMIT)
def batch_limit(ctx: ProbeContext) -> None:
    """Exactly maxItems events accepted; one more rejected whole, nothing of it stored."""
    limit = ctx.spec.batch_max_items
    exact = ctx.send(ctx.batch, ctx.factory.batch_body(limit), BATCH_LIMIT)
    ctx.expect(BATCH_LIMIT, ctx.batch, exact, (202,), f"a batch of exactly maxItems ({limit}) events")
    over_events = ctx.factory.events(limit + 1)
    over = ctx.send(ctx.batch, ctx.batch_body(over_events), BATCH_LIMIT)
    if ctx.expect(BATCH_LIMIT, ctx.batch, over, OVER_BATCH_LIMIT, f"a batch of maxItems + 1 ({limit + 1}) events"):
        for index in (0, limit // 2, limit):
            if ctx.stored(BATCH_LIMIT, ctx.batch, over_events[index]):
                ctx.fail(BATCH_LIMIT, ctx.batch, f"event #{index} of a rejected batch of {limit + 1} was stored "
                                                 "(nothing of a rejected request may be)", over)
                break
    ctx.passed(BATCH_LIMIT, ctx.batch, f"maxItems {limit} from the spec")
