"""Schemathesis, positive and negative data, every phase that applies, against the reference target.

Every built-in check runs: no 5xx, every status documented, every body valid
against its schema, invalid data rejected, valid data accepted, missing
credentials refused, unsupported methods answered 405.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from harness.spec import bundled_spec_path
from harness.target import RunningTarget, TargetConfig, running_target

TOKEN = "schemathesis-tenant"


@pytest.fixture(scope="module")
def fuzzed_target() -> Iterator[RunningTarget]:
    with running_target(TargetConfig(tokens=(TOKEN,), rate=1_000_000)) as target:
        yield target


def _schema() -> schemathesis.BaseSchema:
    config = SchemathesisConfig.from_dict({
        "headers": {"Authorization": f"Bearer {TOKEN}"},
        "generation": {"mode": "all", "max-examples": 40, "deterministic": True},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
                   "stateful": {"enabled": False}},
    })
    return schemathesis.openapi.from_path(bundled_spec_path(), config=config)


schema = _schema()


_ids = itertools.count()


def _unique_ids(body: object) -> None:
    """Give every event of a case its own id, keeping the id's length and type.

    Generated cases reuse ids (the spec's example, shrunk values) with other
    payloads, which a correct target rejects as conflicts (semantics 3); that
    is a property of idempotency, probed by the contract suite, not a schema
    fault. A length-preserving unique id keeps valid data valid and invalid data invalid.
    """
    if not isinstance(body, dict):
        return
    events = [body.get("event")] + (body["events"] if isinstance(body.get("events"), list) else [])
    for event in events:
        if isinstance(event, dict) and isinstance(event.get("id"), str):
            unique = f"{next(_ids):08x}"
            event["id"] = unique if len(event["id"]) < len(unique) else unique + event["id"][len(unique):]


@schema.parametrize()
def test_reference_target_conforms(case: schemathesis.Case, fuzzed_target: RunningTarget) -> None:
    _unique_ids(case.body)
    case.call_and_validate(base_url=fuzzed_target.base_url)
