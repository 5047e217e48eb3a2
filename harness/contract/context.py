"""What a sequence probe works with: the spec, a recording session, events, verdicts and the read-back.

Whether an event was stored is asked of the read-back when the target
offers one, and otherwise black-box: an event with the same id and another
payload is a conflict (400) only if the first was stored
(docs/contract.md#partial-failure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.admin_client import AdminClient, Counts
from harness.contract.model import FollowUp, Results
from harness.contract.session import Flood, ProbeSession, Sent, UnauthBudget
from harness.factory import EventFactory
from harness.facts import DOCUMENTED_QUOTA, ID_FIELD, TRANSIENT
from harness.redaction import Secret
from harness.spec import Operation, Spec

FLOOD_QUOTAS = 3  # a flood sends at most three seconds' worth of the documented quota ...
FLOOD_THREADS = 32  # ... from this many threads at once ...
FLOOD_SECONDS = 3.0  # ... for at most this long


@dataclass
class ProbeContext:
    spec: Spec
    session: ProbeSession
    factory: EventFactory
    results: Results
    readback: AdminClient | None
    max_body_bytes: int | None
    budget: UnauthBudget
    before: Counts | None = None  # the read-back's counts before the first probe
    other: Secret | None = None  # a second tenant's token (--other-token): ids and quotas are per tenant

    @property
    def single(self) -> Operation:
        return self.spec.single

    @property
    def batch(self) -> Operation:
        return self.spec.batch

    def send(self, operation: Operation, body: Any, check: str, **options: Any) -> Sent:
        return self.session.send(operation, body, check=check, **options)

    def expect(self, check: str, operation: Operation, sent: Sent, allowed: tuple[int, ...], what: str) -> bool:
        """Record a finding unless ``sent`` was answered with one of ``allowed``.

        A 429 or 503 still there after the session waited it out within the run's bounds tells nothing
        about this check: the probe is recorded as not verified, never as a finding (unless a throttling
        finding already explains it: a lying or missing Retry-After).
        """
        if sent.status in allowed:
            return True
        if sent.status in TRANSIENT and sent.explained:
            return False
        if sent.status in TRANSIENT:
            self.results.unverified(check, operation.operation_id, f"{what}: still answered {sent.status} after "
                                                                   "waiting within the run's bounds")
            return False
        expected = " or ".join(map(str, allowed))
        got = sent.status if sent.status is not None else f"no answer ({sent.exchange.error})"
        self.results.fail(check, operation.operation_id, f"{what}: expected {expected}, got {got}", sent.exchange)
        return False

    def fail(self, check: str, operation: Operation | str, message: str, sent: Sent | None = None) -> None:
        subject = operation if isinstance(operation, str) else operation.operation_id
        self.results.fail(check, subject, message, sent.exchange if sent else None)

    def passed(self, check: str, operation: Operation | str, note: str = "") -> None:
        self.results.passed(check, operation if isinstance(operation, str) else operation.operation_id, note)

    def skip(self, check: str, operation: Operation | str, reason: str) -> None:
        self.results.skip(check, operation if isinstance(operation, str) else operation.operation_id, reason)

    def body(self, operation: Operation, event: dict[str, Any]) -> dict[str, Any]:
        """``event`` alone in a body of ``operation`` (a batch of one on /ingestBatch)."""
        return self.batch_body([event]) if operation.is_batch else self.single_body(event)

    def flood(self, operation: Operation, follow_up: FollowUp | None = None) -> Flood:
        """Drive ``operation`` past its documented quota, briefly: new events at once until the first 429,
        then ``follow_up`` (see :meth:`ProbeSession.flood`).

        At most ``FLOOD_QUOTAS`` seconds' worth of the documented quota, from ``FLOOD_THREADS`` threads (a
        target far away is still reached faster than its quota), within ``FLOOD_SECONDS``.
        """
        bodies = [self.body(operation, self.factory.event()) for _ in range(int(FLOOD_QUOTAS * DOCUMENTED_QUOTA))]
        return self.session.flood(operation, bodies, seconds=FLOOD_SECONDS, concurrency=FLOOD_THREADS,
                                  follow_up=follow_up)

    def conflicting(self, event: dict[str, Any]) -> dict[str, Any]:
        """A valid event with ``event``'s id and another payload."""
        other = self.factory.event()
        other[ID_FIELD] = event[ID_FIELD]
        return other

    def stored(self, check: str, operation: Operation, event: dict[str, Any]) -> bool | None:
        """Whether the target holds an event with ``event``'s id; None when it cannot be told.

        ``operation`` is the one the check judges. Without a read-back this is asked black-box, with a
        conflicting event of the same id: 400 stored, 202 not. Any other answer (a 429 or 503 that outlasted
        the waits, above all) tells nothing, and is recorded as not verified rather than read as "not stored".
        """
        if self.readback is not None:
            return self.readback.lookup(event[ID_FIELD]) is not None
        sent = self.send(self.single, self.factory.single_body(self.conflicting(event)), check, acknowledge=False)
        stored = {400: True, 202: False}.get(sent.status or 0)
        if stored is None and not sent.explained:
            got = sent.status if sent.status is not None else f"no answer ({sent.exchange.error})"
            self.results.unverified(check, operation.operation_id, f"whether event {event[ID_FIELD]} was stored "
                                                                     f"(the black-box probe was answered {got})")
        return stored

    def single_body(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.factory.single_body(event)

    def batch_body(self, events: list[dict[str, Any]]) -> dict[str, Any]:
        return self.factory.batch_body(events=events)
