"""Each constraint of the spec broken once, each valid edge accepted, on both operations
(docs/contract.md#schemas, docs/contract.md#formats).
"""

from __future__ import annotations

import copy

from harness.contract.context import ProbeContext
from harness.contract.registry import probe

FIELD_CONSTRAINTS = "field_constraints"


@probe(FIELD_CONSTRAINTS)
def field_constraints(ctx: ProbeContext) -> None:
    """Each constraint of the spec broken once (400), and each valid edge accepted (202), on both operations."""
    for variant in ctx.factory.variants():
        operation = ctx.spec.operations[variant.operation]
        sent = ctx.send(operation, copy.deepcopy(variant.body), FIELD_CONSTRAINTS)
        allowed = (202,) if variant.valid else (400,)
        ctx.expect(FIELD_CONSTRAINTS, operation, sent, allowed, f"{variant.name} ({variant.description})")
    for operation in (ctx.single, ctx.batch):
        ctx.passed(FIELD_CONSTRAINTS, operation,
                           f"{len(ctx.factory.variants(operation))} probes from the spec's constraints")
