"""Adapters around our own client that misbehave on purpose, to prove the matrix shows what a client does.

Loaded by path in the SDK check's child process, as a user's adapter would be.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any

import httpx

from harness.sdk.adapters.harness_client import HarnessClientAdapter, IngestError


class SwallowsUnauthorized(HarnessClientAdapter):
    """Reports a 401 as success (the fault a test provokes)."""

    def _settle(self, outcome: Any) -> Any:
        if outcome.status == 401:
            return None
        return super()._settle(outcome)


class IgnoresRetryAfter:
    """Retries a 429 at once, with raw httpx, whatever Retry-After says."""

    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        for _ in range(3):
            response = self.http.post(path, json=body)
            if response.status_code != 429:
                break
            time.sleep(0.01)
        if response.status_code >= 400:
            raise IngestError(type("Outcome", (), {"status": response.status_code})())
        return response.json() if response.content else None

    def send_event(self, event: dict[str, Any]) -> Any:
        return self._post("/ingest", {"event": event})

    def send_batch(self, events: list[dict[str, Any]]) -> Any:
        return self._post("/ingestBatch", {"events": events})


def swallows_unauthorized(base_url: str, token: str) -> SwallowsUnauthorized:
    return SwallowsUnauthorized(base_url, token)


def ignores_retry_after(base_url: str, token: str) -> IgnoresRetryAfter:
    return IgnoresRetryAfter(base_url, token)


class Faulty:
    """A raw client with one of the faults the driver tests provoke in every language (``FAULT``):
    ``drops-rejected`` returns nothing for a 207, ``naive-timestamp`` sends timestamps without their offset,
    ``crash-on-empty-202`` reads the empty body of an /ingest 202 as an object."""

    def __init__(self, base_url: str, token: str) -> None:
        self.fault = os.environ.get("FAULT", "")
        self.http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def _wire(self, event: dict[str, Any]) -> dict[str, Any]:
        stamp = event.get("timestamp")
        if self.fault == "naive-timestamp" and isinstance(stamp, str | datetime):
            held = datetime.fromisoformat(str(stamp)) if isinstance(stamp, str) else stamp
            return {**event, "timestamp": held.replace(tzinfo=None).isoformat(timespec="milliseconds")}
        return {**event, "timestamp": stamp.isoformat()} if isinstance(stamp, datetime) else event

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(path, json=body)
        if response.status_code not in (202, 207):
            raise IngestError(type("Outcome", (), {"status": response.status_code})())
        if self.fault == "crash-on-empty-202" and path == "/ingest":
            return (response.json() if response.content else None)["accepted"]
        if self.fault == "drops-rejected" and response.status_code == 207:
            return {}
        return response.json() if response.content else None

    def send_event(self, event: dict[str, Any]) -> Any:
        return self._post("/ingest", {"event": self._wire(event)})

    def send_batch(self, events: list[dict[str, Any]]) -> Any:
        return self._post("/ingestBatch", {"events": [self._wire(event) for event in events]})


def faulty(base_url: str, token: str) -> Faulty:
    return Faulty(base_url, token)
