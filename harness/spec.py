"""The OpenAPI spec as the single source of truth.

Everything that needs a limit (batch size, field lengths, patterns), a
documented status or a schema asks a :class:`Spec` for it, so a spec given on
the command line changes the whole harness at once. Loading checks the
document far enough for the rest of the code to trust it; a broken file gives
a :class:`SpecError` that names the file and the JSON pointer of each problem.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator

from harness import pointers
from harness.documents import DocumentError, load_document
from harness.errors import ConfigError, SpecError, SpecProblem
from harness.facts import OPERATIONS_ENV
from harness.schema_engine import Validator

BUNDLED_SPEC_NAME = "togai-ingestion.yaml"
SINGLE_OPERATION = "ingest"
BATCH_OPERATION = "ingestBatch"


def operation_ids() -> tuple[str, str]:
    """The ``operationId`` of the single and of the batch operation in the documents of this run."""
    names = {SINGLE_OPERATION: SINGLE_OPERATION, BATCH_OPERATION: BATCH_OPERATION}
    raw = os.environ.get(OPERATIONS_ENV, "")
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        ours, sep, theirs = (piece.strip() for piece in item.partition("="))
        if not sep or ours not in names or not theirs:
            raise ConfigError(f"--operations / {OPERATIONS_ENV} {raw!r} is not usable: write "
                              f"{SINGLE_OPERATION}=OPERATION_ID,{BATCH_OPERATION}=OPERATION_ID")
        names[ours] = theirs
    return names[SINGLE_OPERATION], names[BATCH_OPERATION]
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Constraint:
    """One keyword of a request schema, at a path inside the request body.

    ``path`` holds property names, ``"[]"`` for "any item of this array" and
    ``"{}"`` for "any value of this map", e.g. ``("event", "attributes", "[]",
    "value")``.
    """

    path: tuple[str, ...]
    keyword: str
    value: Any
    pointer: str

    @property
    def dotted(self) -> str:
        return ".".join(self.path).replace(".[]", "[]").replace(".{}", "{}") or "(body)"


@dataclass(frozen=True)
class HeaderSpec:
    name: str
    pointer: str
    schema: Mapping[str, Any]
    example: Any


@dataclass(frozen=True)
class ResponseSpec:
    status: str
    pointer: str
    description: str
    schema_pointer: str | None
    example_pointer: str | None
    headers: tuple[HeaderSpec, ...]

    @property
    def has_body(self) -> bool:
        return self.schema_pointer is not None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    pointer: str
    request_schema_pointer: str
    envelope_key: str
    is_batch: bool
    responses: Mapping[str, ResponseSpec] = field(repr=False)

    @property
    def statuses(self) -> tuple[str, ...]:
        """Documented statuses as written in the spec, ``default`` included."""
        return tuple(self.responses)

    def response_for(self, status: int) -> ResponseSpec | None:
        """The response the spec documents for ``status``, falling back to ``default``."""
        return self.responses.get(str(status)) or self.responses.get("default")

    def documents(self, status: int) -> bool:
        return str(status) in self.responses


class Spec:
    """A loaded, checked OpenAPI document of the two ingestion operations."""

    def __init__(self, path: Path, document: dict[str, Any]) -> None:
        self.path = path
        self.document = document
        self._reached: frozenset[str] | None = None
        problems = _document_problems(document)
        if problems:
            raise SpecError(path, problems)
        self.single_id, self.batch_id = operation_ids()
        found = _find_operations(document, (self.single_id, self.batch_id))
        missing = [op for op in (self.single_id, self.batch_id) if op not in found]
        if missing:
            raise SpecError(path, [SpecProblem("/paths", f"no operation with operationId {op!r}")
                                   for op in missing])
        # what the two operations reach is checked; the rest of a whole-API document is not ours to judge
        problems = _structural_problems(document, [pointer for pointer, _, _ in found.values()])
        if problems:
            raise SpecError(path, problems)
        self.operations: Mapping[str, Operation] = _read_operations(self, found)

    def __repr__(self) -> str:
        return f"Spec({str(self.path)!r})"

    # -- navigation -------------------------------------------------------
    def node(self, pointer: str) -> Any:
        return pointers.resolve(self.document, pointer)

    def deref(self, pointer: str) -> str:
        """Follow ``$ref`` chains from ``pointer`` to the pointer of the real node."""
        seen: set[str] = set()
        node = self.node(pointer)
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            if pointer in seen:
                raise SpecError(self.path, [SpecProblem(pointer, "circular $ref")])
            seen.add(pointer)
            pointer = node["$ref"].removeprefix("#")
            node = self.node(pointer)
        return pointer

    def schema(self, pointer: str) -> dict[str, Any]:
        node = self.node(self.deref(pointer))
        return node if isinstance(node, dict) else {}

    @property
    def single(self) -> Operation:
        return self.operations[self.single_id]

    @property
    def batch(self) -> Operation:
        return self.operations[self.batch_id]

    @property
    def event_schema_pointer(self) -> str:
        """The schema of one event, as the single operation's envelope holds it."""
        return self.deref(pointers.join(self.single.request_schema_pointer, "properties",
                                        self.single.envelope_key))

    @property
    def reached(self) -> frozenset[str]:
        """The pointer of every node the two operations hold or reference (transitively): the part of a
        whole-API document that is this harness's to judge."""
        if self._reached is None:
            roots = [operation.pointer for operation in self.operations.values()]
            self._reached = frozenset(pointer for pointer, _ in _reachable(self.document, roots))
        return self._reached

    # -- validation -------------------------------------------------------
    @property
    def is_openapi_31(self) -> bool:
        return str(self.document.get("openapi", "")).startswith("3.1")

    def validator(self, schema_pointer: str) -> Validator:
        """A validator for the schema at ``schema_pointer``, with the contract's formats."""
        return _validator(self, schema_pointer)

    # -- limits -----------------------------------------------------------
    def constraints(self, operation: Operation) -> list[Constraint]:
        """Every constraint of ``operation``'s request body, at its path in the body."""
        return list(_constraints(self, operation.request_schema_pointer, (), frozenset()))

    def constraint(self, operation: Operation, path: tuple[str, ...], keyword: str) -> Any:
        for item in self.constraints(operation):
            if item.path == path and item.keyword == keyword:
                return item.value
        raise KeyError(f"{operation.operation_id}: no {keyword} at {'.'.join(path)}")

    def lists_errors(self, operation: Operation, status: str) -> bool:
        """Whether ``operation``'s answer ``status`` documents a per-event ``errors`` list (a 207's rejected
        events): our spec does; Togai's newer document answers with one summary object instead."""
        documented = operation.responses.get(status)
        if documented is None or documented.schema_pointer is None:
            return False
        errors = self.schema(documented.schema_pointer).get("properties", {}).get("errors")
        return isinstance(errors, dict) and self.schema(
            pointers.join(documented.schema_pointer, "properties", "errors")).get("type") == "array"

    @property
    def batch_max_items(self) -> int:
        return int(self.constraint(self.batch, (self.batch.envelope_key,), "maxItems"))

    @property
    def batch_min_items(self) -> int:
        try:
            return int(self.constraint(self.batch, (self.batch.envelope_key,), "minItems"))
        except KeyError:
            return 0


