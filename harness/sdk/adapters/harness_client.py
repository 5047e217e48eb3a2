"""Adapter for the harness's own httpx client (``harness.client.IngestClient``).

It returns the client's typed outcome for answers the client reports (a
partial failure, a rejection) and raises for the ones it gives up on, as an
application would: ``Accepted`` and ``PartiallyAccepted`` return, anything
else raises ``IngestError`` carrying the status.
"""

from __future__ import annotations

from typing import Any

from harness.client import IngestClient, RetryPolicy
from harness.outcomes import Accepted, PartiallyAccepted


class IngestError(Exception):
    def __init__(self, outcome: Any) -> None:
        super().__init__(repr(outcome))
        self.status = outcome.status
        self.outcome = outcome


class HarnessClientAdapter:
    version = "harness"

    def __init__(self, base_url: str, token: str) -> None:
        self.client = IngestClient(base_url, token, retry=RetryPolicy(attempts=2, max_wait=10))

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
