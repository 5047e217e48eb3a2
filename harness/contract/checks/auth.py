"""Missing, malformed and wrong credentials get 401 on both operations and store nothing
(docs/contract.md#operations).
"""

from __future__ import annotations

from harness.contract.context import ProbeContext
from harness.contract.registry import probe

AUTH = "auth"


@probe(AUTH)
def auth(ctx: ProbeContext) -> None:
    """Missing, malformed and wrong credentials get 401 on both operations, and store nothing."""
    credentials = (("no Authorization header", None), ("a wrong token", "Bearer harness-wrong-token-0000"),
                   ("a malformed header", "Token harness"))
    for what, header in credentials:
        for operation in (ctx.single, ctx.batch):
            if not ctx.budget.take():
                ctx.skip(AUTH, operation, f"unauthenticated budget spent ({ctx.budget.limit})")
                continue
            event = ctx.factory.event()
            body = ctx.factory.body(operation, 1) if operation.is_batch else ctx.single_body(event)
            if operation.is_batch:
                event = body[operation.envelope_key][0]
            sent = ctx.send(operation, body, AUTH, auth=header, acknowledge=False)
            ctx.expect(AUTH, operation, sent, (401,), f"a request with {what}")
            if ctx.stored(AUTH, operation, event):
                ctx.fail(AUTH, operation, f"an event sent with {what} was stored", sent)
            ctx.passed(AUTH, operation, f"budget {ctx.budget.limit} unauthenticated requests")
