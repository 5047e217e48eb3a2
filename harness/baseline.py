"""Known findings: a baseline file that lets a team adopt the harness on a real API, then ratchet.

A real deployment has deviations its owners decide to live with for a
while. Recorded in a baseline (``--write-baseline PATH``), each is reported
as *known* and does not fail the run (``--baseline PATH``); a finding not in
the baseline is *new* and fails it; an entry no longer seen on a check that
ran is reported *fixed* (to delete); an entry past its ``expires`` date
fails again as *expired*. An entry may carry a ``reason``.

Each finding has a stable fingerprint: the engine, the check, its subject
(the operation or scenario) and the finding's message with whatever a run
generates taken out (URLs with their ports, ids, timestamps, long and
fractional numbers), so the same defect has the same fingerprint on every
run and every machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import msgspec

from harness.errors import ConfigError
from harness.redaction import SCRUBBER, clip
from harness.verdicts import Finding, Outcome, Report, Row

KNOWN, NEW, FIXED, EXPIRED = "known", "new", "fixed", "expired"

_GENERATED = [
    (re.compile(r"https?://[^\s'\"<>)]+?(?=[/\s'\"<>)]|$)"), "<url>"),  # scheme, host and port
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<id>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"), "<time>"),
    (re.compile(r"\b[\w-]*[0-9a-f]{8,}[\w-]*\b", re.I), "<id>"),  # hex-bearing ids: hc-1a2b3c4d-000017
    (re.compile(r"\d[\d,]*\.\d+"), "<n>"),  # measurements: 18.1 ms, 99.3%
    (re.compile(r"\d{1,3}(,\d{3})+|\d{5,}"), "<n>"),  # counts and sizes: 1,048,577 bytes, 86400
]


def normalised(message: str) -> str:
    for pattern, placeholder in _GENERATED:
        message = pattern.sub(placeholder, message)
    return " ".join(message.split())


def fingerprint(engine: str, row: Row, finding: Finding) -> str:
    key = "\x1f".join((engine, row.name, row.subject, normalised(finding.message)))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class Entry(msgspec.Struct, omit_defaults=True):
    fingerprint: str
    engine: str
    check: str
    subject: str
    message: str  # as first seen (for people; the fingerprint is what matches)
    reason: str = ""
    expires: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today


class Baseline(msgspec.Struct):
    """The file: a version and the entries, sorted, so that a diff shows what a change accepted."""

    version: int = 1
    entries: list[Entry] = msgspec.field(default_factory=list)

    def by_fingerprint(self) -> dict[str, Entry]:
        return {entry.fingerprint: entry for entry in self.entries}


def load(path: Path) -> Baseline:
    try:
        return msgspec.json.decode(path.read_bytes(), type=Baseline)
    except FileNotFoundError:
        raise ConfigError(f"baseline {path} not found: write one with --write-baseline {path}") from None
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise ConfigError(f"baseline {path} is not a baseline this harness reads: {error}") from None


def write(path: Path, reports: list[Report], previous: Baseline | None = None) -> int:
    """Every failing finding of ``reports`` as an entry (keeping a previous entry's reason and expiry)."""
    kept = previous.by_fingerprint() if previous else {}
    entries: dict[str, Entry] = {}
    for report in reports:
        for row in report.rows:
            if row.outcome not in (Outcome.FAILED, Outcome.KNOWN):
                continue
            for finding in row.findings:
                mark = fingerprint(report.engine, row, finding)
                old = kept.get(mark)
                entries[mark] = Entry(mark, report.engine, row.name, row.subject, clip(finding.message, 300),
                                      old.reason if old else "", old.expires if old else None)
    baseline = Baseline(entries=sorted(entries.values(), key=lambda e: (e.engine, e.check, e.subject, e.message)))
    path.parent.mkdir(parents=True, exist_ok=True)
    # committed to the user's repository: scrubbed like every other file the harness writes
    path.write_bytes(SCRUBBER.scrub_bytes(msgspec.json.format(msgspec.json.encode(baseline), indent=2) + b"\n"))
    return len(entries)


def judge(report: Report, baseline: Baseline, today: dt.date | None = None) -> Report:
    """``report`` with each finding marked new, known or expired, rows of known findings only *known*, and the
    entries no longer seen (on a check that ran) added as *fixed* rows."""
    today = today or dt.date.today()
    entries = baseline.by_fingerprint()
    seen: set[str] = set()
    rows = []
    for row in report.rows:
        if row.outcome is not Outcome.FAILED or not row.findings:
            rows.append(row)
            continue
        marked = []
        for finding in row.findings:
            mark = fingerprint(report.engine, row, finding)
            seen.add(mark)
            entry = entries.get(mark)
            status = NEW if entry is None else EXPIRED if entry.expired(today) else KNOWN
            reason = entry.reason if entry is not None else ""
            marked.append(msgspec.structs.replace(finding, baseline=status, baseline_note=reason))
        failing = [finding for finding in marked if finding.baseline != KNOWN]
        outcome = Outcome.FAILED if failing else Outcome.KNOWN
        message = row.message if failing else f"known: {row.message}"
        rows.append(msgspec.structs.replace(row, outcome=outcome, message=message, findings=failing + [
            finding for finding in marked if finding.baseline == KNOWN]))
    ran = {(row.name, row.subject) for row in report.rows if row.outcome is not Outcome.SKIPPED}
    for entry in baseline.entries:
        if entry.engine == report.engine and entry.fingerprint not in seen and (entry.check, entry.subject) in ran:
            fixed = Finding(f"fixed: {entry.message}", baseline=FIXED, baseline_note=entry.reason)
            rows.append(Row(entry.check, entry.subject, Outcome.PASSED,
                            f"fixed since the baseline: {entry.message} (delete its entry)", [fixed],
                            group="baseline"))
    judged = msgspec.structs.replace(report, rows=rows)
    fixed = sum(row.group == "baseline" for row in rows)
    judged.summary = (f"{report.summary}; against the baseline: {len(judged.failed)} failing, "
                      f"{judged.count(Outcome.KNOWN)} known, {fixed} fixed").lstrip("; ")
    return judged
