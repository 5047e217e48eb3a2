"""What a contract run finds: exchanges, findings and a verdict per (check, operation).

Every finding carries the exchange that shows it (request and response seen),
recorded with credentials already redacted, so no report can leak a token.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from harness.redaction import REDACTED

SECRET_HEADERS = frozenset({"authorization", "x-harness-admin", "x-api-key", "cookie"})
_EXCERPT = 600


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as recorded in findings: a credential keeps its scheme, never its value."""
    redacted = {}
    for name, value in headers:
        shown = value
        if name.lower() in SECRET_HEADERS and value:
            scheme, _, rest = value.partition(" ")
            shown = f"{scheme} {REDACTED}" if rest and scheme.lower() in {"bearer", "basic", "token"} else REDACTED
        redacted[name] = shown
    return redacted


def excerpt(raw: bytes, limit: int = _EXCERPT) -> str:
    text = raw.decode("utf-8", errors="replace")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(raw):,} bytes)"


@dataclass(frozen=True)
class Exchange:
    """One request sent and what came back (``status`` is None when no answer came)."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes
    status: int | None = None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    error: str | None = None

    def curl(self) -> str:
        """A ``curl`` line reproducing the request; a long body is shown truncated, and says so."""
        parts = ["curl", "-X", self.method, shlex.quote(self.url)]
        for name, value in self.request_headers.items():
            if name.lower() not in {"content-length", "host", "accept-encoding", "connection", "user-agent"}:
                parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.request_body:
            parts += ["--data-binary", shlex.quote(excerpt(self.request_body, 2000))]
        return " ".join(parts)

    def seen(self) -> str:
        """The response in one short paragraph."""
        if self.status is None:
            return f"no response: {self.error}"
        content_type = next((v for k, v in self.response_headers.items() if k.lower() == "content-type"), "none")
        retry_after = next((v for k, v in self.response_headers.items() if k.lower() == "retry-after"), None)
        extra = f", Retry-After: {retry_after}" if retry_after is not None else ""
        return f"{self.status} (Content-Type: {content_type}{extra}) {excerpt(self.response_body)}".rstrip()

    def to_dict(self) -> dict[str, object]:
        return {"curl": self.curl(), "status": self.status, "response": self.seen()}


@dataclass(frozen=True)
class Finding:
    """A contract fault: which check, on which operation, in words, and the exchange that shows it."""

    check: str
    operation: str
    message: str
    exchange: Exchange | None = None

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"check": self.check, "operation": self.operation, "message": self.message}
        if self.exchange is not None:
            data.update(self.exchange.to_dict())
        return data


@dataclass
class CheckResult:
    """The verdict of one check on one operation ("*" when a check spans both)."""

    check: str
    operation: str
    verdict: Verdict = Verdict.PASSED
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""  # why it was skipped, or what it covered

    def to_dict(self) -> dict[str, object]:
        return {"check": self.check, "operation": self.operation, "verdict": self.verdict.value,
                "reason": self.reason,
                "findings": [finding.to_dict() for finding in self.findings]}


class Results:
    """Collects verdicts as checks run; a failure on a (check, operation) pair outranks a pass.

    ``keeps`` says which checks the run reports: a judge seeing every response
    of a run limited to ``--checks auth`` still finds nothing for the others.
    """

    def __init__(self, keeps: Callable[[str], bool] = lambda check: True) -> None:
        self._results: dict[tuple[str, str], CheckResult] = {}
        self._keeps = keeps
        self._dropped = CheckResult("", "")

    def _entry(self, check: str, operation: str) -> CheckResult:
        if not self._keeps(check):
            return self._dropped
        return self._results.setdefault((check, operation), CheckResult(check, operation))

    def passed(self, check: str, operation: str, note: str = "") -> None:
        entry = self._entry(check, operation)
        if entry.verdict is Verdict.SKIPPED:
            entry.verdict = Verdict.PASSED
        if note and not entry.reason:
            entry.reason = note

    def fail(self, finding: Finding) -> None:
        if not self._keeps(finding.check):
            return
        entry = self._entry(finding.check, finding.operation)
        entry.verdict = Verdict.FAILED
        if all(f.message != finding.message for f in entry.findings):
            entry.findings.append(finding)

    def skip(self, check: str, operation: str, reason: str) -> None:
        entry = self._results.get((check, operation))
        if entry is None and self._keeps(check):
            self._results[(check, operation)] = CheckResult(check, operation, Verdict.SKIPPED, reason=reason)

    def all(self) -> list[CheckResult]:
        return sorted(self._results.values(), key=lambda r: (r.check, r.operation))

    @property
    def failures(self) -> list[Finding]:
        return [finding for result in self.all() for finding in result.findings]