@lru_cache(maxsize=256)
def _validator(spec: Spec, schema_pointer: str) -> Validator:
    return Validator(spec.document, schema_pointer, openapi_31=spec.is_openapi_31)


def bundled_spec_path() -> Path:
    """Our own spec: beside the package in a wheel, at the project root in a checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "specs" / BUNDLED_SPEC_NAME,
                      package_dir.parent / "specs" / BUNDLED_SPEC_NAME):
        if candidate.is_file():
            return candidate
    raise SpecError(package_dir / "specs" / BUNDLED_SPEC_NAME,
                    [SpecProblem("", "the bundled spec is missing from this installation")])


def load_spec(path: Path | str | None = None) -> Spec:
    """Read and check a spec file (YAML or JSON); ``None`` means the bundled one."""
    spec_path = Path(path) if path is not None else bundled_spec_path()
    return _load_cached(spec_path.resolve(), operation_ids())


@lru_cache(maxsize=16)
def _load_cached(path: Path, names: tuple[str, str]) -> Spec:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(path, [SpecProblem("", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(path, [SpecProblem("", f"cannot be read: {error}")]) from None
    try:  # every value a JSON value, as OpenAPI tools read YAML (harness.documents)
        document = load_document(text, is_json=path.suffix == ".json")
    except DocumentError as error:
        raise SpecError(path, [SpecProblem(error.pointer, error.reason)]) from None
    if not isinstance(document, dict):
        raise SpecError(path, [SpecProblem("", "the document is not a mapping")])
    return Spec(path, document)


# -- structural checks ----------------------------------------------------
def _document_problems(document: dict[str, Any]) -> list[SpecProblem]:
    problems: list[SpecProblem] = []
    version = document.get("openapi")
    if not (isinstance(version, str) and version.startswith("3.")):
        problems.append(SpecProblem("/openapi", f"expected an OpenAPI 3.x version, found {version!r}"))
    if not isinstance(document.get("paths"), dict):
        problems.append(SpecProblem("/paths", "missing or not a mapping"))
    return problems


def _find_operations(document: dict[str, Any], wanted: tuple[str, ...]) -> dict[str, tuple[str, str, str]]:
    """The wanted operations by ``operationId``: (pointer, path, method) each, wherever the document has them."""
    found: dict[str, tuple[str, str, str]] = {}
    for url_path, item in document["paths"].items():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            raw = item.get(method)
            if isinstance(raw, dict) and raw.get("operationId") in wanted:
                found[str(raw["operationId"])] = (pointers.join("/paths", str(url_path), method), str(url_path),
                                                  method)
    return found


def _reachable(document: dict[str, Any], roots: list[str]) -> list[tuple[str, Any]]:
    """Every (pointer, node) under ``roots`` and under whatever their local ``$ref``s reach, transitively."""
    seen: set[str] = set()
    nodes: list[tuple[str, Any]] = []
    pending = list(roots)
    while pending:
        root = pending.pop()
        if root in seen:
            continue
        seen.add(root)
        try:
            top = pointers.resolve(document, root)
        except (LookupError, ValueError):
            continue
        for relative, node in pointers.walk(top):
            nodes.append((root + relative, node))
            ref = node.get("$ref") if isinstance(node, dict) else None
            if isinstance(ref, str) and ref.startswith("#"):
                pending.append(ref[1:])
    return nodes


def _structural_problems(document: dict[str, Any], roots: list[str]) -> list[SpecProblem]:
    """Broken ``$ref``s and invalid schemas in what the two operations reach."""
    problems: list[SpecProblem] = []
    reached = _reachable(document, roots)
    for pointer, node in reached:
        if isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                problems.append(SpecProblem(pointer, f"only local $ref is supported, found {ref!r}"))
                continue
            try:
                pointers.resolve(document, ref)
            except (LookupError, ValueError):
                problems.append(SpecProblem(pointers.join(pointer, "$ref"), f"{ref} does not resolve"))
    schemas = document.get("components", {}).get("schemas", {})
    checker = Draft202012Validator if str(document.get("openapi")).startswith("3.1") else Draft4Validator
    used = {pointer for pointer, _ in reached}
    if isinstance(schemas, dict):
        for name, schema in schemas.items():
            if pointers.join("/components/schemas", name) not in used:
                continue
            for error in checker(checker.META_SCHEMA).iter_errors(schema):
                where = pointers.join("/components/schemas", name, *error.absolute_path)
                problems.append(SpecProblem(where, f"not a valid schema: {error.message}"))
    return problems


def _read_operations(spec: Spec, found: dict[str, tuple[str, str, str]]) -> dict[str, Operation]:
    operations: dict[str, Operation] = {}
    problems: list[SpecProblem] = []
    for operation_id, (pointer, url_path, method) in found.items():
        try:
            operations[operation_id] = _read_operation(spec, pointer, url_path, method, spec.node(pointer))
        except _Problem as problem:
            problems.append(problem.problem)
        except (LookupError, ValueError, TypeError, AttributeError) as error:  # a shape no rule above expected
            problems.append(SpecProblem(pointer, f"cannot be read: {error}"))
    if problems:
        raise SpecError(spec.path, problems)
    return operations


class _Problem(Exception):
    def __init__(self, pointer: str, message: str) -> None:
        self.problem = SpecProblem(pointer, message)


def _read_operation(spec: Spec, pointer: str, url_path: str, method: str,
                    raw: dict[str, Any]) -> Operation:
    try:
        body_pointer = spec.deref(pointers.join(pointer, "requestBody"))
        spec.node(pointers.join(body_pointer, "content", "application/json", "schema"))
    except LookupError:
        raise _Problem(pointers.join(pointer, "requestBody"),
                       "needs an application/json request schema") from None
    schema_pointer = spec.deref(pointers.join(body_pointer, "content", "application/json", "schema"))
    envelope = spec.schema(schema_pointer)
    required = envelope.get("required") or list(envelope.get("properties", {}))
    if envelope.get("type") != "object" or len(required) != 1:
        raise _Problem(schema_pointer, "the request body must be an object with one property "
                                       "holding the event or the events")
    envelope_key = str(required[0])
    envelope_property = pointers.join(schema_pointer, "properties", envelope_key)
    try:
        spec.node(envelope_property)
    except LookupError:
        raise _Problem(schema_pointer, f"required property {envelope_key!r} is not defined") from None
    is_batch = spec.schema(envelope_property).get("type") == "array"
    responses_raw = raw.get("responses")
    if not isinstance(responses_raw, dict) or not responses_raw:
        raise _Problem(pointers.join(pointer, "responses"), "no responses documented")
    responses = {str(status): _read_response(spec, pointers.join(pointer, "responses", status),
                                             str(status))
                 for status in responses_raw}
    return Operation(operation_id=str(raw["operationId"]), method=method.upper(), path=url_path,
                     pointer=pointer, request_schema_pointer=schema_pointer,
                     envelope_key=envelope_key, is_batch=is_batch, responses=responses)


def _read_response(spec: Spec, pointer: str, status: str) -> ResponseSpec:
    real = spec.deref(pointer)
    node = spec.node(real)
    media = node.get("content", {}).get("application/json") if isinstance(node, dict) else None
    schema_pointer = example_pointer = None
    if isinstance(media, dict) and "schema" in media:
        media_pointer = pointers.join(real, "content", "application/json")
        schema_pointer = spec.deref(pointers.join(media_pointer, "schema"))
        if "example" in media:
            example_pointer = pointers.join(media_pointer, "example")
        elif isinstance(media.get("examples"), dict) and media["examples"]:
            first = next(iter(media["examples"]))
            example_pointer = spec.deref(pointers.join(media_pointer, "examples", first)) + "/value"
    headers = []
    for name in (node.get("headers") or {}) if isinstance(node, dict) else ():
        header_pointer = spec.deref(pointers.join(real, "headers", name))
        header = spec.node(header_pointer)
        schema = spec.schema(pointers.join(header_pointer, "schema")) if "schema" in header else {}
        headers.append(HeaderSpec(name=str(name), pointer=header_pointer, schema=schema,
                                  example=header.get("example", schema.get("example"))))
    return ResponseSpec(status=status, pointer=real, description=str(node.get("description", "")),
                        schema_pointer=schema_pointer, example_pointer=example_pointer,
                        headers=tuple(headers))


def _constraints(spec: Spec, schema_pointer: str, path: tuple[str, ...],
                 visiting: frozenset[str]) -> Iterator[Constraint]:
    real = spec.deref(schema_pointer)
    if real in visiting:
        return
    visiting = visiting | {real}
    schema = spec.schema(real)
    for keyword in ("type", "maxLength", "minLength", "pattern", "format", "maxItems", "minItems",
                    "required", "enum", "minimum", "maximum"):
        if keyword in schema:
            yield Constraint(path, keyword, schema[keyword], pointers.join(real, keyword))
    if schema.get("additionalProperties") is False:
        yield Constraint(path, "additionalProperties", False,
                         pointers.join(real, "additionalProperties"))
    for name in schema.get("properties", {}):
        yield from _constraints(spec, pointers.join(real, "properties", name), (*path, str(name)),
                                visiting)
    if isinstance(schema.get("items"), dict):
        yield from _constraints(spec, pointers.join(real, "items"), (*path, "[]"), visiting)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _constraints(spec, pointers.join(real, "additionalProperties"), (*path, "{}"),
                                visiting)
