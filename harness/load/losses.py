"""After a load run, without a read-back: were the acknowledged events stored? Asked black-box.

The recorder keeps a uniform sample of acknowledged event ids, each with the
tenant that sent it. Each is sent again on ``/ingest`` with another payload,
with that tenant's token (ids are one namespace per tenant: asked as another
tenant, a stored id is a new event): a target that stored it refuses
the conflict (400, docs/contract.md#partial-failure); one that lost it
accepts it (202), which is the finding, with the ids. A lost id then holds
the probe's own event; nothing else is written.
"""

from __future__ import annotations

import secrets
import time

from harness.client import IngestClient, RetryPolicy
from harness.factory import EventFactory
from harness.facts import ID_FIELD
from harness.load.summary import OTHER_TENANT, TENANT
from harness.outcomes import Accepted, MalformedResponse, Rejected
from harness.spec import Spec
from harness.targets import Target
from harness.verdicts import Finding, Outcome, Row

BUDGET_SECONDS = 60.0  # the probe stops asking after this long, and says how many it could not ask
NAME = "acknowledged events stored (black-box sample)"
PROBE_TIMESTAMP = "2000-01-01T00:00:00.000Z"


def probe_acknowledged(target: Target, spec: Spec, sample: list[tuple[str, str]], scenario: str) -> Row:
    """Ask about each sampled id as the tenant that sent it (ids are one namespace per tenant)."""
    factory = EventFactory(spec, namespace=f"loss-{secrets.token_hex(4)}")
    lost: list[str] = []
    stored = unknown = 0
    deadline = time.monotonic() + BUDGET_SECONDS
    tokens = {TENANT: target.token, OTHER_TENANT: target.other_token}
    for tenant, token in tokens.items():
        ids = [event_id for sender, event_id in sample if sender == tenant]
        if not ids:
            continue
        if token is None:  # cannot be asked as its tenant: never asked as another
            unknown += len(ids)
            continue
        with IngestClient(target.base_url, token.reveal(), spec=spec,
                          retry=RetryPolicy(attempts=4, max_wait=10)) as client:
            for event_id in ids:
                if time.monotonic() > deadline:
                    unknown += 1
                    continue
                verdict = _ask(client, factory, event_id)
                if verdict is None:
                    unknown += 1
                elif verdict:
                    stored += 1
                else:
                    lost.append(event_id if tenant == TENANT else f"{event_id} ({tenant})")
    asked = f"{len(sample)} sampled acknowledged ids sent again with another payload"
    if lost:
        message = (f"{len(lost)} of {asked} were accepted, so the target had not stored them: "
                   f"{', '.join(lost[:10])}{' ...' if len(lost) > 10 else ''}")
        return Row(NAME, scenario, Outcome.FAILED, message, [Finding(message)], group="accounting")
    unsure = (f"; {unknown} not verified (answered 429, 503 or nothing within the bounds, or out of time)"
              if unknown else "")
    outcome = Outcome.PASSED if stored else Outcome.SKIPPED
    return Row(NAME, scenario, outcome, f"{stored} of {asked} were refused as conflicts: stored{unsure}",
               group="accounting")


def _ask(client: IngestClient, factory: EventFactory, event_id: str) -> bool | None:
    """Stored (the probe conflicts: 400), not stored (accepted: 202), or None when the answer tells nothing."""
    event = factory.event()
    event[ID_FIELD] = event_id
    if "timestamp" in event:  # never a load event's payload: those are dated from 2024 on
        event["timestamp"] = PROBE_TIMESTAMP
    try:
        outcome = client.ingest(event)
    except MalformedResponse:
        return None
    if isinstance(outcome, Accepted):
        return False
    if isinstance(outcome, Rejected) and outcome.status == 400:
        return True
    return None
