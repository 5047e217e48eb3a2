"""Throttling: every 429 carries a usable Retry-After, and a request sent after it is admitted
(docs/contract.md#throttling).

Provoked, not waited for: the probe drives each operation past its documented
quota itself (briefly, a few seconds' worth at most), waits the first 429's
``Retry-After`` and sends one request, which an honest target admits (a
``Retry-After: 0`` followed by another 429 is the finding). The judge reads
every 429 of the run, the probe's and any other's; the session waits each out
and re-sends, recording whether it was honoured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness import retry_after as retry_after_header
from harness.contract.model import THROTTLING, FollowUp
from harness.contract.registry import Seen, judge, probe
from harness.facts import DOCUMENTED_QUOTA, THROTTLED, UNAUTH_WINDOW_SECONDS
from harness.spec import Operation, Spec

if TYPE_CHECKING:
    from harness.contract.context import ProbeContext
    from harness.contract.session import Sent



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


@probe(THROTTLING)
def provoked(ctx: ProbeContext) -> None:
    """Each operation driven past its quota: its 429 says when to come back, and a request then is admitted."""
    for operation in (ctx.single, ctx.batch):
        flood = ctx.flood(operation, FollowUp(ctx.body(operation, ctx.factory.event())))
        if flood.throttled is None:
            ctx.skip(THROTTLING, operation, f"no 429 within {len(flood.sent)} requests sent at once: the quota "
                                            f"(documented {DOCUMENTED_QUOTA:g}/s, adjustable) was not reached; "
                                            "the load scenario 'throttle' measures the onset")
        elif flood.follow_up is None:
            ctx.passed(THROTTLING, operation, f"429 provoked; not verified: {flood.not_followed}")
        elif flood.follow_up.status == THROTTLED:
            ctx.fail(THROTTLING, operation, f"a request sent {flood.waited:.2f}s after a 429 (Retry-After: "
                                            f"{_advertised(flood.throttled)}) was throttled again: the Retry-After "
                                            "is not honest", flood.follow_up)
        else:
            ctx.passed(THROTTLING, operation, f"429 provoked after {len(flood.sent)} requests; a request "
                                              f"{flood.waited:.2f}s later was answered {flood.follow_up.status}")


def _advertised(sent: Sent) -> str:
    return sent.exchange.response_headers.get("retry-after", "none")
