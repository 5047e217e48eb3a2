"""Missing, malformed, wrong and nearly right credentials get 401 on both operations and store nothing
(docs/contract.md#operations).

A token compared loosely (without case, by prefix, cut to a column) lets a
near miss in: the tenant's own token with its case changed, a character
appended, or its last character dropped must be refused like any wrong one.
The run sends at most its unauthenticated budget (Togai allows 5 per 30
minutes per IP), so the credentials take turns on the two operations, the
near misses first after a missing header: the first five requests try five
kinds of credentials.
"""

from __future__ import annotations

from harness.contract.context import ProbeContext
from harness.contract.registry import probe

AUTH = "auth"


def credentials(token: str) -> list[tuple[str, str | None]]:
    """Each credential probed, in the order they are tried: what it is, and its Authorization header."""
    kinds: list[tuple[str, str | None]] = [("no Authorization header", None)]
    if token.swapcase() != token:
        kinds.append(("the tenant's token with its letters' case changed", f"Bearer {token.swapcase()}"))
    kinds += [("the tenant's token with a character appended", f"Bearer {token}x"),
              ("the tenant's token without its last character", f"Bearer {token[:-1]}"),
              ("a malformed header", "Token harness"), ("a wrong token", "Bearer harness-wrong-token-0000")]
    return kinds


@probe(AUTH)
def auth(ctx: ProbeContext) -> None:
    """Missing, malformed, wrong and nearly right credentials get 401 on both operations, and store nothing."""
    kinds = credentials(ctx.session.token.reveal())
    operations = (ctx.single, ctx.batch)
    # every kind once, the operations taking turns, then every kind again on the other operation
    turns = [(what, header, operations[(index + rounds) % 2]) for rounds in (0, 1)
             for index, (what, header) in enumerate(kinds)]
    tried = {operation.operation_id: 0 for operation in operations}
    for what, header, operation in turns:
        if not ctx.budget.take():
            break
        tried[operation.operation_id] += 1
        event = ctx.factory.event()
        body = ctx.factory.body(operation, 1) if operation.is_batch else ctx.single_body(event)
        if operation.is_batch:
            event = body[operation.envelope_key][0]
        sent = ctx.send(operation, body, AUTH, auth=header, acknowledge=False)
        ctx.expect(AUTH, operation, sent, (401,), f"a request with {what}")
        if ctx.stored(AUTH, operation, event):
            ctx.fail(AUTH, operation, f"an event sent with {what} was stored", sent)
    for operation in operations:
        count = tried[operation.operation_id]
        if count == 0:
            ctx.skip(AUTH, operation, f"unauthenticated budget spent ({ctx.budget.limit})")
        else:
            ctx.passed(AUTH, operation, f"{count} of {len(kinds)} kinds of credentials tried (budget "
                                        f"{ctx.budget.limit} unauthenticated requests: --unauth-budget)")
