"""Throttling: every 429 carries a usable Retry-After, and a request sent after it is admitted
(docs/contract.md#throttling).

The judge reads each 429; the session waits the Retry-After out and re-sends, recording whether it was
honoured.
"""

from __future__ import annotations

from typing import Any

from harness import retry_after as retry_after_header
from harness.contract.registry import Seen, judge
from harness.spec import Operation, Spec

THROTTLING = "throttling"


@judge(THROTTLING, unseen="no 429 seen during the run")
def retry_after(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str] | None:
    """A 429 says when to come back: delta-seconds or an HTTP-date."""
    if seen.status != 429:
        return None
    problem = retry_after_header.problem(seen.headers.get("retry-after"))
    return [problem] if problem else []
