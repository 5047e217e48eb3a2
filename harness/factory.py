"""Events and request bodies derived from the spec: valid, edge and invalid.

Checks, load scenarios and tests all draw their payloads from here, so a
change to the spec (a new limit, a new field) reaches every one of them. The
valid path is tuned for load generation: a 1000-event batch is built and
serialised in about a millisecond (``benchmarks/factory_speed.py``).

Valid events start from the spec's own sample of an event and vary what makes
events distinct: the idempotency key ``id`` (unique per factory and
namespace), the timestamp, the account and the attribute values. Invalid
variants are generated from every constraint of each operation's request
schema, one variant per constraint, named ``kind:path`` (e.g.
``too-long:event.schemaName``), so adding a constraint to the spec adds a
variant with no code change.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from harness import pointers
from harness.facts import ID_FIELD
from harness.samples import sample
from harness.spec import Constraint, Operation, Spec, load_spec

VARIANT_BATCH_SIZE = 3  # a batch variant breaks the middle event; the others stay valid
_EXTRA_PROPERTY = "harnessUnexpected"
_MULTIBYTE = "é€😀ß"  # 2, 3, 4 and 2 bytes in UTF-8: a byte-counting target fails on these
_POOL = 1024
_ACCOUNTS = 64
_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True)
class Variant:
    """A request body that probes one constraint: valid (an edge) or invalid."""

    name: str
    operation: str
    body: Any
    valid: bool
    constraint: Constraint | None
    description: str


class EventFactory:
    """Deterministic under ``seed``; ids are unique within a factory and namespace."""

    def __init__(self, spec: Spec | None = None, *, seed: int = 0, namespace: str | None = None,
                 account_id: str | None = None, tag: tuple[str, str] | None = None) -> None:
        """``account_id``: every event goes to that account (a dedicated test account on a shared staging);
        ``tag``: a dimension ``(name, value)`` every event carries (the run id, for servers that keep it)."""
        self.spec = spec or load_spec()
        rng = random.Random(seed)
        self._rng = rng
        self._prefix = namespace if namespace is not None else f"{rng.getrandbits(48):012x}"
        self._seq = 0
        self._template = _populated(self.spec, self.spec.event_schema_pointer,
                                    sample(self.spec, self.spec.event_schema_pointer))
        start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(10**7))
        # Nested maps are copied per event so that changing one event never changes another.
        self._nested_maps = [key for key, value in self._template.items() if isinstance(value, dict)]
        self._timestamps = [(start + timedelta(milliseconds=7 * i)).strftime("%Y-%m-%dT%H:%M:%S.%f")
                            [:-3] + "Z" for i in range(_POOL)]
        self._accounts = [f"account-{i}" for i in range(_ACCOUNTS)]
        self._attribute_values = [str(rng.randrange(1, 10**6)) for _ in range(_POOL)]
        self._keep_what_the_spec_takes()
        self._send_where_told(account_id, tag)

    def _send_where_told(self, account_id: str | None, tag: tuple[str, str] | None) -> None:
        """The account and tag asked for, or a ``ValueError`` saying what of the spec refuses them."""
        template, validator = self._template, self.spec.validator(self.spec.event_schema_pointer)
        if account_id is not None:
            problem = validator.first_error({**template, "accountId": account_id})
            if problem is not None:
                raise ValueError(f"--account-id {account_id[:60]!r}: the spec refuses it "
                                 f"({problem.keyword} {str(problem.limit)[:80]})")
            template["accountId"] = account_id
            self._accounts = [account_id]
        if tag is not None:
            name, value = tag
            tagged = {**template, "dimensions": {**(template.get("dimensions") or {}), name: value}}
            problem = validator.first_error(tagged)
            if problem is not None:
                raise ValueError(f"--tag-dimension {name[:60]}: the spec refuses it as a dimension carrying "
                                 f"{value!r} ({problem.keyword} {str(problem.limit)[:80]})")
            template["dimensions"] = tagged["dimensions"]

    def _keep_what_the_spec_takes(self) -> None:
        """Vary timestamps, accounts and attribute values only where the spec takes the varied forms.

        Another spec may constrain these fields otherwise (a pattern on ``accountId``, say): a variation it
        refuses is dropped, and every event keeps the spec-valid value of the template for that field.
        """
        template, valid = self._template, self.spec.validator(self.spec.event_schema_pointer).is_valid
        attributes = template.get("attributes") or []
        if "timestamp" in template and not valid({**template, "timestamp": self._timestamps[0]}):
            self._timestamps = [template["timestamp"]]
        if "accountId" in template and not valid({**template, "accountId": self._accounts[0]}):
            self._accounts = [template["accountId"]]
        if attributes and not valid({**template, "attributes": [{**attribute, "value": self._attribute_values[0]}
                                                                for attribute in attributes]}):
            self._attribute_values = [attributes[0].get("value")]

    @property
    def namespace(self) -> str:
        return self._prefix

    # -- valid payloads ---------------------------------------------------
    def event(self) -> dict[str, Any]:
        """One valid event with a fresh id."""
        return self.events(1)[0]

    def events(self, count: int) -> list[dict[str, Any]]:
        """``count`` valid events with fresh ids; the hot path of the load scenarios."""
        start = self._seq
        self._seq = start + count
        template, prefix, nested_maps = self._template, self._prefix, self._nested_maps
        timestamps, accounts, values = self._timestamps, self._accounts, self._attribute_values
        times, account_count, value_count = len(timestamps), len(accounts), len(values)
        attributes = template.get("attributes") or ()
        has_timestamp, has_account = "timestamp" in template, "accountId" in template
        batch = []
        for seq in range(start, start + count):
            event = template.copy()
            event[ID_FIELD] = f"{prefix}-{seq}"
            for key in nested_maps:
                event[key] = event[key].copy()
            if has_timestamp:
                event["timestamp"] = timestamps[seq % times]
            if has_account:
                event["accountId"] = accounts[seq % account_count]
            if attributes:
                value = values[(seq * 31) % value_count]
                event["attributes"] = [{**attribute, "value": value} for attribute in attributes]
            batch.append(event)
        return batch

    def single_body(self, event: dict[str, Any] | None = None) -> dict[str, Any]:
        return {self.spec.single.envelope_key: event if event is not None else self.event()}

    def batch_body(self, count: int | None = None,
                   events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """A batch of ``count`` fresh events (the spec's maximum when not given)."""
        if events is None:
            events = self.events(self.spec.batch_max_items if count is None else count)
        return {self.spec.batch.envelope_key: events}

    def body(self, operation: Operation, count: int = 1) -> dict[str, Any]:
        return self.batch_body(count) if operation.is_batch else self.single_body()

    def batch_bytes(self, count: int | None = None) -> bytes:
        return encode(self.batch_body(count))

    # -- probes -----------------------------------------------------------
    def variants(self, operation: Operation | None = None) -> list[Variant]:
        """Invalid variants (one per constraint) and valid edges, for one or both operations."""
        operations = [operation] if operation else list(self.spec.operations.values())
        return [variant for op in operations for variant in self._variants(op)]

    def invalid_variants(self, operation: Operation | None = None) -> list[Variant]:
        return [variant for variant in self.variants(operation) if not variant.valid]

    def valid_edges(self, operation: Operation | None = None) -> list[Variant]:
        return [variant for variant in self.variants(operation) if variant.valid]

    def _variants(self, operation: Operation) -> Iterator[Variant]:
        takes = self.spec.validator(operation.request_schema_pointer).is_valid
        for constraint in self.spec.constraints(operation):
            for kind, valid, description, mutate in _probes(self, operation, constraint):
                body = _apply(self._base_body(operation), constraint.path, mutate)
                if valid and not takes(body):
                    continue  # an edge the field's other rules forbid (a maxLength a pattern never reaches)
                yield Variant(name=f"{kind}:{constraint.dotted}", operation=operation.operation_id,
                              body=body, valid=valid, constraint=constraint,
                              description=description)

    def _base_body(self, operation: Operation) -> dict[str, Any]:
        # A batch probe changes the middle of three events: the other two are
        # valid, so a target must still reject (or accept) the request whole.
        return self.batch_body(VARIANT_BATCH_SIZE) if operation.is_batch else self.single_body()

    def _items_for(self, operation: Operation, path: tuple[str, ...], current: list[Any],
                   count: int) -> list[Any]:
        if operation.is_batch and path == (operation.envelope_key,):
            return self.events(count)
        first = current[0] if current else None
        return [copy.deepcopy(first) for _ in range(count)]


Mutation = Callable[[Any], Any]
_Probe = tuple[str, bool, str, Mutation]


def _probes(factory: EventFactory, operation: Operation, constraint: Constraint) -> Iterator[_Probe]:
    keyword, limit, path = constraint.keyword, constraint.value, constraint.path
    if keyword == "required":
        for name in limit:
            yield (f"missing-{name}", False, f"required property {name!r} left out",
                   lambda node, name=name: _without(node, name))
    elif keyword == "additionalProperties":
        yield ("extra-property", False, f"an undeclared property {_EXTRA_PROPERTY!r} added",
               lambda node: {**node, _EXTRA_PROPERTY: "x"} if isinstance(node, dict) else node)
    elif keyword == "maxLength":
        yield ("too-long", False, f"{limit + 1} characters where at most {limit} are allowed",
               lambda _node: "x" * (limit + 1))
        yield ("edge-max-length", True, f"exactly {limit} characters, multi-byte ones included",
               lambda node: _pad_multibyte(node if isinstance(node, str) else "", limit))
    elif keyword == "minLength" and limit > 0:
        yield ("too-short", False, f"{limit - 1} characters where at least {limit} are needed",
               lambda _node: "x" * (limit - 1))
    elif keyword == "pattern":
        yield ("pattern", False, f"a value that does not match {limit}",
               lambda _node: _not_matching(limit))
        for index, candidate in enumerate(c for c in _EDGE_NUMBERS if re.search(limit, c)):
            yield (f"edge-pattern-{index}", True, f"{candidate[:20]!r} matches {limit}",
                   lambda _node, candidate=candidate: candidate)
    elif keyword == "format" and limit == "date-time":
        yield ("date-time-space", False, "a space instead of 'T' between date and time",
               lambda _node: "2022-06-15 07:30:35.123Z")
        yield ("date-time-no-offset", False, "no offset after the time",
               lambda _node: "2022-06-15T07:30:35.123")
        yield ("edge-date-time-offset", True, "a numeric offset instead of 'Z'",
               lambda _node: "2022-06-15T07:30:35.123+05:30")
    elif keyword in ("maxItems", "minItems"):
        count = limit + 1 if keyword == "maxItems" else limit - 1
        if count >= 0:
            name = "too-many" if keyword == "maxItems" else "too-few"
            yield (name, False, f"{count} items where the limit is {limit}",
                   lambda node: factory._items_for(operation, path, node, count))
        yield (f"edge-{keyword}", True, f"exactly {limit} items",
               lambda node: factory._items_for(operation, path, node, limit))
    elif keyword == "type":
        yield ("wrong-type", False, f"a value that is not of type {limit!r}",
               lambda _node: _WRONG_TYPE.get(str(limit), "not-the-right-type"))


_WRONG_TYPE: dict[str, Any] = {"string": 12345, "array": {"not": "an array"},
                               "object": ["not an object"], "integer": "1", "number": "1.5",
                               "boolean": "true"}
_EDGE_NUMBERS = ("-12.5", "0", "9" * 512, "1" * 512 + ".25")
_NON_MATCHING = ("not-a-number", "1.2.3", "", " ", "--1", "0x1F")


def _not_matching(pattern: str) -> str:
    for candidate in _NON_MATCHING:
        if not re.search(pattern, candidate):
            return candidate
    raise ValueError(f"no value found that breaks the pattern {pattern}")


def _pad_multibyte(value: str, length: int) -> str:
    pad = (_MULTIBYTE * (length // len(_MULTIBYTE) + 1))
    return (value + pad)[:length] if len(value) < length else value[:length]


def _without(node: Any, name: str) -> Any:
    if isinstance(node, dict):
        return {key: value for key, value in node.items() if key != name}
    return node


def _apply(body: Any, path: tuple[str, ...], mutate: Mutation) -> Any:
    """``body`` with the node at ``path`` replaced by ``mutate(node)``.

    ``[]`` picks the middle item of an array, ``{}`` the first value of a map;
    the empty path replaces the whole body.
    """
    if not path:
        return mutate(body)
    parent: Any = body
    for token in path[:-1]:
        parent = _child(parent, token)
    key = _key(parent, path[-1])
    if isinstance(parent, list):
        parent[key] = mutate(parent[key])
    else:
        parent[key] = mutate(parent.get(key))
    return body


def _key(parent: Any, token: str) -> Any:
    if token == "[]":
        return len(parent) // 2
    if token == "{}":
        return next(iter(parent))
    return token


def _child(parent: Any, token: str) -> Any:
    return parent[_key(parent, token)]


def _populated(spec: Spec, pointer: str, value: Any) -> Any:
    """``value`` with at least one item in each array and one entry in each map.

    Invalid variants need something to change at every path of the schema,
    e.g. an attribute's ``unit``, even where the spec's example leaves it out.
    """
    schema = spec.schema(pointer)
    real = spec.deref(pointer)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in properties:
            child_pointer = pointers.join(real, "properties", name)
            child = value[name] if name in value else sample(spec, child_pointer)
            value[name] = _populated(spec, child_pointer, child)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            extra_pointer = pointers.join(real, "additionalProperties")
            if not value:
                value["region"] = sample(spec, extra_pointer)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        items_pointer = pointers.join(real, "items")
        if not value and schema.get("maxItems", 1) > 0:
            value.append(sample(spec, items_pointer))
        value[:] = [_populated(spec, items_pointer, item) for item in value]
    return value


def encode(body: Any) -> bytes:
    """Compact JSON bytes, as fast as the load scenarios need."""
    return _encode(body)
