"""Judgements of one response, shared by the schemathesis run and our own probes.

Each judge is a plain function of the operation, the request body sent and
the response seen; it returns the problems in words (empty when the response
is right). ``schemathesis_checks`` registers the same functions as
schemathesis checks, so a fault is named the same wherever it is seen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from harness.spec import Operation, Spec

ERROR_RESPONSES = "error_responses"
PARTIAL_FAILURE = "partial_failure"
THROTTLING = "throttling"

# What a leaked stack trace or internal path looks like in a message, across common stacks.
_LEAK = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)"
    r"|\bat .+\.(?:js|ts):\d+:\d+|(?:^|[\s\"'(])/(?:usr|home|srv|opt|var|app|root|tmp)/[\w./-]+"
    r"|[A-Za-z]:\\\\?[\w\\.-]+\\|goroutine \d+ \[|\.(?:py|rb|php|go|java|cs):\d+\b|Exception in thread",
)


@dataclass(frozen=True)
class Seen:
    """One response as the judges see it."""

    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        return msgspec.json.decode(self.body)


Judge = Callable[[Spec, Operation, Any, Seen], list[str]]


def error_response(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str]:
    """Check 6: every error is an ``ErrorResponse`` served as JSON, leaking no trace or path."""
    if seen.status < 400:
        return []
    if seen.content_type != "application/json":
        return [f"error {seen.status} served as {seen.content_type or 'no Content-Type'}, not application/json"]
    try:
        body = seen.json()
    except msgspec.DecodeError:
        return [f"error {seen.status} body is not JSON"]
    response = operation.response_for(seen.status)
    if response is not None and response.schema_pointer:
        errors = sorted(spec.validator(response.schema_pointer).iter_errors(body), key=str)
        if errors:
            return [f"error {seen.status} body breaks {response.schema_pointer.rsplit('/', 1)[-1]}: "
                    f"{errors[0].message[:200]}"]
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, str) and (leak := _LEAK.search(message)):
        return [f"error {seen.status} message leaks internals: {leak.group(0).strip()[:120]!r}"]
    return []


def batch_answer(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str]:
    """Check 5, one response: 202 lists no errors; 207 lists some, each an event of the request, unchanged."""
    if not operation.is_batch or seen.status not in (202, 207):
        return []
    try:
        body = seen.json()
    except msgspec.DecodeError:
        return [f"{seen.status} body is not JSON"]
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return [f"{seen.status} body has no errors list"]
    if seen.status == 202:
        return [] if not errors else [f"202 lists {len(errors)} rejected events (a partial failure is 207)"]
    sent = request.get(operation.envelope_key) if isinstance(request, dict) else None
    if not errors:
        return ["207 lists no rejected events"]
    if not isinstance(sent, list):
        return []
    if len(errors) >= len(sent):
        return [f"207 rejects all {len(sent)} events (that is a 400)"]
    for error in errors:
        payload = error.get("eventPayload") if isinstance(error, dict) else None
        if payload not in sent:
            return [f"207 echoes an eventPayload that is not an event of the request, unchanged: "
                    f"{msgspec.json.encode(payload)[:200].decode(errors='replace')}"]
    return []


def retry_after(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str]:
    """Check 8, one response: a 429 says when to come back, in whole seconds."""
    if seen.status != 429:
        return []
    value = seen.headers.get("retry-after")
    if value is None:
        return ["429 without a Retry-After header"]
    if not value.strip().isdigit():
        return [f"429 Retry-After {value[:40]!r} is not whole seconds"]
    return []


JUDGES: dict[str, Judge] = {ERROR_RESPONSES: error_response, PARTIAL_FAILURE: batch_answer, THROTTLING: retry_after}


def judge(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[tuple[str, str]]:
    """Every judge's problems with one response, as (check, problem) pairs."""
    return [(check, problem) for check, function in JUDGES.items()
            for problem in function(spec, operation, request, seen)]
