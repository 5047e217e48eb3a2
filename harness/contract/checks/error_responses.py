"""Errors: every error an ErrorResponse served as JSON, leaking no trace or path; malformed requests get a 4xx,
never a 5xx (docs/contract.md#whole-request-rejection).
"""

from __future__ import annotations

import re
from typing import Any

from harness.contract.context import ProbeContext
from harness.contract.registry import Seen, judge, probe
from harness.facts import REJECTED, WRONG_CONTENT_TYPE
from harness.json_text import NotInteroperable, NotJson
from harness.spec import Operation, Spec

ERROR_RESPONSES = "error_responses"

# What a leaked stack trace or internal path looks like in a message, across common stacks.
_LEAK = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)"
    r"|\bat .+\.(?:js|ts):\d+:\d+|(?:^|[\s\"'(])/(?:usr|home|srv|opt|var|app|root|tmp)/[\w./-]+"
    r"|[A-Za-z]:\\\\?[\w\\.-]+\\|goroutine \d+ \[|\.(?:py|rb|php|go|java|cs):\d+\b|Exception in thread",
)

MALFORMED: tuple[tuple[str, bytes, str, tuple[int, ...]], ...] = (
    ("malformed JSON", b'{"event": {"id": ', "application/json", REJECTED),
    ("invalid UTF-8", b'{"event": "\xff\xfe"}', "application/json", REJECTED),
    ("deeply nested JSON", b"[" * 100_000 + b"]" * 100_000, "application/json", REJECTED),
    ("a JSON array", b"[]", "application/json", REJECTED),
    ("a JSON string", b'"event"', "application/json", REJECTED),
    ("JSON null", b"null", "application/json", REJECTED),
    ("a huge number", b'{"event": 1e999999}', "application/json", REJECTED),
    ("an empty body", b"", "application/json", REJECTED),
    ("a text/plain body", b'{"event": {}}', "text/plain", WRONG_CONTENT_TYPE),
)


@probe(ERROR_RESPONSES)
def error_responses(ctx: ProbeContext) -> None:
    """Malformed requests get a 4xx ErrorResponse as JSON, never a 5xx or a trace."""
    for operation in (ctx.single, ctx.batch):
        for what, raw, content_type, allowed in MALFORMED:
            sent = ctx.send(operation, None, ERROR_RESPONSES, raw=raw, content_type=content_type)
            ctx.expect(ERROR_RESPONSES, operation, sent, allowed, what)
        ctx.passed(ERROR_RESPONSES, operation, f"{len(MALFORMED)} malformed requests")


@judge(ERROR_RESPONSES)
def error_response(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[str] | None:
    """Every error is an ``ErrorResponse`` served as JSON, leaking no trace or path."""
    if seen.status < 400:
        return None
    if seen.content_type != "application/json":
        return [f"error {seen.status} served as {seen.content_type or 'no Content-Type'}, not application/json"]
    try:
        decoded = seen.decoded()
    except NotJson:
        return [f"error {seen.status} body is not JSON"]
    except NotInteroperable as problem:
        return [f"error {seen.status} body is JSON only to some parsers: {problem}"]
    # a member named twice: said, then the value most parsers keep (the last) judged as any other
    problems = [f"error {seen.status} body: {repeated.describe()}" for repeated in decoded.repeated[:3]]
    body = decoded.value
    response = operation.response_for(seen.status)
    if response is not None and response.schema_pointer:
        errors = sorted(spec.validator(response.schema_pointer).iter_errors(body), key=str)
        if errors:
            return [*problems, f"error {seen.status} body breaks {response.schema_pointer.rsplit('/', 1)[-1]}: "
                               f"{errors[0].message[:200]}"]
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, str) and (leak := _LEAK.search(message)):
        problems.append(f"error {seen.status} message leaks internals: {leak.group(0).strip()[:120]!r}")
    return problems
