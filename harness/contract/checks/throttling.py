"""Throttling: every 429 carries a usable Retry-After, and a request sent after it is admitted
(docs/contract.md#throttling).

The judge reads each 429; the session waits the Retry-After out and re-sends, recording whether it was
honoured.
"""

from __future__ import annotations

from typing import Any

from harness import retry_after as retry_after_header
from harness.contract.registry import Seen, judge
from harness.facts import UNAUTH_WINDOW_SECONDS
from harness.spec import Operation, Spec

THROTTLING = "throttling"


@judge(THROTTLING, unseen="no 429 seen during the run")
def retry_after(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str] | None:
    """A 429 says when to come back: delta-seconds or an HTTP-date, within the longest documented quota window."""
    if seen.status != 429:
        return None
    value = seen.headers.get("retry-after")
    problem = retry_after_header.problem(value)
    if problem:
        return [problem]
    wait = retry_after_header.parse(value)
    if wait is not None and wait > UNAUTH_WINDOW_SECONDS:
        return [f"429 asks to wait {wait:,.0f}s (Retry-After), longer than the longest documented quota window "
                f"({UNAUTH_WINDOW_SECONDS:,}s); not waited"]
    return []
