"""Spec-valid sample values for schemas: examples first, synthesis second.

Mocks answer with these bodies and the factory starts its events from them,
so both stay valid for whatever spec is loaded. A value that cannot be made
valid (a pattern with no example, say) is an error that asks for an example,
never a silently invalid body.
"""

from __future__ import annotations

import copy
from typing import Any

from harness import pointers
from harness.spec import Spec, SpecError, SpecProblem

_PLACEHOLDER_TIMESTAMP = "2024-01-01T00:00:00Z"


def sample(spec: Spec, schema_pointer: str, example_pointer: str | None = None) -> Any:
    """A value valid against the schema at ``schema_pointer``."""
    validator = spec.validator(schema_pointer)
    if example_pointer is not None:
        example = copy.deepcopy(spec.node(example_pointer))
        if validator.is_valid(example):
            return example
    value = _synthesize(spec, schema_pointer, frozenset())
    if not validator.is_valid(value):
        error = next(iter(validator.iter_errors(value)))
        where = pointers.join(schema_pointer, *error.schema_path)
        raise SpecError(spec.path, [SpecProblem(
            where, f"cannot make a valid sample ({error.message}); add a valid `example`")])
    return value


def _synthesize(spec: Spec, pointer: str, visiting: frozenset[str]) -> Any:
    real = spec.deref(pointer)
    schema = spec.schema(real)
    if "example" in schema and spec.validator(real).is_valid(schema["example"]):
        return copy.deepcopy(schema["example"])
    if "enum" in schema:
        return schema["enum"][0]
    if real in visiting:
        return None
    visiting = visiting | {real}
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _synthesize(spec, pointers.join(real, "properties", name), visiting)
                for name in schema.get("properties", {})}
    if kind == "array":
        count = int(schema.get("minItems", 0))
        return [_synthesize(spec, pointers.join(real, "items"), visiting) for _ in range(count)]
    if kind == "string":
        if schema.get("format") == "date-time":
            return _PLACEHOLDER_TIMESTAMP
        text = "x" * max(int(schema.get("minLength", 0)), 1)
        return text[: int(schema.get("maxLength", len(text)))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return True
    return None
