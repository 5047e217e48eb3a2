"""An ingestion endpoint answers; it never redirects (docs/contract.md#bounds).

The spec documents no 3xx, and a redirect followed with the bearer token
would hand the credentials to whatever host ``Location`` names. No request
of the harness follows one (probes, schemathesis and Locust alike); this
judge says so whenever a target tries.
"""

from __future__ import annotations

from typing import Any

from harness.contract.registry import Seen, judge
from harness.spec import Operation, Spec

REDIRECTS = "redirects"


@judge(REDIRECTS)
def redirects(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str]:
    """No 3xx: the answer comes from the endpoint itself."""
    if not 300 <= seen.status < 400:
        return []
    location = seen.headers.get("location", "no Location")[:200]
    return [f"{seen.status} redirect to {location}: not followed (the bearer token would travel with it); "
            "the spec documents no 3xx"]
