"""Our single-response judges as schemathesis checks, and the unique-id hook of our runs.

Registration is global in schemathesis, so it happens once, on import; a
run enables the checks by name in its configuration, and the hook does
nothing outside ``unique_ids()``.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from schemathesis.checks import CheckContext
from schemathesis.core.transport import Response

from harness.contract import judges
from harness.facts import ID_FIELD
from harness.spec import Spec, load_spec


def _judge(name: str, response: Response, case: schemathesis.Case) -> None:
    spec: Spec = load_spec(_spec_path(case))
    operation = next(op for op in spec.operations.values()
                     if op.path == case.operation.path and op.method == case.operation.method.upper())
    seen = judges.Seen(response.status_code, {k.lower(): _first(v) for k, v in response.headers.items()},
                       response.content or b"")
    body: Any = case.body if isinstance(case.body, (dict, list)) else None
    problems = judges.JUDGES[name](spec, operation, body, seen)
    if problems:
        raise AssertionError("; ".join(problems))


def _spec_path(case: schemathesis.Case) -> str | None:
    """The spec file the run was built from (the bundled one when schemathesis was given no file)."""
    location = case.operation.schema.location or ""
    return location.removeprefix("file://") if location.startswith("file://") else None


def _first(value: Any) -> str:
    return value[0] if isinstance(value, list) else str(value)


@schemathesis.check
def error_responses(ctx: CheckContext, response: Response, case: schemathesis.Case) -> bool | None:
    """Every error is an ErrorResponse served as application/json, leaking no stack trace or path."""
    _judge(judges.ERROR_RESPONSES, response, case)
    return None


@schemathesis.check
def partial_failure(ctx: CheckContext, response: Response, case: schemathesis.Case) -> bool | None:
    """A batch's 202 lists no errors; a 207 lists some, each an event of the request echoed unchanged."""
    _judge(judges.PARTIAL_FAILURE, response, case)
    return None


@schemathesis.check
def throttling(ctx: CheckContext, response: Response, case: schemathesis.Case) -> bool | None:
    """A 429 carries a Retry-After in whole seconds."""
    _judge(judges.THROTTLING, response, case)
    return None


CUSTOM_CHECKS = (judges.ERROR_RESPONSES, judges.PARTIAL_FAILURE, judges.THROTTLING)


class UniqueIds:
    """Gives every generated event an id of its own, keeping a long id's length and type.

    Generated cases reuse ids (the spec's example, shrunk values such as "")
    with other payloads, which a correct target rejects as conflicts
    (semantics 3): a property of idempotency, probed by its own check, not a
    schema fault. An id at least as long as the unique prefix keeps its length
    (so one over ``maxLength`` stays invalid); a shorter one becomes the prefix.
    """

    def __init__(self, prefix: str) -> None:
        self._prefix, self._counter = prefix, itertools.count()

    def __call__(self, body: object) -> None:
        if not isinstance(body, dict):
            return
        events_ = [body.get("event")] + (body["events"] if isinstance(body.get("events"), list) else [])
        for event in events_:
            if isinstance(event, dict) and isinstance(event.get(ID_FIELD), str):
                unique = f"{self._prefix}{next(self._counter):06x}"
                event[ID_FIELD] = unique + event[ID_FIELD][len(unique):]


_active: list[UniqueIds] = []  # the running run's ids; at most one
_active_lock = threading.Lock()


@contextmanager
def unique_ids(prefix: str) -> Iterator[UniqueIds]:
    """Within the block, every request schemathesis sends gets unique event ids."""
    with _active_lock:
        if _active:
            raise RuntimeError("one schemathesis run at a time per process")
        _active.append(UniqueIds(prefix))
    try:
        yield _active[0]
    finally:
        _active.clear()


@schemathesis.hook
def before_call(context: Any, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    for ids in _active:
        ids(case.body)
