"""pytest fixtures for testing an httpx client or SDK of the ingestion API offline.

Registered through the ``pytest11`` entry point, so any project that installs
the harness has them::

    def test_retries(togai_mock, my_client):
        togai_mock["ingest"].script(Answer(429, headers={"Retry-After": "1"}), 202)
        my_client.send_event(...)
        assert len(togai_mock["ingest"].calls) == 2

``--togai-spec PATH`` (or the ``togai_spec`` ini option) swaps in another
spec; override the ``togai_base_url`` fixture to mock another host.

Every pytest session of an environment that installs the harness loads this
module, so it imports nothing but pytest: respx, httpx and the spec
machinery are imported by the fixtures, when a test uses one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from harness.mock import IngestMock
    from harness.spec import Spec


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("togai", "Togai ingestion harness")
    group.addoption("--togai-spec", default=None, help="OpenAPI spec the togai fixtures use "
                    "(default: the harness's bundled spec)")
    parser.addini("togai_spec", "OpenAPI spec the togai fixtures use", default="")


@pytest.fixture(scope="session")
def togai_spec(pytestconfig: pytest.Config) -> Spec:
    """The loaded spec: ``--togai-spec``, else the ``togai_spec`` ini value, else bundled."""
    from harness.spec import load_spec  # noqa: PLC0415  (the spec machinery only when a fixture is used)

    path = pytestconfig.getoption("--togai-spec") or pytestconfig.getini("togai_spec") or None
    return load_spec(path)


@pytest.fixture
def togai_base_url() -> str:
    """The base URL the mock serves; override this fixture to mock another host."""
    from harness.mock import DEFAULT_BASE_URL  # noqa: PLC0415

    return DEFAULT_BASE_URL


@pytest.fixture
def togai_mock(togai_spec: Spec, togai_base_url: str) -> Iterator[IngestMock]:
    """Both operations mocked with respx for the duration of a test."""
    from harness.mock import IngestMock  # noqa: PLC0415  (respx and httpx only when a test mocks)

    with IngestMock(togai_spec, togai_base_url) as mock:
        yield mock
