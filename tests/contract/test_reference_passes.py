"""The correct reference target passes every check, with no failure, across seeds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.contract import registry
from harness.contract.runner import ContractOptions, run_contract
from harness.reference import TargetConfig
from harness.targets import Target, resolve
from harness.verdicts import Outcome


@pytest.fixture(scope="module")
def reference() -> Iterator[Target]:
    with resolve(None, "reference-tenant", other_token="reference-second-tenant",
                 embedded=TargetConfig(tokens=("reference-tenant", "reference-second-tenant"))) as target:
        yield target


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_reference_target_passes(reference: Target, seed: int) -> None:
    report = run_contract(reference, ContractOptions(seed=seed, max_examples=12))
    assert [finding.message for row in report.failed for finding in row.findings] == []
    verdicts = {(row.name, row.subject): row.outcome for row in report.rows}
    ours = {check for check, _ in verdicts} & set(registry.names())
    assert ours == set(registry.names()), "every check ran (throttling provoked, two tenants)"
    skipped = {key for key, outcome in verdicts.items() if outcome is Outcome.SKIPPED}
    assert skipped <= {("empty_bodies", "ingestBatch")}
    assert report.exit_code == 0


def test_the_byte_limit_is_found_when_it_is_not_given(reference: Target) -> None:
    blind = Target(reference.base_url, reference.token, reference.admin_token, None)
    report = run_contract(blind, ContractOptions(checks=("byte_limit",)))
    rows = [row for row in report.rows if row.name == "byte_limit"]
    assert [row.outcome for row in rows] == [Outcome.PASSED, Outcome.PASSED]
    assert all("found below 1,048,577 bytes" in row.message for row in rows), [row.message for row in rows]
