"""respx mocks of both ingestion operations, answering from the spec.

``IngestMock`` routes both operations on a base URL. Each operation answers,
in order of precedence: the next scripted answer, the standing answer set by
``respond``, and otherwise what a correct server would (401 without a bearer
token, 400 for a body that breaks the spec, 202 for a valid one). Bodies and
headers come from the spec's own examples and schemas, so a status added to
the spec can be answered with no code change.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import httpx
import msgspec
import respx

from harness.answers import UNSET, Answer, documented_response
from harness.spec import Operation, Spec, load_spec

__all__ = ["UNSET", "Answer", "IngestMock", "MockOperation"]

DEFAULT_BASE_URL = "https://api.togai.com"


class MockOperation:
    """One mocked operation: set what it answers, read what it was sent."""

    def __init__(self, spec: Spec, operation: Operation, route: respx.Route) -> None:
        self.spec = spec
        self.operation = operation
        self.route = route
        self._script: deque[Answer] = deque()
        self._standing: Answer | None = None
        route.side_effect = self._answer

    def respond(self, status: int | str = 202, *, json: Any = UNSET, content: bytes | None = None,
                headers: Mapping[str, str | None] | None = None,
                content_type: str = "application/json") -> Self:
        """Answer every later call with ``status`` (clears any script)."""
        self._script.clear()
        self._standing = Answer(status, json, content, dict(headers or {}), content_type)
        return self

    def script(self, *answers: int | str | Answer) -> Self:
        """Answer the next calls in order, e.g. ``script(Answer(429, headers=...), 202)``."""
        self._script.extend(a if isinstance(a, Answer) else Answer(a) for a in answers)
        return self

    def reset(self) -> Self:
        """Back to the behaviour of a correct server."""
        self._script.clear()
        self._standing = None
        return self

    @property
    def calls(self) -> respx.models.CallList:
        return self.route.calls

    def bodies(self) -> list[Any]:
        """The JSON bodies received so far, in order."""
        return [msgspec.json.decode(call.request.content) for call in self.route.calls]

    def _answer(self, request: httpx.Request) -> httpx.Response:
        if self._script:
            return documented_response(self.spec, self.operation, self._script.popleft())
        if self._standing is not None:
            return documented_response(self.spec, self.operation, self._standing)
        return documented_response(self.spec, self.operation, self._judge(request))

    def _judge(self, request: httpx.Request) -> Answer:
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return Answer(401, json={"message": "Missing bearer token."})
        try:
            body = msgspec.json.decode(request.content)
        except msgspec.DecodeError:
            return Answer(400, json={"message": "The body is not valid JSON."})
        validator = self.spec.validator(self.operation.request_schema_pointer)
        error = validator.first_error(body)
        if error is not None:
            return Answer(400, json={"message": error.describe()[:500]})
        return Answer(202)


class IngestMock:
    """Both operations mocked on ``base_url``; ``mock["ingestBatch"].respond(207)``."""

    def __init__(self, spec: Spec | None = None, base_url: str = DEFAULT_BASE_URL) -> None:
        self.spec = spec or load_spec()
        self.base_url = base_url
        self.router = respx.MockRouter(base_url=base_url, assert_all_called=False)
        self.operations = {
            op_id: MockOperation(self.spec, op, self.router.route(method=op.method, path=op.path,
                                                                  name=op_id))
            for op_id, op in self.spec.operations.items()}

    def __getitem__(self, operation_id: str) -> MockOperation:
        return self.operations[operation_id]

    def __enter__(self) -> Self:
        self.router.__enter__()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.router.__exit__(exc_type, exc, tb)
