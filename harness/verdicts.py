"""One verdict model for every engine: lint, contract, load and SDK all hand up :class:`Report` rows.

A :class:`Row` is one judged thing: a contract check on an operation, an
SLO, a throttle finding, an SDK cell, a spec defect. Its outcome is passed,
failed, skipped or error; a failed row carries its :class:`Finding`s, each
with a reproduction line (credentials already redacted) and what was seen.
``harness.reports`` renders a report in every format from these rows
alone, and :func:`exit_code` maps outcomes to the exit codes CI gates on.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import msgspec

from harness.neutral import neutralise
from harness.redaction import SCRUBBER
from harness.trail import run_id

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERROR = "error"  # the harness could not judge it
    KNOWN = "known"  # failed, every finding recorded in the run's baseline (harness.baseline): not gating
    WARNED = "warned"  # a fault of the document, not of the target (spec lint inside harness run): not gating


class Finding(msgspec.Struct, frozen=True):
    """One fault, in words, with the request that reproduces it and what came back."""

    message: str
    reproduction: str = ""
    seen: str = ""
    baseline: str = ""  # with --baseline: new, known, expired or fixed (harness.baseline)
    baseline_note: str = ""  # the baseline entry's reason

    def __post_init__(self) -> None:
        """A finding's text is scrubbed of the run's secrets and neutralised (harness.neutral) as it is made, before
        anything cuts or wraps it."""
        for name in ("message", "reproduction", "seen"):
            value = getattr(self, name)
            scrubbed = neutralise(SCRUBBER.scrub(value))
            if scrubbed != value:
                msgspec.structs.force_setattr(self, name, scrubbed)

    @property
    def headline(self) -> str:
        """The message, with its baseline status in front when the run had a baseline."""
        note = f" ({self.baseline_note})" if self.baseline_note else ""
        return f"[{self.baseline}{note}] {self.message}" if self.baseline else self.message

    def text(self) -> str:
        lines = [self.headline]
        if self.reproduction:
            lines.append(f"reproduce: {self.reproduction}")
        if self.seen:
            lines.append(f"seen: {self.seen}")
        return "\n".join(lines)


class Row(msgspec.Struct):
    """One judged thing: ``name`` (check, SLO, case) on ``subject`` (operation, scenario, SDK version)."""

    name: str
    subject: str
    outcome: Outcome = Outcome.PASSED
    message: str = ""  # the first finding, the figure measured, or why it was skipped
    findings: list[Finding] = msgspec.field(default_factory=list)
    group: str = ""  # the kind of row within its report ("slo", "throttle", ...): JUnit's class name

    def __post_init__(self) -> None:
        self.message = neutralise(SCRUBBER.scrub(self.message))

    @property
    def label(self) -> str:
        return f"{self.name}[{self.subject}]" if self.subject else self.name

    @property
    def reproduction(self) -> str:
        return self.findings[0].reproduction if self.findings else ""

    @property
    def evidence(self) -> str:
        return self.findings[0].seen if self.findings else ""

    def text(self) -> str:
        """Every finding with its reproduction (a JUnit failure's text), or the message."""
        return "\n\n".join(finding.text() for finding in self.findings) if self.findings else self.message


class Table(msgspec.Struct):
    """An engine's own view beside its rows (the SDK matrix with versions side by side)."""

    title: str
    columns: list[str]
    rows: list[list[str]]


class Report(msgspec.Struct):
    """What one engine found against one target; ``engine`` is also the stem of its report files."""

    engine: str
    title: str
    target: str
    rows: list[Row] = msgspec.field(default_factory=list)
    summary: str = ""  # the key figures in one line (harness run's table)
    figures: list[tuple[str, str]] = msgspec.field(default_factory=list)
    tables: list[Table] = msgspec.field(default_factory=list)
    notes: list[str] = msgspec.field(default_factory=list)
    charts: dict[str, str] = msgspec.field(default_factory=dict)  # label -> file name beside the reports
    files: dict[str, str] = msgspec.field(default_factory=dict)  # label -> file name of other outputs
    seconds: float = 0.0
    details: dict[str, Any] = msgspec.field(default_factory=dict)  # the engine's machine-readable extras
    run_id: str = msgspec.field(default_factory=run_id)  # the invocation's (harness.trail): what it left behind

    def count(self, outcome: Outcome) -> int:
        return sum(row.outcome is outcome for row in self.rows)

    @property
    def tally(self) -> str:
        """``3 passed, 1 failed, 2 skipped`` (and known findings, when a baseline accepted some)."""
        known, warned = self.count(Outcome.KNOWN), self.count(Outcome.WARNED)
        return (f"{self.count(Outcome.PASSED)} passed, {self.count(Outcome.FAILED)} failed, "
                f"{self.count(Outcome.SKIPPED)} skipped" + (f", {known} known" if known else "")
                + (f", {warned} warned" if warned else ""))

    @property
    def failed(self) -> list[Row]:
        return [row for row in self.rows if row.outcome is Outcome.FAILED]

    @property
    def outcome(self) -> Outcome:
        return overall(row.outcome for row in self.rows)

    @property
    def exit_code(self) -> int:
        return exit_code([self])


def overall(outcomes: Iterable[Outcome]) -> Outcome:
    """Error outranks failed, failed outranks warned, warned outranks passed, passed outranks known; all skipped
    (or nothing) is skipped. Only error and failed gate (``exit_code``)."""
    seen = set(outcomes)
    for outcome in (Outcome.ERROR, Outcome.FAILED, Outcome.WARNED, Outcome.PASSED, Outcome.KNOWN):
        if outcome in seen:
            return outcome
    return Outcome.SKIPPED


def exit_code(reports: Iterable[Report]) -> int:
    """0 clean, 1 findings, 2 the harness could not do (part of) its job."""
    outcome = overall(report.outcome for report in reports)
    return {Outcome.ERROR: EXIT_ERROR, Outcome.FAILED: EXIT_FINDINGS}.get(outcome, EXIT_OK)


def error_report(engine: str, title: str, target: str, reason: str) -> Report:
    """The report of an engine that could not run: one error row with the reason."""
    return Report(engine, title, target, [Row(engine, "", Outcome.ERROR, reason)], summary=reason)
