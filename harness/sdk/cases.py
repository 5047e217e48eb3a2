"""The cases every SDK goes through, on each operation: read from the spec, never written per SDK.

- every documented status (and ``default``), answered with a spec-valid body;
- 429 with and without ``Retry-After``;
- malformed answers: not JSON, truncated JSON, JSON of the wrong shape;
- a connection dropped after the status line;
- client-side validation: a batch over the limit, an invalid attribute
  value, a missing field (from the event factory's invalid variants); these
  are answered by the target's real validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.answers import undocumented_status
from harness.factory import EventFactory
from harness.spec import Operation, Spec

RETRY_AFTER_SECONDS = 2  # long enough that a retry which ignores it is told apart


@dataclass(frozen=True)
class Case:
    id: str  # "<operationId>:<case>", also the scenario label
    operation: str
    name: str  # the matrix row
    kind: str  # success | error | throttled | malformed-success | malformed-error | dropped | client-validation
    status: int | None  # the scripted status (None: the target's own judgement)
    answers: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # what the adapter is asked to send

    def job(self) -> dict[str, Any]:
        batch = self.operation != "ingest"
        return {"id": self.id, "operation": "batch" if batch else "single", "events": self.events,
                "answers": {self.operation: self.answers}}


# malformed answers: (name, status, raw body, content type)
MALFORMED = (("not JSON", "<html><body>Bad gateway</body></html>", "text/html"),
             ("truncated JSON", '{"errors": [{"message": "x", "eventPayl', "application/json"),
             ("wrong shape", '{"errors": "none", "message": 42}', "application/json"))


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
    for status in operation.statuses:
        code = undocumented_status(operation) if status == "default" else int(status)
        answer: dict[str, Any] = {"status": status if status == "default" else code}
        kind = "success" if code < 300 else "throttled" if code == 429 else "error"
        name = f"{status} documented" if status != "default" else f"default ({code})"
        if code == 429:
            answer["headers"] = {"Retry-After": str(RETRY_AFTER_SECONDS)}
            name = f"429 with Retry-After: {RETRY_AFTER_SECONDS}"
        made.append(Case(f"{op}:{status}", op, name, kind, code, [answer], events()))
    made.append(Case(f"{op}:429-bare", op, "429 without Retry-After", "throttled", 429,
                     [{"status": 429, "headers": {"Retry-After": None}}], events()))
    success = 202
    for name, raw, content_type in MALFORMED:
        if operation.is_batch:
            made.append(Case(f"{op}:202-{name}", op, f"202, body {name}", "malformed-success", success,
                             [{"status": success, "content": raw, "content_type": content_type}], events()))
        made.append(Case(f"{op}:400-{name}", op, f"400, body {name}", "malformed-error", 400,
                         [{"status": 400, "content": raw, "content_type": content_type}], events()))
    made.append(Case(f"{op}:dropped", op, "connection dropped", "dropped", 503,
                     [{"status": 503, "drop": True}], events()))
    event_path = f"{operation.envelope_key}[]" if operation.is_batch else operation.envelope_key
    wanted = {  # the first invalid variant of the factory that fits each description
        "over the batch limit": lambda kind, path: kind == "too-many" and path == operation.envelope_key,
        "a value breaking its pattern": lambda kind, path: kind == "pattern",
        "an event missing a required field": lambda kind, path: kind.startswith("missing-") and path == event_path,
    }
    variants = factory.invalid_variants(operation)
    for name, fits in wanted.items():
        variant = next((v for v in variants if fits(*v.name.split(":", 1))), None)
        if variant is None:
            continue
        body = variant.body[operation.envelope_key]
        made.append(Case(f"{op}:invalid-{variant.name}", op, f"sends {name}", "client-validation", None, [],
                         body if operation.is_batch else [body]))
    return made
