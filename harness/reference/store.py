"""Durable, idempotent event storage in SQLite (docs/contract.md#idempotent-retry, #partial-failure).

Events are keyed by (tenant, id) and keep their canonical payload (keys
sorted), which is also what a retry is compared with.
Every call runs on one writer thread, so deciding (new, retry, conflict) and
committing are a single step that concurrent requests cannot interleave. A
call returns only after its transaction commits: an event acknowledged to a
client survives ``kill -9`` of the server (WAL mode; with
``synchronous=NORMAL`` a commit survives the process, an OS crash may lose
the last transactions).
"""

from __future__ import annotations

import contextlib
import enum
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

_canonical = msgspec.json.Encoder(order="sorted").encode
_LOOKUP_CHUNK = 900

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    tenant TEXT NOT NULL,
    id TEXT NOT NULL,
    payload BLOB NOT NULL,
    operation TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tenant_counts (
    tenant TEXT PRIMARY KEY,
    acknowledged INTEGER NOT NULL DEFAULT 0,
    stored INTEGER NOT NULL DEFAULT 0,
    retried INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0
);
"""


class _SomeKnown(Exception):
    """The fast path met an id already held: roll back and decide event by event."""


class Decision(enum.Enum):
    NEW = "new"
    RETRY = "retry"  # same id, same payload: acknowledged again, stored once
    CONFLICT = "conflict"  # same id, another payload: rejected


PreparedEvent = tuple[str, bytes]  # (id, canonical payload)


NO_ID = "harness-no-id:"  # the storage key of an event sent without an id (a spec may make it optional)


def prepare(events: Sequence[dict[str, Any]], id_field: str) -> list[PreparedEvent]:
    """Each event's id and canonical JSON (keys sorted), compared byte for byte on retry.

    An event without an id (Togai's newer document makes it optional) cannot be told from a retry: it is
    stored as a new event under a key of its own, never a 5xx.
    """
    return [(str(event[id_field]) if id_field in event else f"{NO_ID}{uuid.uuid4().hex}", _canonical(event))
            for event in events]


@dataclass(frozen=True)
class TenantCounts:
    acknowledged: int = 0
    stored: int = 0
    retried: int = 0
    rejected: int = 0


class EventStore:
    """SQLite storage; ``path`` is a file, or ``:memory:`` for an ephemeral run."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA cache_size=-16000")  # 16 MiB: memory stays flat as events grow
        self._db.executescript(_SCHEMA)

    def ingest(self, tenant: str, operation: str, events: Sequence[PreparedEvent]) -> list[Decision]:
        """Decide and store ``events`` in one transaction; committed when this returns.

        The common case, every id new, is one ``INSERT OR IGNORE`` pass: if it
        inserted every row, nothing needed looking up. Otherwise the
        transaction is rolled back and each event decided against what is held.
        """
        with self._lock:
            rows = [(tenant, event_id, payload, operation) for event_id, payload in events]
            if len({event_id for event_id, _ in events}) == len(events):
                with self._transaction():
                    before = self._db.total_changes
                    self._db.executemany("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?)", rows)
                    if self._db.total_changes - before == len(rows):
                        self._count(tenant, len(rows), 0, 0)
                        return [Decision.NEW] * len(rows)
                    raise _SomeKnown
            return self._decide(tenant, operation, events)

    def _decide(self, tenant: str, operation: str, events: Sequence[PreparedEvent]) -> list[Decision]:
        known = self._known_payloads(tenant, [event_id for event_id, _ in events])
        decisions: list[Decision] = []
        rows = []
        for event_id, payload in events:
            prior = known.get(event_id)
            if prior is None:
                known[event_id] = payload
                rows.append((tenant, event_id, payload, operation))
                decisions.append(Decision.NEW)
            elif prior == payload:
                decisions.append(Decision.RETRY)
            else:
                decisions.append(Decision.CONFLICT)
        retried = decisions.count(Decision.RETRY)
        with self._transaction():
            self._db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", rows)
            self._count(tenant, len(rows), retried, len(decisions) - len(rows) - retried)
        return decisions

    def _count(self, tenant: str, stored: int, retried: int, rejected: int) -> None:
        self._db.execute("INSERT INTO tenant_counts VALUES (?, ?, ?, ?, ?) ON CONFLICT(tenant) DO UPDATE SET "
                         "acknowledged = acknowledged + excluded.acknowledged, stored = stored + excluded.stored, "
                         "retried = retried + excluded.retried, rejected = rejected + excluded.rejected",
                         (tenant, stored + retried, stored, retried, rejected))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Commit on success; roll back on any exception (``_SomeKnown`` is then swallowed)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except _SomeKnown:
            self._db.execute("ROLLBACK")
            return
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _known_payloads(self, tenant: str, ids: list[str]) -> dict[str, bytes]:
        known: dict[str, bytes] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start:start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            known.update(self._db.execute(
                f"SELECT id, payload FROM events WHERE tenant = ? AND id IN ({marks})", (tenant, *chunk)))
        return known

    def counts(self, tenant: str) -> TenantCounts:
        with self._lock:
            row = self._db.execute("SELECT acknowledged, stored, retried, rejected FROM tenant_counts "
                                   "WHERE tenant = ?", (tenant,)).fetchone()
        return TenantCounts(*row) if row else TenantCounts()

    def lookup(self, tenant: str, event_id: str) -> tuple[bytes, str] | None:
        """The stored canonical payload and operation of ``event_id``, if any."""
        with self._lock:
            row = self._db.execute("SELECT payload, operation FROM events WHERE tenant = ? AND id = ?",
                                   (tenant, event_id)).fetchone()
        return (bytes(row[0]), str(row[1])) if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()
