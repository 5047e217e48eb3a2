"""Adapter for the harness's own httpx client (``harness.client.IngestClient``).

It returns the client's typed outcome for answers the client reports (a
partial failure, a rejection) and raises for the ones it gives up on, as an
application would: ``Accepted`` and ``PartiallyAccepted`` return, anything
else raises ``IngestError`` carrying the status.
"""

from __future__ import annotations

import os
from typing import Any

from harness.client import IngestClient, RetryPolicy
from harness.outcomes import Accepted, PartiallyAccepted
from harness.spec import load_spec


class IngestError(Exception):
    def __init__(self, outcome: Any) -> None:
        super().__init__(repr(outcome))
        self.status = outcome.status
        self.outcome = outcome


class HarnessClientAdapter:
    version = "harness"

    def __init__(self, base_url: str, token: str) -> None:
        # the run's spec (the SDK runner hands it over as HARNESS_SPEC): our client reads answers by it
        spec = load_spec(os.environ["HARNESS_SPEC"]) if os.environ.get("HARNESS_SPEC") else None
        self.client = IngestClient(base_url, token, spec=spec, retry=RetryPolicy(attempts=2, max_wait=10))

    def _settle(self, outcome: Any) -> Any:
        if isinstance(outcome, (Accepted, PartiallyAccepted)):
            return {"outcome": type(outcome).__name__,
                    "rejected": [r.event for r in getattr(outcome, "rejected", ())]}
        raise IngestError(outcome)

    def send_event(self, event: dict[str, Any]) -> Any:
        return self._settle(self.client.ingest(event))

    def send_batch(self, events: list[dict[str, Any]]) -> Any:
        return self._settle(self.client.ingest_batch(events))


def make(base_url: str, token: str) -> HarnessClientAdapter:
    return HarnessClientAdapter(base_url, token)
