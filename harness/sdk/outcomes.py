"""What the SDK's child process reports, typed: one line per case, read with msgspec.

The child (``child.py``) stays standard-library only, since it runs inside
the SDK's own virtualenv; it writes JSON lines of these shapes, and the
harness decodes them into these structs, never reading a dict by key.
"""

from __future__ import annotations

import msgspec


class Returned(msgspec.Struct, frozen=True):
    """The call returned: the value's type and its data as text (cut at 1000 characters)."""

    type: str
    data: str | None = None


class Raised(msgspec.Struct, frozen=True):
    """The call raised: the exception's type, the status it carries, its message, body and causes."""

    type: str
    message: str = ""
    status: int | None = None
    body: str | None = None
    causes: list[str] = msgspec.field(default_factory=list)
    network: bool = False

    @property
    def short(self) -> str:
        status = f" {self.status}" if self.status is not None else ""
        return f"{self.type.rsplit('.', 1)[-1]}{status}"


class CaseOutcome(msgspec.Struct, frozen=True):
    id: str
    started: float = 0.0
    seconds: float = 0.0
    returned: Returned | None = None
    raised: Raised | None = None


class ChildLine(msgspec.Struct, frozen=True):
    """Any line the child writes: a fatal error, the SDK's version, or a case's outcome."""

    fatal: str | None = None
    version: str | None = None
    default_host: str | None = None  # where the SDK sends when no host is configured (an adapter may say)
    id: str | None = None
    started: float = 0.0
    seconds: float = 0.0
    returned: Returned | None = None
    raised: Raised | None = None

    def outcome(self) -> CaseOutcome:
        assert self.id is not None
        return CaseOutcome(self.id, self.started, self.seconds, self.returned, self.raised)


NOT_RUN = Raised("harness.NotRun", "no outcome")
