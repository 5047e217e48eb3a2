"""The body's byte limit: exactly the limit is accepted, one byte over gets 422 (docs/contract.md#size)."""

from __future__ import annotations

from typing import Any

import msgspec

from harness.contract.context import ProbeContext
from harness.contract.registry import probe
from harness.facts import OVER_BYTE_LIMIT
from harness.spec import Operation

BYTE_LIMIT = "byte_limit"
MIB = 1_048_576
SEARCH_SIZES = (MIB + 1, 4 * MIB, 16 * MIB)  # growing valid bodies, when the target's limit is not given


def padded(ctx: ProbeContext, operation: Operation, size: int) -> tuple[Any, bytes] | None:
    """A valid body of exactly ``size`` bytes (JSON allows trailing whitespace), or None if none is that small."""
    body = ctx.factory.body(operation, 3)
    content = msgspec.json.encode(body)
    return None if len(content) > size else (body, content + b" " * (size - len(content)))


@probe(BYTE_LIMIT)
def byte_limit(ctx: ProbeContext) -> None:
    """A body of exactly the byte limit is accepted; one byte over gets 422.

    When the limit is not given (``--max-body-bytes``), growing valid bodies find where it lies: a 422 is
    the limit, a 413 the wrong status, and a 16 MiB body accepted means no limit worth the name.
    """
    limit = ctx.max_body_bytes
    for operation in (ctx.single, ctx.batch):
        if limit is None:
            search(ctx, operation)
            continue
        edges = ((limit, (202,), f"a valid body of exactly the limit ({limit:,} bytes)"),
                 (limit + 1, OVER_BYTE_LIMIT, f"a body one byte over the limit ({limit + 1:,} bytes)"))
        for size, allowed, what in edges:
            made = padded(ctx, operation, size)
            if made is None:
                ctx.skip(BYTE_LIMIT, operation, f"the limit {limit} is below a valid body")
                break
            ctx.expect(BYTE_LIMIT, operation, ctx.send(operation, made[0], BYTE_LIMIT, raw=made[1]), allowed, what)
        ctx.passed(BYTE_LIMIT, operation, f"limit {limit:,} bytes")


def search(ctx: ProbeContext, operation: Operation) -> None:
    """Growing valid bodies until one is refused: 422 (the limit lies below), anything else a finding."""
    accepted = 0
    for size in SEARCH_SIZES:
        made = padded(ctx, operation, size)
        assert made is not None
        sent = ctx.send(operation, made[0], BYTE_LIMIT, raw=made[1])
        if sent.status == 202:
            accepted = size
            continue
        if ctx.expect(BYTE_LIMIT, operation, sent, OVER_BYTE_LIMIT, f"a valid body of {size:,} bytes"):
            found = f"between {accepted:,} and {size:,} bytes" if accepted else f"below {size:,} bytes"
            ctx.passed(BYTE_LIMIT, operation, f"limit not given; found {found} (422 past it)")
        return
    ctx.fail(BYTE_LIMIT, operation, f"a valid body of {accepted:,} bytes was accepted: no byte limit up to "
                                    f"{accepted // MIB} MiB (give --max-body-bytes when the target's limit is "
                                    "known and larger)")
