from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from harness.factory import EventFactory, Variant
from harness.spec import load_spec

SPEC = load_spec()


def _valid(variant_or_body: Variant | Any, operation: str) -> bool:
    body = variant_or_body.body if isinstance(variant_or_body, Variant) else variant_or_body
    return SPEC.validator(SPEC.operations[operation].request_schema_pointer).is_valid(body)


def _variant(operation: str, name: str) -> Variant:
    return next(v for v in EventFactory(SPEC).variants(SPEC.operations[operation]) if v.name == name)


def test_events_are_valid_and_ids_unique() -> None:
    factory = EventFactory(SPEC, seed=3)
    batch = factory.batch_body()
    assert len(batch["events"]) == SPEC.batch_max_items
    assert _valid(batch, "ingestBatch")
    assert _valid(factory.single_body(), "ingest")
    ids = [event["id"] for event in batch["events"]]
    assert len(set(ids)) == len(ids)


def test_same_seed_same_events_other_seed_other_ids() -> None:
    first, again, other = EventFactory(SPEC, seed=7), EventFactory(SPEC, seed=7), EventFactory(SPEC, seed=8)
    assert first.events(50) == again.events(50)
    assert {e["id"] for e in first.events(50)}.isdisjoint(e["id"] for e in other.events(50))


def test_namespace_prefixes_ids() -> None:
    assert EventFactory(SPEC, namespace="run42").event()["id"] == "run42-0"


def test_events_do_not_share_mutable_parts() -> None:
    factory = EventFactory(SPEC)
    one, two = factory.event(), factory.event()
    one["dimensions"]["location"] = "changed"
    one["attributes"][0]["name"] = "changed"
    assert two["dimensions"]["location"] != "changed"
    assert two["attributes"][0]["name"] != "changed"


def test_batch_bytes_is_the_json_of_a_valid_batch() -> None:
    decoded = msgspec.json.decode(EventFactory(SPEC, seed=1).batch_bytes(5))
    assert len(decoded["events"]) == 5 and _valid(decoded, "ingestBatch")


@pytest.mark.parametrize("variant", EventFactory(SPEC, seed=1).variants(), ids=lambda v: f"{v.operation}:{v.name}")
def test_each_variant_is_what_it_claims(variant: Variant) -> None:
    assert _valid(variant, variant.operation) is variant.valid, variant.description


def test_every_constraint_of_both_operations_has_an_invalid_variant() -> None:
    factory = EventFactory(SPEC)
    for operation in SPEC.operations.values():
        probed = {(v.constraint.path, v.constraint.keyword) for v in factory.invalid_variants(operation)}
        for constraint in SPEC.constraints(operation):
            if constraint.keyword == "minItems" and constraint.value == 0:
                continue
            assert (constraint.path, constraint.keyword) in probed, constraint


def test_named_variants_the_issue_lists_exist() -> None:
    names = {(v.operation, v.name) for v in EventFactory(SPEC).variants()}
    for expected in [("ingest", "missing-event:(body)"), ("ingest", "missing-id:event"),
                     ("ingest", "too-long:event.schemaName"), ("ingest", "pattern:event.attributes[].value"),
                     ("ingest", "date-time-space:event.timestamp"), ("ingest", "extra-property:event"),
                     ("ingest", "too-many:event.attributes"), ("ingestBatch", "too-many:events"),
                     ("ingestBatch", "too-few:events"), ("ingestBatch", "edge-maxItems:events"),
                     ("ingestBatch", "edge-max-length:events[].id")]:
        assert expected in names
    counts = Counter(names)
    assert max(counts.values()) == 1


def test_batch_variants_change_only_the_middle_event() -> None:
    variant = _variant("ingestBatch", "too-long:events[].schemaName")
    events = variant.body["events"]
    assert len(events) == 3
    assert [len(e["schemaName"]) > 50 for e in events] == [False, True, False]


def test_edges_use_multibyte_characters_at_exactly_the_limit() -> None:
    variant = _variant("ingest", "edge-max-length:event.id")
    value = variant.body["event"]["id"]
    assert len(value) == 512 and len(value.encode()) > 512


def test_the_batch_edge_has_exactly_max_unique_events() -> None:
    variant = _variant("ingestBatch", "edge-maxItems:events")
    ids = {event["id"] for event in variant.body["events"]}
    assert len(ids) == SPEC.batch_max_items


def test_variants_follow_a_changed_spec(spec_copy: Callable[..., Path]) -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["components"]["schemas"]["IngestBatchEventRequest"]["properties"]["events"]["maxItems"] = 4
        doc["components"]["schemas"]["Event"]["properties"]["accountId"]["minLength"] = 3

    spec = load_spec(spec_copy(edit))
    factory = EventFactory(spec)
    too_many = next(v for v in factory.variants(spec.batch) if v.name == "too-many:events")
    assert len(too_many.body["events"]) == 5
    assert len(factory.batch_body()["events"]) == 4
    assert ("too-short:event.accountId") in {v.name for v in factory.variants(spec.single)}
