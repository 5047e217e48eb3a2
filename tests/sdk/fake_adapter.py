"""Adapter for ``fakesdk``, the tiny SDK ``test_local_builds.py`` builds as wheels. Standard library only."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import fakesdk


class FakeAdapter:
    def __init__(self, base_url: str, token: str) -> None:
        self.client = fakesdk.Client(base_url, token)
        self.version = version("fakesdk")
        self.default_host = fakesdk.DEFAULT_HOST

    def send_event(self, event: dict[str, Any]) -> Any:
        return self.client.post("/ingest", {"event": event})

    def send_batch(self, events: list[dict[str, Any]]) -> Any:
        return self.client.post("/ingestBatch", {"events": events})


def make(base_url: str, token: str) -> FakeAdapter:
    return FakeAdapter(base_url, token)
