"""With the read-back: what the target acknowledged to the probes is stored, once, as sent
(docs/contract.md#idempotent-retry).
"""

from __future__ import annotations

from harness.contract.context import ProbeContext
from harness.contract.registry import probe

ACCOUNTING = "accounting"
LOOKUP_SAMPLE = 200  # acknowledged events compared one by one with the read-back


@probe(ACCOUNTING, runs_last=True)
def accounting(ctx: ProbeContext) -> None:
    """Where the read-back exists: what the target acknowledged to us is stored, once, as sent."""
    before = ctx.before
    if ctx.readback is None or before is None:
        ctx.skip(ACCOUNTING, "*", "the target offers no read-back (/_harness/stats with --admin-token)")
        return
    ledger = ctx.session.ledger
    delta = ctx.readback.counts() - before
    expected = {"stored": len(ledger.payloads), "acknowledged": ledger.acknowledged, "retried": ledger.retried}
    unanswered = ledger.unanswered  # sent, never answered: each may or may not have been taken
    for name, want in expected.items():
        got = getattr(delta, name)
        if not want <= got <= want + unanswered:
            allowance = f" (and {unanswered} more sent without an answer)" if unanswered else ""
            ctx.fail(ACCOUNTING, "*", f"the target counts {got} events {name} during the probes; "
                                      f"it acknowledged {want} to them{allowance}")
    for event_id, payload in list(ledger.payloads.items())[:LOOKUP_SAMPLE]:
        held = ctx.readback.lookup(event_id)
        if held != payload:
            state = "lost" if held is None else "held with another payload"
            ctx.fail(ACCOUNTING, "*", f"acknowledged event {event_id} is {state}")
            break
    ctx.passed(ACCOUNTING, "*", f"{ledger.acknowledged} acknowledgements, {len(ledger.payloads)} events")
