"""Spec-valid sample values for schemas: examples first, synthesis second.

Mocks answer with these bodies and the factory starts its events from them,
so both stay valid for whatever spec is loaded. An example is used when it
is valid (published examples often break their own schemas: a number for a
string, a timestamp without an offset); otherwise the value is generated
from the schema (a pattern by hypothesis's ``from_regex``). A value that
still cannot be made valid is an error naming the schema, never a silently
invalid body.
"""

from __future__ import annotations

import copy
import re
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
        raise SpecError(spec.path, [SpecProblem(schema_pointer, f"cannot make a valid sample ({error.describe()}, "
                                                                f"rule {error.keyword}); add a valid `example`")])
    return value


_CANDIDATES = ("1", "x", "0", "a", "A", "1.5", "x1", "abc", "example")  # what most patterns take


def _matching(spec: Spec, pointer: str, schema: dict[str, Any]) -> str | None:
    """A string the schema at ``pointer`` takes, pattern and lengths included: a plain candidate, else one
    generated from the pattern (hypothesis's ``from_regex``), as the engine that judges bodies accepts it."""
    validator = spec.validator(pointer)
    for candidate in _CANDIDATES:
        if validator.is_valid(candidate):
            return candidate
    import hypothesis  # noqa: PLC0415  (only for a pattern no plain candidate matches)
    from hypothesis import strategies  # noqa: PLC0415

    try:
        return str(hypothesis.find(strategies.from_regex(str(schema["pattern"]), fullmatch=True),
                                   validator.is_valid, settings=hypothesis.settings(
                                       max_examples=2000, database=None, deadline=None)))
    except (hypothesis.errors.NoSuchExample, hypothesis.errors.Unsatisfiable, re.error):
        return None


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
        if "pattern" in schema:
            return _matching(spec, real, schema)
        text = "x" * max(int(schema.get("minLength", 0)), 1)
        return text[: int(schema.get("maxLength", len(text)))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return True
    return None
