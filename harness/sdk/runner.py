"""Runs each SDK version through the cases against the target and builds the matrix."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from harness.admin_client import AdminClient
from harness.errors import EngineError, TargetError
from harness.factory import EventFactory
from harness.redaction import SCRUBBER, clip
from harness.sdk.adapter import Subject
from harness.sdk.cases import Case, cases
from harness.sdk.judge import Cell, judge, request_row
from harness.sdk.outcomes import NOT_RUN, CaseOutcome, ChildLine
from harness.spec import Spec
from harness.targets import Target

CHILD = Path(__file__).resolve().parent / "child.py"
CHILD_TIMEOUT = 600.0
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


def run_subject(subject: Subject, target: Target, all_cases: list[Case],
                spec_path: Path | None = None) -> tuple[str, str | None, dict[str, CaseOutcome]]:
    """Run the child in the subject's interpreter; its version, default host and the outcome of each case.

    ``spec_path`` reaches the child as ``HARNESS_SPEC``: an adapter that reads a spec (our own client's does)
    reads the document the run was given, as the target serves it.
    """
    assert target.admin_token is not None
    job = {"adapter": subject.adapter.reference, "base_url": target.base_url, "token": target.token.reveal(),
           "admin_token": target.admin_token.reveal(), "cases": [case.job() for case in all_cases]}
    try:
        environment = {**os.environ, **({SPEC_ENV: str(spec_path)} if spec_path is not None else {})}
        result = subprocess.run([str(subject.python), str(CHILD)], input=json.dumps(job), capture_output=True,
                                text=True, timeout=CHILD_TIMEOUT, check=False, env=environment)
    except subprocess.TimeoutExpired:
        raise EngineError(f"{subject.label}: the SDK did not finish its cases within {CHILD_TIMEOUT:.0f}s") from None
    stdout, stderr = SCRUBBER.scrub(result.stdout), SCRUBBER.scrub(result.stderr)  # what the SDK said of answers
    try:
        lines = [_read_line(line) for line in stdout.splitlines() if line.startswith("{")]
    except msgspec.ValidationError as error:
        raise EngineError(f"{subject.label}: the SDK's child wrote a line the harness cannot read: {error}") from None
    fatal = next((line.fatal for line in lines if line.fatal), None)
    if fatal or not lines:
        reason = fatal or (stderr.strip().splitlines() or ["no output"])[-1]
        raise EngineError(f"{subject.label}: {clip(reason, 500)}")
    version = next((line.version for line in lines if line.version is not None), "")
    host = next((line.default_host for line in lines if line.default_host is not None), None)
    return version, host, {line.id: line.outcome() for line in lines if line.id is not None}


_read_line = msgspec.json.Decoder(ChildLine).decode


def run_matrix(target: Target, spec: Spec, subjects: list[Subject],
               on_subject: Callable[[str], None] = lambda label: None) -> Matrix:
    all_cases = cases(spec, EventFactory(spec, namespace="sdk-check"))
    matrix = Matrix()
    with _admin(target) as admin:
        for subject in subjects:
            on_subject(subject.label.replace("{version}", "").replace("  ", " "))
            admin.clear_scenario()
            version, host, outcomes = run_subject(subject, target, all_cases, spec.path)
            column = subject.label.replace("{version}", version or "?")
            matrix.columns.append(column)
            matrix.versions[column] = version
            matrix.hosts[column] = host
            recorded = admin.requests()
            admin.clear_scenario()
            sent: dict[str, list[dict[str, Any]]] = {}
            for request in recorded:
                sent.setdefault(request["label"], []).append(request)
            for operation in spec.operations.values():
                matrix.add(column, operation.operation_id, "request sent",
                           request_row(sent.get(f"{operation.operation_id}:202", [])))
            for case in all_cases:
                outcome = outcomes.get(case.id, CaseOutcome(case.id, raised=NOT_RUN))
                matrix.add(column, case.operation, case.name, judge(case, outcome, sent.get(case.id, [])))
    return matrix
