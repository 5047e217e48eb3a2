"""The cases every SDK goes through, on each operation: read from the spec, never written per SDK.

- every documented status (and ``default``), answered with a spec-valid body;
- 429 with and without ``Retry-After``;
- malformed answers: not JSON, truncated JSON, JSON of the wrong shape, and errors JSON parsers read
  differently (a member named twice, bytes not UTF-8, a lone surrogate escape);
- a connection dropped after the status line;
- every constraint of the spec, through the SDK (the event factory's
  variants): each invalid one (a required field missing, ``maxLength`` + 1,
  a pattern broken, ``maxItems`` + 1, ``minItems`` - 1, an unknown
  property...) must be refused before sending, or is marked: a caller then
  learns of the mistake only from the server; each valid edge (``maxLength``
  exactly, in multi-byte characters; exactly ``maxItems``) must be sent and
  accepted. These are answered by the target's real validation;
- timestamps on the wire: the event's date-time field handed to the SDK as
  an aware UTC datetime, one with another offset, a naive datetime and a
  string ending in ``Z``; what goes out must be RFC 3339 with an offset.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from harness.answers import undocumented_status
from harness.factory import EventFactory
from harness.sdk.protocol import Call, TimestampChoice
from harness.spec import Operation, Spec

RETRY_AFTER_SECONDS = 2  # long enough that a retry which ignores it is told apart


@dataclass(frozen=True)
class Case:
    id: str  # "<operationId>:<case>", also the scenario label
    operation: str
    name: str  # the matrix row
    kind: str  # success | error | throttled | malformed-success | malformed-error | dropped | client-validation
    #            | valid-edge | timestamp
    status: int | None  # the scripted status (None: the target's own judgement)
    answers: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # what the adapter is asked to send
    batch: bool = False
    timestamp: tuple[str, str] | None = None  # (the event's date-time field, the form the child hands the SDK)
    description: str = ""  # what an invalid case breaks, for its cell
    lists_rejected: bool = True  # a 207 case: the spec's 207 lists the rejected events (else nothing to check)

    def job(self) -> dict[str, Any]:
        """The target's scripted answers for this case (by the spec's operation id, as the target knows it)."""
        return {"answers": {self.operation: self.answers}}

    def call(self) -> Call:
        """The case as the driver protocol's call (the canonical operation names, whatever the spec calls them)."""
        timestamp = TimestampChoice(*self.timestamp) if self.timestamp else None  # type: ignore[arg-type]
        return Call(self.id, "ingestBatch" if self.batch else "ingest", self.events, timestamp)


TIMESTAMP_FORMS = {  # the child's names of the forms (harness/sdk/child.py) and the matrix rows
    "utc": "an aware UTC datetime", "offset": "a datetime at +05:30", "naive": "a naive datetime",
    "z-string": "a string ending in Z"}


# malformed answers: (name, raw body, content type), as a 400 and (to a batch) as a 202
MALFORMED = (("not JSON", b"<html><body>Bad gateway</body></html>", "text/html"),
             ("truncated JSON", b'{"errors": [{"message": "x", "eventPayl', "application/json"),
             ("wrong shape", b'{"errors": "none", "message": 42}', "application/json"))
# errors JSON parsers read differently (harness.json_text): which message does the SDK hand its caller, if any?
DISAGREED = (("naming message twice", b'{"message": "refused", "message": "refused, said twice"}',
              "application/json"),
             ("not UTF-8", b'{"message": "refus\xe9 (Latin-1)"}', "application/json"),
             ("with a lone surrogate", b'{"message": "refused \\ud800"}', "application/json"))


def _raw(status: int, raw: bytes, content_type: str) -> dict[str, Any]:
    """A scripted answer of exactly these bytes (base64 on the way to the target: they need not be UTF-8)."""
    return {"status": status, "content": base64.b64encode(raw).decode(), "content_base64": True,
            "content_type": content_type}


def cases(spec: Spec, factory: EventFactory) -> list[Case]:
    found: list[Case] = []
    for operation in spec.operations.values():
        found += _operation_cases(spec, operation, factory)
    return found


def _operation_cases(spec: Spec, operation: Operation, factory: EventFactory) -> list[Case]:
    op = operation.operation_id

    def events(count: int = 2) -> list[dict[str, Any]]:
        return factory.events(count if operation.is_batch else 1)

    made = []
    batch = operation.is_batch
    for status in operation.statuses:
        code = undocumented_status(operation) if status == "default" else int(status)
        answer: dict[str, Any] = {"status": status if status == "default" else code}
        kind = "success" if code < 300 else "throttled" if code == 429 else "error"
        name = f"{status} documented" if status != "default" else f"default ({code})"
        if code == 429:
            answer["headers"] = {"Retry-After": str(RETRY_AFTER_SECONDS)}
            name = f"429 with Retry-After: {RETRY_AFTER_SECONDS}"
        made.append(Case(f"{op}:{status}", op, name, kind, code, [answer], events(), batch,
                         lists_rejected=code != 207 or spec.lists_errors(operation, str(status))))
    made.append(Case(f"{op}:429-bare", op, "429 without Retry-After", "throttled", 429,
                     [{"status": 429, "headers": {"Retry-After": None}}], events(), batch))
    success = 202
    for name, raw, content_type in MALFORMED:
        if operation.is_batch:
            made.append(Case(f"{op}:202-{name}", op, f"202, body {name}", "malformed-success", success,
                             [_raw(success, raw, content_type)], events(), batch))
        made.append(Case(f"{op}:400-{name}", op, f"400, body {name}", "malformed-error", 400,
                         [_raw(400, raw, content_type)], events(), batch))
    for name, raw, content_type in DISAGREED:
        made.append(Case(f"{op}:400-{name}", op, f"400, body {name}", "malformed-error", 400,
                         [_raw(400, raw, content_type)], events(), batch))
    made.append(Case(f"{op}:dropped", op, "connection dropped", "dropped", 503,
                     [{"status": 503, "drop": True}], events(), batch))
    return made + _constraint_cases(operation, factory) + _timestamp_cases(spec, operation, factory)


def _constraint_cases(operation: Operation, factory: EventFactory) -> list[Case]:
    """Each variant of the spec's constraints that an SDK's two calls can express (events, not envelopes)."""
    made = []
    for variant in factory.variants(operation):
        if variant.constraint is None or not variant.constraint.path:
            continue  # the envelope itself changed: no call of an SDK sends that
        sent = variant.body.get(operation.envelope_key) if isinstance(variant.body, dict) else None
        events = sent if operation.is_batch else [sent]
        if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
            continue  # the envelope itself broken: no SDK call sends that
        kind = "valid-edge" if variant.valid else "client-validation"
        name = f"{'accepts' if variant.valid else 'sends'} {variant.description} ({variant.name.split(':', 1)[1]})"
        made.append(Case(f"{operation.operation_id}:{variant.name}", operation.operation_id, name, kind, None, [],
                         events, operation.is_batch, description=variant.description))
    return made


def _timestamp_cases(spec: Spec, operation: Operation, factory: EventFactory) -> list[Case]:
    field_name = next((constraint.path[-1] for constraint in spec.constraints(operation)
                       if constraint.keyword == "format" and constraint.value == "date-time"), None)
    if field_name is None:
        return []
    return [Case(f"{operation.operation_id}:timestamp-{form}", operation.operation_id, f"timestamp given as {shown}",
                 "timestamp", 202, [{"status": 202}], factory.events(1), operation.is_batch,
                 timestamp=(field_name, form))
            for form, shown in TIMESTAMP_FORMS.items()]
