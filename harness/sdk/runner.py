"""Runs each SDK version through the cases against the target and builds the matrix."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.admin_client import AdminClient
from harness.errors import EngineError, TargetError
from harness.factory import EventFactory
from harness.facts import DOCUMENTED_QUOTA, POLITE_SHARE
from harness.redaction import SCRUBBER
from harness.sdk.adapter import Subject
from harness.sdk.cases import Case, cases
from harness.sdk.driver import DriverFailed, DriverProcess
from harness.sdk.judge import Cell, judge, request_row
from harness.sdk.outcomes import NOT_RUN_TYPE, CaseOutcome, Raised, driver_failed, not_run
from harness.sdk.protocol import Hello
from harness.spec import Spec
from harness.targets import Target
from harness.trail import run_id

SUBJECT_SECONDS = 600.0  # one driver's whole run, every case included
CALL_INTERVAL = 1 / (POLITE_SHARE * DOCUMENTED_QUOTA)  # seconds between two calls: under the quota, whatever the driver
SPEC_ENV = "HARNESS_SPEC"  # the spec file of the run, for an adapter that reads one


@dataclass
class Matrix:
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)  # (operation, row name)
    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)  # (operation, row, column)
    versions: dict[str, str] = field(default_factory=dict)  # column -> version the SDK reported
    hosts: dict[str, str | None] = field(default_factory=dict)  # column -> the SDK's host when none is given

    def add(self, column: str, operation: str, row: str, cell: Cell) -> None:
        if (operation, row) not in self.rows:
            self.rows.append((operation, row))
        self.cells[(operation, row, column)] = cell

    def drift(self, operation: str, row: str) -> str | None:
        """How this row differs between columns: "verdict", "behaviour" (same verdict, other reason) or None."""
        cells = [self.cells[(operation, row, c)] for c in self.columns if (operation, row, c) in self.cells]
        if len({cell.verdict for cell in cells}) > 1:
            return "verdict"
        return "behaviour" if len({cell.reason for cell in cells}) > 1 else None

    def changed(self, column: str, before: str) -> list[str]:
        """The rows whose verdict differs from the ``before`` column's."""
        return [f"{operation}: {row}" for operation, row in self.rows
                if (operation, row, column) in self.cells and (operation, row, before) in self.cells
                and self.cells[(operation, row, column)].verdict != self.cells[(operation, row, before)].verdict]

    @property
    def breaks(self) -> int:
        return sum(not cell.conforms for cell in self.cells.values())

    def to_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "versions": self.versions, "default_hosts": self.hosts,
                "matrix": [{"operation": op, "row": row, "drift": self.drift(op, row),
                          "cells": {c: self.cells[(op, row, c)].to_dict() for c in self.columns
                                    if (op, row, c) in self.cells}} for op, row in self.rows]}


def _admin(target: Target) -> AdminClient:
    if target.admin_token is None:
        raise TargetError("the SDK check needs a target with the reference admin API (scenario mode); "
                           "leave --base-url out to use the embedded target, or pass --admin-token")
    return AdminClient(target.base_url, target.token, target.admin_token)


@dataclass(frozen=True)
class SubjectRun:
    """What one driver said of itself and did with each case."""

    hello: Hello
    outcomes: dict[str, CaseOutcome]


def needs(case: Case) -> list[str]:
    """The driver capabilities a case needs (docs/sdk-driver-protocol.md#capabilities)."""
    needed = ["ingestBatch" if case.batch else "ingest"]
    if case.timestamp is not None:
        needed.append(f"timestamp:{case.timestamp[1]}")
    return needed


