"""Spec lint: the places where a spec contradicts itself.

Togai's own published document has each kind of defect found here: examples
that break their schemas (numbers where strings are required, timestamps with
a space), a batch limit in the prose that disagrees with ``maxItems``, and a
documented answer with no schema where its siblings have one. Every defect
names its JSON pointer so it can be found and fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from harness import pointers
from harness.spec import Operation, Spec
from harness.verdicts import Finding, Outcome, Report, Row

_SKIP = frozenset({"example", "examples", "enum", "default", "const"})
_PROSE_LIMIT = re.compile(
    r"\b(?:up\s*to|at\s+most|maximum\s+of|max(?:imum)?|upto)\s+(\d[\d,]*)\s+events\b", re.I)


@dataclass(frozen=True, order=True)
class Defect:
    pointer: str
    message: str

    def line(self, spec: Spec) -> str:
        return f"{spec.path}#{self.pointer}: {self.message}"


def lint_report(spec: Spec, defect: Outcome = Outcome.FAILED) -> Report:
    """The lint as a report: one row per defect (``defect``: failed for ``harness spec lint``, whose subject is the
    document; warned inside ``harness run``, whose subject is the target), or one passed row for a clean spec."""
    defects = lint(spec)
    rows = [Row("spec lint", d.pointer or "/", defect, d.message, [Finding(d.line(spec))], group="lint")
            for d in defects] or [Row("spec lint", spec.path.name, Outcome.PASSED, "no self-contradiction found",
                                      group="lint")]
    return Report("lint", "Spec lint", str(spec.path), rows, summary=f"{len(defects)} defect(s) in {spec.path.name}")


def lint(spec: Spec) -> list[Defect]:
    """Every self-contradiction of ``spec``, in document order of kind."""
    defects = list(_broken_examples(spec))
    for operation in spec.operations.values():
        defects.extend(_prose_limits(spec, operation))
        defects.extend(_missing_schemas(operation))
        defects.extend(_missing_retry_after(operation))
    return defects


def _broken_examples(spec: Spec) -> Iterator[Defect]:
    reached = spec.reached  # in a whole-API document, only what the two operations use is ours to judge
    for pointer, node in _schema_context_nodes(spec.document, ""):
        if pointer not in reached:
            continue
        if "schema" in node:  # a media type, header or parameter
            schema_pointer = pointers.join(pointer, "schema")
            if "example" in node:
                yield from _check(spec, schema_pointer, pointers.join(pointer, "example"))
            examples = node.get("examples")
            if isinstance(examples, dict):
                for name in examples:
                    value_pointer = spec.deref(pointers.join(pointer, "examples", name))
                    if isinstance(spec.node(value_pointer), dict) and "value" in spec.node(value_pointer):
                        yield from _check(spec, schema_pointer, pointers.join(value_pointer, "value"))
        elif _looks_like_schema(node):
            if "example" in node:
                yield from _check(spec, pointer, pointers.join(pointer, "example"))
            if isinstance(node.get("examples"), list):
                for index in range(len(node["examples"])):
                    yield from _check(spec, pointer, pointers.join(pointer, "examples", index))


def _schema_context_nodes(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping of the document, skipping the insides of examples and enums."""
    if isinstance(node, dict):
        yield pointer, node
        for key, child in node.items():
            if key not in _SKIP:
                yield from _schema_context_nodes(child, pointers.join(pointer, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _schema_context_nodes(child, pointers.join(pointer, index))


def _looks_like_schema(node: dict[str, Any]) -> bool:
    return any(key in node for key in ("type", "properties", "items", "$ref", "allOf", "oneOf",
                                       "anyOf", "pattern", "format"))


def _check(spec: Spec, schema_pointer: str, example_pointer: str) -> Iterator[Defect]:
    example = spec.node(example_pointer)
    for error in spec.validator(spec.deref(schema_pointer)).iter_errors(example):
        where = pointers.join(example_pointer, *error.path)
        yield Defect(where, f"example breaks its schema: {error.message}")


def _prose_limits(spec: Spec, operation: Operation) -> Iterator[Defect]:
    if not operation.is_batch:
        return
    limit = spec.batch_max_items
    envelope = pointers.join(operation.request_schema_pointer, "properties", operation.envelope_key)
    texts = [pointers.join(operation.pointer, key) for key in ("summary", "description")]
    texts += [pointers.join(operation.pointer, "requestBody", "description"),
              pointers.join(operation.request_schema_pointer, "description"),
              pointers.join(envelope, "description")]
    for text_pointer in texts:
        try:
            text = spec.node(text_pointer)
        except LookupError:
            continue
        for match in _PROSE_LIMIT.finditer(str(text)):
            stated = int(match.group(1).replace(",", ""))
            if stated != limit:
                yield Defect(text_pointer, f"the text says {match.group(0)!r} but maxItems is "
                                           f"{limit} (at {envelope}/maxItems)")


def _missing_schemas(operation: Operation) -> Iterator[Defect]:
    groups: dict[str, list[str]] = {"success": [], "error": []}
    for status in operation.statuses:
        groups["success" if status.startswith("2") else "error"].append(status)
    for group, statuses in groups.items():
        with_schema = [s for s in statuses if operation.responses[s].has_body]
        if not with_schema:
            continue
        for status in statuses:
            if not operation.responses[status].has_body:
                yield Defect(pointers.join(operation.pointer, "responses", status),
                             f"{operation.operation_id} {status} has no JSON schema while the other "
                             f"{group} answers ({', '.join(with_schema)}) have one")


def _missing_retry_after(operation: Operation) -> Iterator[Defect]:
    response = operation.responses.get("429")
    if response and not any(h.name.lower() == "retry-after" for h in response.headers):
        yield Defect(pointers.join(operation.pointer, "responses", "429"),
                     f"{operation.operation_id} 429 declares no Retry-After header")
