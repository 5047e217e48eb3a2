"""Schemathesis, positive and negative data, every phase that applies, against the reference target.

Every built-in check runs: no 5xx, every status documented, every body valid
against its schema, invalid data rejected, valid data accepted, missing
credentials refused, unsupported methods answered 405.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from harness.contract.ids import UniqueIds
from harness.reference import RunningTarget, TargetConfig, running_target
from harness.spec import bundled_spec_path

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


_unique_ids = UniqueIds("st")


@schema.parametrize()
def test_reference_target_conforms(case: schemathesis.Case, fuzzed_target: RunningTarget) -> None:
    _unique_ids(case.body)
    case.call_and_validate(base_url=fuzzed_target.base_url)