def run_subject(subject: Subject, target: Target, all_cases: list[Case], admin: AdminClient,
                spec_path: Path | None = None) -> SubjectRun:
    """Start the subject's driver, then for each case script the target's answers and send the call.

    ``spec_path`` reaches the driver as ``HARNESS_SPEC``: an adapter that reads a spec (our own client's does)
    reads the document the run was given, as the target serves it. A driver that breaks the protocol or its
    bounds mid-run is stopped: that case's cell says why, the cases after it were not run. One that cannot
    even say hello is an error of the run (exit 2).
    """
    environment = {SPEC_ENV: str(spec_path)} if spec_path is not None else {}
    outcomes: dict[str, CaseOutcome] = {}
    deadline = time.monotonic() + SUBJECT_SECONDS
    with DriverProcess(subject.command, env=environment) as driver:
        try:
            hello = driver.hello()
            driver.configure(target.base_url, target.token.reveal())
        except DriverFailed as error:
            raise EngineError(f"{subject.label.split(' {')[0]}: {error}") from None
        failure: str | None = None
        last_call = 0.0
        for case in all_cases:
            if failure is not None:
                outcomes[case.id] = not_run(case.id, f"not run: {failure}")
                continue
            missing = [need for need in needs(case) if need not in hello.capabilities]
            if missing:
                outcomes[case.id] = CaseOutcome(case.id, applicable=False,
                                                raised=Raised(NOT_RUN_TYPE, f"the driver lacks {', '.join(missing)}"))
                continue
            admin.set_scenario(case.id, case.job()["answers"])
            # paced under the quota: the cases the target answers itself must not meet its throttling
            time.sleep(max(0.0, last_call + CALL_INTERVAL - time.monotonic()))
            last_call = time.monotonic()
            started = time.time()
            try:
                if time.monotonic() > deadline:
                    raise DriverFailed(f"the driver took over {SUBJECT_SECONDS:.0f}s in all; stopped it")
                result = driver.call(case.call())
            except DriverFailed as error:
                failure = SCRUBBER.scrub(str(error))
                outcomes[case.id] = driver_failed(case.id, failure)
                driver.stop()
                failure = f"the driver ended at {case.name}"
                continue
            outcomes[case.id] = CaseOutcome(case.id, started, result.seconds, result.returned, result.raised)
        if failure is None:
            driver.bye()
    return SubjectRun(hello, outcomes)


def column_label(subject: Subject, hello: Hello) -> str:
    label = subject.label
    for name, value in (("{sdk}", hello.sdk), ("{version}", hello.version or "?"), ("{language}", hello.language)):
        label = label.replace(name, value)
    return label


def run_matrix(target: Target, spec: Spec, subjects: list[Subject],
               on_subject: Callable[[str], None] = lambda label: None) -> Matrix:
    matrix = Matrix()
    with _admin(target) as admin:
        matrix_id = secrets.token_hex(3)
        for index, subject in enumerate(subjects):
            # the same cases, with ids of the column's own, new in each run: two SDKs may write the same instant
            # differently ("...23Z", "...23.000Z"), which the target would rightly take as another payload
            # under a known id, and a target kept between runs keeps the ids it was sent
            all_cases = cases(spec, EventFactory(spec, namespace=f"sdk-{run_id()}-{matrix_id}-{index}"))
            on_subject(subject.label.replace("{version}", "").replace("  ", " "))
            admin.clear_scenario()
            run = run_subject(subject, target, all_cases, admin, spec.path)
            column = column_label(subject, run.hello)
            matrix.columns.append(column)
            matrix.versions[column] = run.hello.version
            matrix.hosts[column] = run.hello.default_host
            recorded = admin.requests()
            admin.clear_scenario()
            sent: dict[str, list[dict[str, Any]]] = {}
            for request in recorded:
                sent.setdefault(request["label"], []).append(request)
            for operation in spec.operations.values():
                matrix.add(column, operation.operation_id, "request sent",
                           request_row(sent.get(f"{operation.operation_id}:202", [])))
            for case in all_cases:
                outcome = run.outcomes.get(case.id) or not_run(case.id, "not run")
                matrix.add(column, case.operation, case.name, judge(case, outcome, sent.get(case.id, [])))
    return matrix
