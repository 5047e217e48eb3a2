"""Tenant isolation: ids and quotas are per tenant (docs/contract.md#idempotent-retry, #throttling).

For a billing API a shared id namespace is a data-isolation defect: one
tenant learns of another's events (its new event is refused as a conflict)
or overwrites them. Needs a second tenant's token (``--other-token``); the
embedded target has one of its own.
"""

from __future__ import annotations

from harness.contract.context import ProbeContext
from harness.contract.model import FollowUp
from harness.contract.registry import probe
from harness.facts import ID_FIELD, THROTTLED

TENANTS = "tenants"


OTHER_TENANT_REQUESTS = 5


@probe(TENANTS)
def tenants(ctx: ProbeContext) -> None:
    """Another tenant may use an id this one used, with its own payload; one tenant's flood throttles no other."""
    if ctx.other is None:
        for operation in (ctx.single, ctx.batch):
            ctx.skip(TENANTS, operation, "needs a second tenant's token (--other-token or HARNESS_OTHER_TOKEN)")
        return
    other = f"Bearer {ctx.other.reveal()}"
    for operation in (ctx.single, ctx.batch):
        mine = ctx.factory.event()
        if not ctx.expect(TENANTS, operation, ctx.send(operation, ctx.body(operation, mine), TENANTS), (202,),
                          "a new event"):
            continue
        theirs = ctx.conflicting(mine)
        sent = ctx.send(operation, ctx.body(operation, theirs), TENANTS, auth=other, acknowledge=False)
        if sent.status in (401, 403):
            ctx.results.unverified(TENANTS, operation.operation_id, f"the second tenant's token was refused "
                                                                    f"({sent.status}): check --other-token")
            return
        what = f"another tenant's new event with an id this tenant used ({mine[ID_FIELD]})"
        if ctx.expect(TENANTS, operation, sent, (202,), f"{what}: ids are one namespace per tenant") \
                and sent.rejected():
            ctx.fail(TENANTS, operation, f"{what} is listed as rejected: ids are one namespace per tenant", sent)
        again = ctx.send(operation, ctx.body(operation, mine), TENANTS)
        ctx.expect(TENANTS, operation, again, (202,), "this tenant's own retry after another tenant used its id "
                                                      "(refused: the other tenant's event took its place)")
        if ctx.readback is not None and ctx.readback.lookup(mine[ID_FIELD]) != mine:
            ctx.fail(TENANTS, operation, f"event {mine[ID_FIELD]} is not held as this tenant sent it after "
                                         "another tenant used its id")
    # several requests of the other tenant at once: a shared bucket refills a token now and then (one each 20 ms
    # at 50/s), never OTHER_TENANT_REQUESTS of them, while a bucket of its own holds a second's worth
    others = tuple(ctx.single_body(ctx.factory.event()) for _ in range(OTHER_TENANT_REQUESTS))
    flood = ctx.flood(ctx.single, FollowUp(others[0], auth=other, after_retry_after=False, acknowledge=False,
                                           also=others[1:]))
    throttled = [sent for sent in flood.follow_ups if sent.status == THROTTLED]
    if flood.follow_up is None:
        ctx.passed(TENANTS, ctx.single, "ids per tenant; quotas per tenant not checked (no 429 provoked)")
    elif throttled:
        ctx.fail(TENANTS, ctx.single, f"one tenant's flood ({len(flood.sent)} requests, then a 429) throttled "
                                      f"{len(throttled)} of {len(flood.follow_ups)} requests another tenant sent "
                                      "at once: quotas are per tenant", throttled[0])
    for operation in (ctx.single, ctx.batch):
        ctx.passed(TENANTS, operation, "ids and quotas per tenant" if operation is ctx.single else "ids per tenant")
