"""The body's byte limit: exactly the limit is accepted, one byte over gets 422 (docs/contract.md#size)."""

from __future__ import annotations

import msgspec

from harness.contract.context import ProbeContext
from harness.contract.registry import probe

BYTE_LIMIT = "byte_limit"


@probe(BYTE_LIMIT)
def byte_limit(ctx: ProbeContext) -> None:
    """A body of exactly the byte limit is accepted; one byte over gets 422."""
    limit = ctx.max_body_bytes
    for operation in (ctx.single, ctx.batch):
        if limit is None:
            ctx.skip(BYTE_LIMIT, operation,
                             "the target's byte limit is unknown: give it with --max-body-bytes")
            continue
        for size, allowed, what in ((limit, (202,), f"a valid body of exactly the limit ({limit:,} bytes)"),
                                    (limit + 1, (422,), f"a body one byte over the limit ({limit + 1:,} bytes)")):
            body = ctx.factory.body(operation, 3)
            content = msgspec.json.encode(body)
            if len(content) > size:
                ctx.skip(BYTE_LIMIT, operation, f"the limit {limit} is below a valid body")
                break
            padded = content + b" " * (size - len(content))  # JSON allows trailing whitespace
            ctx.expect(BYTE_LIMIT, operation, ctx.send(operation, body, BYTE_LIMIT, raw=padded), allowed, what)
        ctx.passed(BYTE_LIMIT, operation, f"limit {limit:,} bytes" if limit else "")
