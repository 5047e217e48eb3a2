"""The acknowledgement bodies of the spec the reference target serves: its 202s and its 207.

Our spec documents no body for ``/ingest``'s 202 and ``{"errors": [...]}``
for ``/ingestBatch``'s 202 and 207; Togai's newer document answers both
operations with one ``IngestEventResponse`` and no per-event list. The
target answers what its spec documents: a valid sample of the schema, with
the ``errors`` list filled where the schema has one.
"""

from __future__ import annotations

from typing import Any

import msgspec

from harness.samples import sample
from harness.spec import Operation, Spec

_encode = msgspec.json.Encoder().encode


class Acknowledgements:
    """Answers a ``(operation, status)`` the way the spec documents it."""

    def __init__(self, spec: Spec) -> None:
        self._bases: dict[tuple[str, str], Any] = {}
        self._lists: dict[tuple[str, str], bool] = {}
        for operation in spec.operations.values():
            for status in ("202", "207"):
                documented = operation.responses.get(status)
                if documented is None or documented.schema_pointer is None:
                    continue
                self._bases[(operation.operation_id, status)] = sample(spec, documented.schema_pointer,
                                                                       documented.example_pointer)
                self._lists[(operation.operation_id, status)] = spec.lists_errors(operation, status)

    def body(self, operation: Operation, status: int, errors: list[dict[str, Any]] | None = None) -> bytes:
        """The documented body (empty when none is documented), listing ``errors`` where it has a list."""
        key = (operation.operation_id, str(status))
        if key not in self._bases:
            return b""
        base = self._bases[key]
        if self._lists[key] and isinstance(base, dict):
            return _encode({**base, "errors": errors or []})
        return _encode(base)
