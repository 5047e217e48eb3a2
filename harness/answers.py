"""Answers derived from the spec, shared by the respx mocks and the reference target's scenario mode.

An :class:`Answer` names a documented status (or ``default``) and optionally
overrides its body or headers; :func:`documented_response` turns it into
the response the spec documents, with bodies and headers from the spec's own
examples and schemas. Both the test double (``harness.mock``) and the real
server (``harness.reference.scenario``) answer through here, so the server
never imports respx and the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.json_text import NotInteroperable, NotJson, decode
from harness.samples import sample
from harness.spec import HeaderSpec, Operation, Spec


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


class BodyProblem(ValueError):
    """A documented answer whose body breaks the spec; the message says how."""


def read_body(spec: Spec, operation: Operation, status: int, content: bytes, content_type: str = "") -> Any:
    """The body of a documented answer, parsed and checked against the spec (``None`` where it documents none).

    Raises :class:`BodyProblem`; the client and the load users read answers through here alike.
    """
    documented = operation.response_for(status)
    if documented is None or documented.schema_pointer is None:
        if content.strip():
            raise BodyProblem(f"the spec documents no body, got {_excerpt(content)}")
        return None
    try:
        decoded = decode(content)
    except NotJson:
        raise BodyProblem(f"not JSON ({content_type or 'no content type'}): {_excerpt(content)}") from None
    except NotInteroperable as problem:
        raise BodyProblem(f"JSON only to some parsers: {problem}") from None
    if decoded.repeated:  # parsers disagree on which value counts: a client may read another answer than ours
        raise BodyProblem("; ".join(repeated.describe() for repeated in decoded.repeated[:3]))
    body = decoded.value
    error = spec.validator(documented.schema_pointer).first_error(body)
    if error is not None:
        raise BodyProblem(f"{error.describe()} (schema {documented.schema_pointer})")
    return body


def _excerpt(raw: bytes, limit: int = 80) -> str:
    text = raw.decode("utf-8", errors="replace")
    return repr(text if len(text) <= limit else text[:limit] + "...")
