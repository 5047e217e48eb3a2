"""The correct reference target passes every check, with no failure, across seeds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.contract.model import Verdict
from harness.contract.runner import ALL_CHECKS, ContractOptions, run_contract
from harness.reference import TargetConfig
from harness.targets import Target, resolve


@pytest.fixture(scope="module")
def reference() -> Iterator[Target]:
    with resolve(None, "reference-tenant", embedded=TargetConfig(tokens=("reference-tenant",))) as target:
        yield target


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_reference_target_passes(reference: Target, seed: int) -> None:
    report = run_contract(reference, ContractOptions(seed=seed, max_examples=12))
    assert [finding.message for finding in report.failed for finding in finding.findings] == []
    verdicts = {(result.check, result.operation): result.verdict for result in report.results}
    ours = {check for check, _ in verdicts} & set(ALL_CHECKS)
    assert ours >= set(ALL_CHECKS) - {"throttling"}, "every check ran"
    skipped = {key for key, verdict in verdicts.items() if verdict is Verdict.SKIPPED}
    assert skipped <= {("throttling", "ingest"), ("throttling", "ingestBatch")}
    assert report.exit_code == 0
