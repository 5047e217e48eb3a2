"""Acknowledged events survive SIGKILL; SIGTERM finishes in-flight work and exits 0."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import msgspec

from harness.admin_client import AdminClient
from harness.factory import EventFactory
from harness.redaction import Secret
from harness.spec import load_spec
from tests.reference.served import served

SPEC = load_spec()
TOKEN, ADMIN = "durable-tenant", "durable-admin"


def test_acknowledged_events_survive_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    factory = EventFactory(SPEC, namespace="durable")
    acknowledged: list[str] = []
    with served(db, TOKEN, ADMIN) as (process, url):
        stop = threading.Event()

        def send_until_killed() -> None:
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}",
                                                     "Content-Type": "application/json"}) as http:
                while not stop.is_set():
                    events = factory.events(100)
                    try:
                        response = http.post("/ingestBatch", content=msgspec.json.encode({"events": events}))
                    except httpx.TransportError:
                        return
                    if response.status_code == 202:
                        acknowledged.extend(event["id"] for event in events)

        sender = threading.Thread(target=send_until_killed)
        sender.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 3000 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)  # mid-stream: requests are in flight
        process.wait(timeout=10)
        stop.set()
        sender.join(timeout=20)
    assert len(acknowledged) >= 3000

    with served(db, TOKEN, ADMIN) as (_, url), AdminClient(url, Secret(TOKEN), Secret(ADMIN)) as admin:
        assert admin.counts().stored >= len(acknowledged)
        for event_id in acknowledged[:: max(1, len(acknowledged) // 200)]:
            assert admin.lookup(event_id) is not None
    with sqlite3.connect(db) as connection:
        stored = {row[0] for row in connection.execute("SELECT id FROM events")}
        rows = connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    assert set(acknowledged) <= stored
    assert rows == len(stored)  # each exactly once


def test_sigterm_finishes_in_flight_requests_and_exits_0(tmp_path: Path) -> None:
    factory = EventFactory(SPEC, namespace="graceful")
    with served(tmp_path / "events.db", TOKEN, ADMIN) as (process, url):
        answers: list[int] = []
        slowed = threading.Event()

        def slow_request() -> None:
            with httpx.Client(base_url=url, timeout=10) as http:
                http.put("/_harness/faults", json={"latency": "2s"}, headers={"X-Harness-Admin": ADMIN})
                slowed.set()
                answers.append(http.post("/ingest", json=factory.single_body(),
                                         headers={"Authorization": f"Bearer {TOKEN}"}).status_code)

        request = threading.Thread(target=slow_request)
        request.start()
        # the signal comes while the request waits on the server: once the latency is set (however long that took
        # on this machine), half a second to send it, well inside its 2 s wait
        assert slowed.wait(timeout=10)
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        request.join(timeout=10)
        assert answers == [202]
