"""Scripted answers (the admin API's scenario mode): what the next requests to an operation answer.

The harness scripts the answers and reads back what came.

Set through the admin API (``PUT /_harness/scenario``), for checking clients
and SDKs against every documented answer on a real socket. An answer is a
documented status with a spec-valid body (or the spec's ``default``), with
chosen headers (``null`` removes one, e.g. ``Retry-After``), a raw body for
malformed answers, or ``drop`` to cut the connection after the status line.
Once the script is spent the target behaves normally again. While a
scenario is set, every request received is recorded with its validation
against the spec's request schema (credentials redacted) and its arrival
time, for ``GET /_harness/requests``.
"""

from __future__ import annotations

import base64
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx
import msgspec

from harness.answers import UNSET, Answer, documented_response
from harness.spec import Operation, Spec

MAX_RECORDED = 10_000


@dataclass(frozen=True)
class Scripted:
    response: httpx.Response
    drop: bool = False


@dataclass
class Script:
    label: str
    scripts: dict[str, deque[Scripted]] = field(default_factory=dict)


def parse_answer(spec: Spec, operation: Operation, data: Any) -> Scripted:
    """One answer from its JSON description; ``ValueError`` says what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("each answer is an object: {status, headers?, json?, content?, content_type?, drop?}")
    status = data.get("status", 202)
    if status != "default" and not (isinstance(status, int) and 100 <= status <= 599):
        raise ValueError(f"status {status!r}: an HTTP status or \"default\"")
    content = data.get("content")
    if content is not None and not isinstance(content, str):
        raise ValueError("content is text (or base64 with content_base64: true)")
    raw = (base64.b64decode(content) if data.get("content_base64") else content.encode()) if content else None
    headers = data.get("headers") or {}
    if not isinstance(headers, dict):
        raise ValueError("headers is an object of name to value (null removes a documented header)")
    answer = Answer(status, data.get("json", UNSET), raw, headers, data.get("content_type", "application/json"))
    return Scripted(documented_response(spec, operation, answer), bool(data.get("drop")))


class ScriptedAnswers:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.current: Script | None = None
        self.recorded: list[dict[str, Any]] = []

    def set(self, data: Any) -> dict[str, Any]:
        """``{"label": "...", "answers": {"ingest": [...], "ingestBatch": [...]}}``; replaces any scenario."""
        if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict):
            raise ValueError('send {"label": "...", "answers": {"<operationId>": [answer, ...]}}')
        scenario = Script(str(data.get("label", "")))
        for operation_id, answers in data.get("answers", {}).items():
            operation = self.spec.operations.get(operation_id)
            if operation is None or not isinstance(answers, list):
                known = ", ".join(self.spec.operations)
                raise ValueError(f"{operation_id!r}: give a list of answers for one of {known}")
            scenario.scripts[operation_id] = deque(parse_answer(self.spec, operation, a) for a in answers)
        self.current = scenario
        return self.describe()

    def clear(self) -> None:
        self.current = None
        self.recorded.clear()

    def describe(self) -> dict[str, Any]:
        if self.current is None:
            return {"active": False}
        return {"active": True, "label": self.current.label,
                "pending": {op: len(script) for op, script in self.current.scripts.items()}}

    def take(self, operation: Operation, headers: dict[bytes, bytes], body: bytes) -> Scripted | None:
        """Record the request (while a scenario is set) and return its scripted answer, if one is left."""
        if self.current is None:
            return None
        if len(self.recorded) < MAX_RECORDED:
            self.recorded.append(self._record(operation, headers, body))
        script = self.current.scripts.get(operation.operation_id)
        return script.popleft() if script else None

    def requests(self, label: str | None) -> list[dict[str, Any]]:
        return [r for r in self.recorded if label is None or r["label"] == label]

    def _record(self, operation: Operation, headers: dict[bytes, bytes], body: bytes) -> dict[str, Any]:
        authorization = headers.get(b"authorization", b"").decode(errors="replace")
        scheme = authorization.split(" ", 1)[0] if authorization else ""
        try:
            parsed: Any = msgspec.json.decode(body)
            error = self.spec.validator(operation.request_schema_pointer).first_error(parsed)
            problem = error.describe() if error is not None else None
        except msgspec.DecodeError:
            parsed, problem = body[:2000].decode(errors="replace"), "the body is not JSON"
        return {"label": self.current.label if self.current else "", "operation": operation.operation_id,
                "at": time.time(), "auth_scheme": scheme, "auth_present": bool(authorization),
                "user_agent": headers.get(b"user-agent", b"").decode(errors="replace"),
                "content_type": headers.get(b"content-type", b"").decode(errors="replace"),
                "body": parsed, "valid": problem is None, "problem": problem}
