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

from harness.schema_engine import is_rfc3339_datetime
from harness.sdk.cases import RETRY_AFTER_SECONDS, Case
from harness.sdk.outcomes import DRIVER_FAILED_TYPE, NOT_RUN_TYPE, CaseOutcome

CLOCK_SLACK = 0.2  # seconds: loopback timing is not exact


@dataclass(frozen=True)
class Cell:
    conforms: bool
    reason: str
    requests: int
    warns: bool = False  # conforms, but a caller learns of a mistake only from the server (⚠)
    applicable: bool = True  # False: the SDK cannot express the case (its driver lacks the capability)

    @property
    def verdict(self) -> str:
        if not self.applicable:
            return "n/a"
        return "breaks" if not self.conforms else "warns" if self.warns else "conforms"

    @property
    def mark(self) -> str:
        return {"conforms": "✅", "warns": "⚠", "breaks": "❌", "n/a": "⊘"}[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reason": self.reason, "requests": self.requests}


def judge(case: Case, outcome: CaseOutcome, sent: list[dict[str, Any]]) -> Cell:
    count = len(sent)
    raised = outcome.raised

    def cell(conforms: bool, reason: str) -> Cell:
        return Cell(conforms, reason, count)

    if not outcome.applicable:
        return Cell(True, f"not applicable: {raised.message if raised else 'the driver cannot express it'}", 0,
                    applicable=False)
    if raised and raised.type in (NOT_RUN_TYPE, DRIVER_FAILED_TYPE):  # the driver broke: its reason, in its cell
        return cell(False, raised.message)
    if raised and raised.crash and count:
        return cell(False, f"crashes with {raised.short}: {raised.message[:120]}")
    if case.kind in ("client-validation", "valid-edge", "timestamp"):
        return _client_side(case, outcome, sent)
    if count == 0:
        return cell(False, f"sent no request: {raised.short if raised else 'returned'} "
                           f"{(raised.message if raised else '')[:160]}".rstrip())
    if case.kind == "success":
        if raised:
            return cell(False, f"accepted events reported as an error ({raised.short})")
        data = (outcome.returned.data if outcome.returned else None) or ""
        returned = (outcome.returned.type if outcome.returned else "None").rsplit(".", 1)[-1]
        if case.status == 207 and not case.lists_rejected:  # the run's spec gives the 207 no per-event list
            return Cell(True, f"returns {returned}; not checkable with this spec: its 207 lists no rejected "
                              "events", count, applicable=False)
        if case.status == 207 and "eventPayload" not in data and "rejected" not in data:
            return cell(False, "partial failure returned without the rejected events")
        return cell(True, f"returns {returned}")
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


def _client_side(case: Case, outcome: CaseOutcome, sent: list[dict[str, Any]]) -> Cell:
    """What the SDK does with data the spec forbids (refuse it, or at least surface the server's refusal), data
    at a valid edge (send it as it is), and the timestamp forms a caller may hold (send RFC 3339 with an offset)."""
    count, raised = len(sent), outcome.raised
    if case.kind == "timestamp":
        return _timestamp(case, outcome, sent)
    valid = case.kind == "valid-edge"
    if count == 0:
        if not raised:
            return Cell(False, "sent nothing, yet reported success", 0)
        return Cell(not valid, f"{'refuses valid data' if valid else 'refused'} before sending ({raised.short}: "
                               f"{raised.message[:100]})", 0)
    first = sent[0]
    reached = "valid" if first["valid"] else f"invalid: {first['problem'][:140]}"
    if valid:
        if not first["valid"]:
            return Cell(False, f"changed valid data before sending; the server got {reached}", count)
        return (Cell(False, f"valid data reported as an error ({raised.short})", count) if raised
                else Cell(True, "sent as given and accepted", count))
    if first["valid"]:  # the SDK dropped or coerced what was wrong, and said nothing
        return Cell(True, f"changed it silently before sending: the server got a valid event ({case.description})",
                    count, warns=True)
    if not raised:
        return Cell(False, f"invalid data reported as accepted; the server got {reached}", count)
    return Cell(True, f"not refused before sending: the server got {reached}, and must reject it (it answered "
                      f"{raised.status or '?'}; the SDK raised {raised.short})", count, warns=True)


def _timestamp(case: Case, outcome: CaseOutcome, sent: list[dict[str, Any]]) -> Cell:
    naive = case.timestamp is not None and case.timestamp[1] == "naive"
    raised = outcome.raised
    if not sent:
        if raised and naive:
            return Cell(True, f"refuses a datetime without an offset before sending ({raised.short})", 0)
        return Cell(False, f"refuses a valid timestamp before sending ({raised.short if raised else 'returned'})", 0)
    event, name = _first_event(sent[0]["body"]), case.timestamp[0] if case.timestamp else ""
    # an SDK generated from an older spec may name the field otherwise (eventTimestamp for timestamp)
    value = event.get(name, next((v for k, v in event.items() if k.lower().endswith(name.lower())), "?"))
    if not isinstance(value, str) or not is_rfc3339_datetime(value):
        verdict = "without an offset" if naive else "not RFC 3339 with an offset"
        return Cell(False, f"sent {value!r}: {verdict}; the server must reject it", len(sent))
    if raised:
        return Cell(False, f"sent {value!r}, accepted, yet raised {raised.short}", len(sent))
    return Cell(True, f"sent {value!r}", len(sent))


def _first_event(body: Any) -> dict[str, Any]:
    envelope = next(iter(body.values()), None) if isinstance(body, dict) and body else None
    event = envelope[0] if isinstance(envelope, list) and envelope else envelope
    return event if isinstance(event, dict) else {}


def request_row(sent: list[dict[str, Any]]) -> Cell:
    """What the SDK sends, from its first request of a case the target answered normally."""
    if not sent:
        return Cell(False, "sent no request", 0)
    first = sent[0]
    event = _first_event(first["body"])
    fields = ", ".join(event) if isinstance(event, dict) else "?"
    stamp = next((v for k, v in event.items() if "imestamp" in k), "?") if isinstance(event, dict) else "?"
    details = (f"fields {fields}; timestamp {stamp!r}; auth {first['auth_scheme'] or 'none'}; "
               f"user agent {first['user_agent'][:40]!r}")
    if not first["valid"]:
        return Cell(False, f"sends a body the spec rejects ({first['problem'][:160]}); {details}", len(sent))
    if first["auth_scheme"].lower() != "bearer":
        return Cell(False, f"sends no bearer credential; {details}", len(sent))
    return Cell(True, details, len(sent))
