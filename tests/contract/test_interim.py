"""An informational answer (103) before the final one is skipped by every HTTP stack the harness sends with."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
import requests

from harness.bounded import BoundedClient
from harness.contract.interim import skip_interim
from harness.reference import TargetConfig, running_target
from tests.contract.fronts import HINT, early_hints

TOKEN = "interim-tenant-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
BODY = b'{"nothing": "here"}'  # a 400: an answer with a body, so a 103 taken for it leaves bytes behind


@pytest.fixture(scope="module")
def fronted() -> Iterator[str]:
    with running_target(TargetConfig(tokens=(TOKEN,))) as running, early_hints(running.base_url) as url:
        yield url


def test_plain_requests_takes_the_103_for_the_answer(fronted: str) -> None:
    """What the adapter is for: http.client stops at the first 103 (so a test server without it is no proof)."""
    with requests.Session() as session:
        assert session.post(f"{fronted}/ingest", data=BODY, headers=HEADERS, timeout=10).status_code == 103


def test_requests_with_the_adapter_reads_past_every_103(fronted: str) -> None:
    with skip_interim(requests.Session()) as session:
        answers = [session.post(f"{fronted}/ingest", data=BODY, headers=HEADERS, timeout=10) for _ in range(3)]
    # one connection for the three: an answer left behind would be read as the next one's
    assert [(answer.status_code, "message" in answer.json()) for answer in answers] == [(400, True)] * 3


def test_httpx_reads_past_every_103(fronted: str) -> None:
    with BoundedClient(base_url=fronted) as client:
        statuses = [client.post("/ingest", content=BODY, headers=HEADERS).status_code for _ in range(3)]
    assert statuses == [400, 400, 400]


def test_the_front_sends_a_103_before_each_answer(fronted: str) -> None:
    url = httpx.URL(fronted)
    request = (f"POST /ingest HTTP/1.1\r\nHost: {url.host}\r\nAuthorization: Bearer {TOKEN}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n").encode() + BODY
    with socket.create_connection((url.host, url.port), timeout=10) as connection:
        for _ in range(2):
            connection.sendall(request)
            seen = b""
            while b'"}' not in seen:  # the 400's JSON body ends the answer
                seen += connection.recv(65536) or b'"}'
            assert seen.startswith(HINT) and seen[len(HINT):].startswith(b"HTTP/1.1 400 "), seen[:200]
