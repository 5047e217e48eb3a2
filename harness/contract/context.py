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
from harness.contract.model import Results
from harness.contract.session import ProbeSession, Sent, UnauthBudget
from harness.factory import EventFactory
from harness.facts import ID_FIELD
from harness.spec import Operation, Spec


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

        A 429 that could not be waited out is the throttling check's finding, not this one's.
        """
        if sent.status in allowed:
            return True
        if sent.status == 429:
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

    def conflicting(self, event: dict[str, Any]) -> dict[str, Any]:
        """A valid event with ``event``'s id and another payload."""
        other = self.factory.event()
        other[ID_FIELD] = event[ID_FIELD]
        return other

    def stored(self, check: str, event: dict[str, Any]) -> bool | None:
        """Whether the target holds an event with ``event``'s id; None when it cannot be told."""
        if self.readback is not None:
            return self.readback.lookup(event[ID_FIELD]) is not None
        sent = self.send(self.single, self.factory.single_body(self.conflicting(event)), check, acknowledge=False)
        return {400: True, 202: False}.get(sent.status or 0)

    def single_body(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.factory.single_body(event)

    def batch_body(self, events: list[dict[str, Any]]) -> dict[str, Any]:
        return self.factory.batch_body(events=events)
