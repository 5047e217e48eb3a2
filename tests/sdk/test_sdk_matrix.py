"""The SDK matrix reflects what a client does: provoked faults show as breaks, with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.sdk.adapter import BUILT_IN, Subject, find_adapter
from harness.sdk.runner import Matrix, run_matrix
from harness.spec import load_spec
from harness.targets import Target, resolve

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with resolve(None, "sdk-tenant") as running:
        yield running


def matrix_of(target: Target, *references: str) -> Matrix:
    subjects = [Subject(reference, BUILT_IN.get(reference) or find_adapter(reference)) for reference in references]
    return run_matrix(target, load_spec(), subjects)


def test_every_documented_answer_is_a_row_on_both_operations(target: Target) -> None:
    matrix = matrix_of(target, "harness")
    spec = load_spec()
    for operation in spec.operations.values():
        rows = {row for op, row in matrix.rows if op == operation.operation_id}
        for status in operation.statuses:
            assert any(row.startswith(status) for row in rows), (operation.operation_id, status)
        assert {"request sent", "429 without Retry-After", "connection dropped"} <= rows
    assert matrix.breaks == 0, [(k, c.reason) for k, c in matrix.cells.items() if not c.conforms]


def test_a_client_that_reports_401_as_success_breaks_on_that_row_only(target: Target) -> None:
    matrix = matrix_of(target, f"{HERE / 'misbehaving.py'}:swallows_unauthorized")
    column = matrix.columns[0]
    broken = {(op, row): cell.reason for (op, row, _), cell in matrix.cells.items() if not cell.conforms}
    assert broken == {("ingest", "401 documented"): "401 answer reported as success",
                      ("ingestBatch", "401 documented"): "401 answer reported as success"}
    assert matrix.cells[("ingest", "400 documented", column)].conforms


def test_a_client_that_retries_before_retry_after_breaks(target: Target) -> None:
    matrix = matrix_of(target, f"{HERE / 'misbehaving.py'}:ignores_retry_after")
    column = matrix.columns[0]
    cell = matrix.cells[("ingest", "429 with Retry-After: 2", column)]
    assert not cell.conforms and cell.reason.startswith("retried after 0.") and cell.requests == 2
    assert matrix.cells[("ingest", "429 without Retry-After", column)].conforms


def test_rows_where_two_clients_differ_are_marked_as_drift(target: Target) -> None:
    matrix = matrix_of(target, "harness", f"{HERE / 'misbehaving.py'}:swallows_unauthorized")
    verdicts = {(op, row) for op, row in matrix.rows if matrix.drift(op, row) == "verdict"}
    assert verdicts == {("ingest", "401 documented"), ("ingestBatch", "401 documented")}
    # the same client twice differs nowhere but in timings
    assert matrix.drift("ingest", "400 documented") is None
