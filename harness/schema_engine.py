"""The one JSON Schema engine that judges bodies, everywhere: jsonschema-rs, with the contract's rules.

The reference server, the spec's validators (lint, samples, the client, the
mocks, the contract's judges) and the date-time rule all go through here, so
a body is judged the same way whoever judges it: strict RFC 3339
``date-time`` (a ``T`` and an offset; docs/contract.md#formats), ``maxLength``
in characters, ASCII ``\\d`` in patterns. (The Python ``jsonschema`` package
only checks the spec's own schemas against their meta-schema, in
``harness.spec``.)
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from harness import pointers


class SchemaError(ValueError):
    """One way a value breaks a schema: where (instance path), which rule (schema path), in words."""

    def __init__(self, message: str, path: tuple[str | int, ...], schema_path: tuple[str | int, ...],
                 limit: object = None) -> None:
        super().__init__(message)
        self.message, self.path, self.schema_path, self.limit = message, path, schema_path, limit

    @property
    def keyword(self) -> str:
        return next((str(part) for part in reversed(self.schema_path) if isinstance(part, str)), "the schema")

    def describe(self) -> str:
        """A short line: where, and which rule (a long message, such as a whole 1001-event batch, is cut)."""
        where = "/".join(str(part) for part in self.path) or "body"
        rule = f"{self.keyword} {self.limit}" if self.limit is not None else self.keyword
        message = self.message if len(self.message) <= 160 else f"breaks {rule}"
        return f"{where}: {message}"


class Validator:
    """A compiled schema: ``is_valid(value)`` and ``iter_errors(value)`` (as :class:`SchemaError`)."""

    def __init__(self, document: dict[str, Any], pointer: str, *, openapi_31: bool) -> None:
        root = {**document, "$ref": f"#{pointer}"}  # the whole document, so every local $ref resolves
        cls = jsonschema_rs.Draft202012Validator if openapi_31 else jsonschema_rs.Draft4Validator
        self._compiled = cls(root, validate_formats=True)

    def is_valid(self, value: Any) -> bool:
        return bool(self._compiled.is_valid(value))

    def iter_errors(self, value: Any) -> Iterator[SchemaError]:
        for error in self._compiled.iter_errors(value):
            yield SchemaError(error.message, tuple(error.instance_path), tuple(error.schema_path),
                              getattr(error.kind, "limit", None))

    def first_error(self, value: Any) -> SchemaError | None:
        return next(self.iter_errors(value), None)


def with_max_items(document: dict[str, Any], pointer: str, max_items: int) -> dict[str, Any]:
    """A copy of ``document`` whose array schema at ``pointer`` allows ``max_items`` (a configurable limit)."""
    changed = copy.deepcopy(document)
    pointers.resolve(changed, pointer)["maxItems"] = max_items
    return changed


_DATE_TIME = Validator({"schema": {"type": "string", "format": "date-time"}}, "/schema", openapi_31=False)


def is_rfc3339_datetime(value: str) -> bool:
    """The contract's date-time rule, as the engine applies it to every ``format: date-time``."""
    return _DATE_TIME.is_valid(value)
