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
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx
import msgspec
import respx

from harness.samples import sample
from harness.spec import HeaderSpec, Operation, Spec, describe_error, load_spec

DEFAULT_BASE_URL = "https://api.togai.com"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class Answer:
    """One answer: a documented ``status`` (or ``"default"``), optionally overridden.

    ``json`` replaces the spec's body, ``content`` sends raw bytes instead (for
    malformed answers), and ``headers`` is merged over the declared headers; a
    header set to ``None`` is left out (e.g. a 429 without ``Retry-After``).
    """

    status: int | str = 202
    json: Any = UNSET
    content: bytes | None = None
    headers: Mapping[str, str | None] = field(default_factory=dict)
    content_type: str = "application/json"


def undocumented_status(operation: Operation) -> int:
    """A status only ``default`` covers: the first undocumented 5xx."""
    return next(code for code in range(500, 600) if not operation.documents(code))


def documented_response(spec: Spec, operation: Operation, answer: Answer) -> httpx.Response:
    """The response the spec documents for ``answer.status``, with the answer's overrides."""
    code = undocumented_status(operation) if answer.status == "default" else int(answer.status)
    documented = operation.responses.get(str(answer.status)) or operation.response_for(code)
    headers: dict[str, str] = {}
    for header in documented.headers if documented else ():
        headers[header.name] = _header_value(header)
    for name, value in answer.headers.items():
        headers.pop(name, None)
        if value is not None:
            headers[name] = value
    if answer.content is not None:
        return httpx.Response(code, content=answer.content,
                              headers={"Content-Type": answer.content_type, **headers})
    body = answer.json
    if body is UNSET and documented is not None and documented.schema_pointer is not None:
        body = sample(spec, documented.schema_pointer, documented.example_pointer)
    if body is UNSET:
        return httpx.Response(code, headers=headers)
    return httpx.Response(code, json=body, headers=headers)


def _header_value(header: HeaderSpec) -> str:
    if header.example is not None:
        return str(header.example)
    kind = header.schema.get("type")
    if kind in ("integer", "number"):
        return str(max(int(header.schema.get("minimum", 1)), 1))
    return "x"


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
        error = next(iter(validator.iter_errors(body)), None)
        if error is not None:
            return Answer(400, json={"message": describe_error(error)[:500]})
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
