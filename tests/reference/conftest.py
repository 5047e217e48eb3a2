"""A reference target per test module, fast enough that throttling stays out of the way."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest

from harness.admin_client import AdminClient
from harness.factory import EventFactory
from harness.redaction import Secret
from harness.reference import RunningTarget, TargetConfig, running_target
from harness.spec import Spec, load_spec

UNTHROTTLED = 1_000_000.0


class Caller:
    """Raw HTTP to a target as one tenant, with read-back through the admin API."""

    def __init__(self, target: RunningTarget, token: str | None = None) -> None:
        self.target = target
        self.http = httpx.Client(base_url=target.base_url, timeout=10)
        self.token = token or target.token

    def post(self, path: str, body: Any, *, headers: dict[str, str] | None = None) -> httpx.Response:
        content = body if isinstance(body, bytes) else msgspec.json.encode(body)
        sent = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **(headers or {})}
        return self.http.post(path, content=content, headers={k: v for k, v in sent.items() if v is not None})

    @functools.cached_property
    def admin(self) -> AdminClient:
        """One admin client per caller (a client per lookup would cost a TLS context each)."""
        assert self.target.config.admin_token is not None
        return AdminClient(self.target.base_url, Secret(self.token), Secret(self.target.config.admin_token))

    def stats(self) -> dict[str, int]:
        return vars(self.admin.counts())

    def stored(self, event_id: str) -> dict[str, Any] | None:
        return self.admin.lookup(event_id)

    def close(self) -> None:
        self.http.close()
        if "admin" in self.__dict__:
            self.admin.close()


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="module")
def target() -> Iterator[RunningTarget]:
    with running_target(TargetConfig(tokens=("tenant-a", "tenant-b"), rate=UNTHROTTLED)) as running:
        yield running


@pytest.fixture
def caller(target: RunningTarget) -> Iterator[Caller]:
    caller = Caller(target)
    yield caller
    caller.close()


@pytest.fixture
def factory(request: pytest.FixtureRequest, spec: Spec) -> EventFactory:
    return EventFactory(spec, namespace=f"{request.node.name}-{id(request)}")


def assert_error_response(response: httpx.Response, *statuses: int) -> None:
    """An ErrorResponse served as JSON, with no trace of the server's insides."""
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"message"} and isinstance(body["message"], str) and 0 < len(body["message"]) <= 500
    for leak in ("Traceback", "File \"", "/harness/", "site-packages"):
        assert leak not in response.text
