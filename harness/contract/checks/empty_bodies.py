"""An answer the spec documents without content comes without a body: ``/ingest``'s 202 above all
(docs/contract.md#formats). Clients generated from the spec read no body there, and some fail on one.
"""

from __future__ import annotations

from typing import Any

from harness.contract.registry import Seen, judge
from harness.spec import Operation, Spec

EMPTY_BODIES = "empty_bodies"


@judge(EMPTY_BODIES, unseen="no answer documented without content was seen")
def empty_bodies(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str] | None:
    """A documented answer without content has no body."""
    documented = operation.responses.get(str(seen.status))
    if documented is None or documented.has_body:
        return None
    if not seen.body.strip():
        return []
    return [f"{seen.status} answered with a {len(seen.body):,}-byte body; the spec documents no content for it"]
