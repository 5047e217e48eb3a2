"""Verdicts of the SDK matrix, from observed behaviour only: what was sent, what the call did.

One rule per kind of case, the same for every SDK and version: an accepted
event must not be reported as an error, an error must not be reported as
success, a 429 is surfaced or waited out for its ``Retry-After``, a request
no retry can change is not retried, and no documented answer may crash the
SDK with an unhandled ``TypeError`` and the like.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.sdk.cases import RETRY_AFTER_SECONDS, Case
from harness.sdk.outcomes import CaseOutcome

CRASHES = {"builtins.TypeError", "builtins.AttributeError", "builtins.KeyError", "builtins.IndexError",
           "builtins.UnboundLocalError", "builtins.NameError"}
CLOCK_SLACK = 0.2  # seconds: loopback timing is not exact


@dataclass(frozen=True)
class Cell:
    conforms: bool
    reason: str
    requests: int

    @property
    def verdict(self) -> str:
        return "conforms" if self.conforms else "breaks"

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reason": self.reason, "requests": self.requests}


def judge(case: Case, outcome: CaseOutcome, sent: list[dict[str, Any]]) -> Cell:
    count = len(sent)
    raised = outcome.raised

    def cell(conforms: bool, reason: str) -> Cell:
        return Cell(conforms, reason, count)

    if raised and raised.type in CRASHES and count:
        return cell(False, f"crashes with {raised.short}: {raised.message[:120]}")
    if case.kind == "client-validation":
        if count == 0:
            return cell(bool(raised), f"refused before sending ({raised.short})" if raised
                        else "sent nothing, yet reported success")
        return cell(bool(raised), f"no client-side check; surfaced the target's answer ({raised.short})"
                    if raised else "invalid data reported as accepted")
    if count == 0:
        return cell(False, f"sent no request: {raised.short if raised else 'returned'} "
                           f"{(raised.message if raised else '')[:160]}".rstrip())
    if case.kind == "success":
        if raised:
            return cell(False, f"accepted events reported as an error ({raised.short})")
        data = (outcome.returned.data if outcome.returned else None) or ""
        if case.status == 207 and "eventPayload" not in data and "rejected" not in data:
            return cell(False, "partial failure returned without the rejected events")
        returned = outcome.returned.type if outcome.returned else "None"
        return cell(True, f"returns {returned.rsplit('.', 1)[-1]}")
    if case.kind == "throttled":
        return _throttled(case, outcome, sent, cell)
    if case.kind == "error" and count > 1 and case.status is not None and case.status >= 500:
        end = f"raises {raised.short}" if raised else "the retry was accepted"
        return cell(True, f"retried {count - 1} time(s); {end}")
    if not raised:
        what = {"error": f"{case.status} answer", "malformed-error": "malformed error answer",
                "dropped": "dropped connection"}.get(case.kind)
        if what:
            return cell(False, f"{what} reported as success")
        return cell(True, "returns (the malformed body is ignored)")
    if case.kind == "error" and count > 1 and case.status is not None and case.status < 500:
        return cell(False, f"retried a {case.status} {count - 1} time(s), which no retry can change")
    if case.kind == "error" and raised.status not in (case.status, None):
        return cell(False, f"raises with status {raised.status} for a {case.status}")
    return cell(True, f"raises {raised.short}")


def _throttled(case: Case, outcome: CaseOutcome, sent: list[dict[str, Any]], cell: Any) -> Cell:
    with_header = case.answers and (case.answers[0].get("headers") or {}).get("Retry-After") is not None
    if len(sent) > 1:
        gap = sent[1]["at"] - sent[0]["at"]
        if with_header and gap < RETRY_AFTER_SECONDS - CLOCK_SLACK:
            return cell(False, f"retried after {gap:.2f}s, before the Retry-After of {RETRY_AFTER_SECONDS}s")
        return cell(True, f"waited {gap:.1f}s and retried" + (" (Retry-After honoured)" if with_header else ""))
    if outcome.raised:
        return cell(True, f"raises {outcome.raised.short} for the caller to retry")
    return cell(False, "429 reported as success")


def request_row(sent: list[dict[str, Any]]) -> Cell:
    """What the SDK sends, from its first request of a case the target answered normally."""
    if not sent:
        return Cell(False, "sent no request", 0)
    first = sent[0]
    body = first["body"]
    envelope = next(iter(body.values()), None) if isinstance(body, dict) and body else None
    event = envelope[0] if isinstance(envelope, list) and envelope else envelope
    fields = ", ".join(event) if isinstance(event, dict) else "?"
    stamp = next((v for k, v in event.items() if "imestamp" in k), "?") if isinstance(event, dict) else "?"
    details = (f"fields {fields}; timestamp {stamp!r}; auth {first['auth_scheme'] or 'none'}; "
               f"user agent {first['user_agent'][:40]!r}")
    if not first["valid"]:
        return Cell(False, f"sends a body the spec rejects ({first['problem'][:160]}); {details}", len(sent))
    if first["auth_scheme"].lower() != "bearer":
        return Cell(False, f"sends no bearer credential; {details}", len(sent))
    return Cell(True, details, len(sent))
