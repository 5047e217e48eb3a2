"""What an ingestion request came to, as typed values rather than status codes.

Callers match on the class (``case Throttled(retry_after=delay)``) instead of
re-reading statuses and bodies; a body that breaks the contract is not an
outcome but a :class:`MalformedResponse`, because no honest value can be
built from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True, kw_only=True)
class _Outcome:
    status: int
    attempts: int = 1


@dataclass(frozen=True, kw_only=True)
class Accepted(_Outcome):
    """Every event of the request was accepted (202)."""


@dataclass(frozen=True)
class RejectedEvent:
    message: str
    event: dict[str, Any] | None


@dataclass(frozen=True, kw_only=True)
class PartiallyAccepted(_Outcome):
    """Some events were accepted; ``rejected`` lists the others as the server echoed them (207)."""

    rejected: tuple[RejectedEvent, ...]


@dataclass(frozen=True, kw_only=True)
class Throttled(_Outcome):
    """429; ``retry_after`` is the server's delay in seconds, ``None`` when it gave none."""

    retry_after: float | None
    message: str


@dataclass(frozen=True, kw_only=True)
class Unavailable(_Outcome):
    """503; the service says it is down for now."""

    retry_after: float | None
    message: str


@dataclass(frozen=True, kw_only=True)
class Rejected(_Outcome):
    """A documented error status (400, 401, 422, ...) with the server's message."""

    message: str


@dataclass(frozen=True, kw_only=True)
class Unexpected(_Outcome):
    """A status the spec does not document for the operation, with the raw response."""

    reason: str
    response: httpx.Response = field(repr=False)


Outcome = Accepted | PartiallyAccepted | Throttled | Unavailable | Rejected | Unexpected


class HarnessClientError(Exception):
    """Base of the errors the harness client raises."""


class NaiveTimestamp(HarnessClientError, ValueError):
    """A ``datetime`` without a timezone in an event: the contract's date-time needs an offset, and the client
    cannot know which one the caller meant, so it refuses before sending (docs/contract.md#formats)."""


class MalformedResponse(HarnessClientError):
    """A documented status whose body breaks the contract (not JSON, wrong shape, unexpected)."""

    def __init__(self, operation: str, status: int, reason: str, response: httpx.Response) -> None:
        self.operation = operation
        self.status = status
        self.reason = reason
        self.response = response
        super().__init__(f"{operation} answered {status} with a malformed body: {reason}")
