"""What a contract run records: the exchanges it saw and one verdict row per (check, operation).

Every finding carries the exchange that shows it (request and response seen),
recorded with credentials already redacted, so no report can leak a token.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.redaction import REDACTED
from harness.verdicts import Finding, Outcome, Row

USE_TOKEN = object()  # a probe's ``auth`` default: send the run's bearer token
# the throttling check's name, here so that the session (which waits out 429s and reports on them) and the fuzz
# engine name it without importing the check module (which imports the session's context: a cycle)
THROTTLING = "throttling"
SECRET_HEADERS = frozenset({"authorization", "x-harness-admin", "x-api-key", "cookie"})
_EXCERPT = 600


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

    def finding(self, message: str) -> Finding:
        return Finding(message, self.curl(), self.seen())


@dataclass(frozen=True)
class FollowUp:
    """The request a flood sends the moment it is first throttled: after that 429's ``Retry-After`` (is it
    honest?), or at once (as another tenant: is its quota its own?)."""

    body: Any
    auth: object = USE_TOKEN
    after_retry_after: bool = True
    acknowledge: bool = True
    also: tuple[Any, ...] = ()  # more bodies sent right after it, one by one (a quota drained stays drained)

    @property
    def bodies(self) -> tuple[Any, ...]:
        return (self.body, *self.also)


class Results:
    """Collects verdict rows as checks run; a failure on a (check, operation) pair outranks a pass.

    ``keeps`` says which checks the run reports: a judge seeing every response
    of a run limited to ``--checks auth`` still finds nothing for the others.
    """

    def __init__(self, keeps: Callable[[str], bool] = lambda check: True) -> None:
        self._rows: dict[tuple[str, str], Row] = {}
        self._keeps = keeps
        self._unverified: dict[tuple[str, str], list[str]] = {}

    def _row(self, check: str, operation: str) -> Row | None:
        if not self._keeps(check):
            return None
        return self._rows.setdefault((check, operation), Row(check, operation, group="contract"))

    def passed(self, check: str, operation: str, note: str = "") -> None:
        row = self._row(check, operation)
        if row is None:
            return
        if row.outcome is Outcome.SKIPPED:
            row.outcome, row.message = Outcome.PASSED, note or row.message
        elif note and not row.message:
            row.message = note

    def fail(self, check: str, operation: str, message: str, exchange: Exchange | None = None) -> None:
        row = self._row(check, operation)
        if row is None or any(f.message == message for f in row.findings):
            return
        row.findings.append(exchange.finding(message) if exchange is not None else Finding(message))
        row.outcome, row.message = Outcome.FAILED, row.findings[0].message

    def unverified(self, check: str, operation: str, what: str) -> None:
        """A probe the target never answered within the run's bounds (429 or 503 after every wait): not judged.

        A check with such a probe and no finding cannot be called passed: its row is an error (exit 2) that
        says what could not be told; a finding elsewhere in it still fails it.
        """
        if self._keeps(check):
            self._unverified.setdefault((check, operation), []).append(what)

    def skip(self, check: str, operation: str, reason: str) -> None:
        if (check, operation) not in self._rows and self._keeps(check):
            self._rows[(check, operation)] = Row(check, operation, Outcome.SKIPPED, reason, group="contract")

    def rows(self) -> list[Row]:
        for (check, operation), probes in self._unverified.items():
            row = self._rows.setdefault((check, operation), Row(check, operation, group="contract"))
            if row.outcome is not Outcome.FAILED:
                more = f" (and {len(probes) - 1} more)" if len(probes) > 1 else ""
                row.outcome = Outcome.ERROR
                row.message = f"not verified: {probes[0]}{more}"
        return sorted(self._rows.values(), key=lambda r: (r.name, r.subject))
