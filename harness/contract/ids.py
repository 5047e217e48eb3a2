"""Unique event ids for every request schemathesis sends, through its ``before_call`` hook.

Generated cases reuse ids (the spec's example, shrunk values such as "") with
other payloads, which a correct target rejects as conflicts
(docs/contract.md#partial-failure): a property the idempotency check probes
on its own, not a schema fault. The hook is registered once, on import, and
does nothing outside ``unique_ids()``.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis

from harness.facts import ID_FIELD


class UniqueIds:
    """Gives every generated event an id of its own, keeping a long id's length and type.

    An id at least as long as the unique prefix keeps its length
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
