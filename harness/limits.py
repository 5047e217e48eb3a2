"""The bounds of one run against a target we did not write, as plain values (docs/contract.md#bounds).

Kept apart from ``harness.bounded`` (which enforces them with httpx) so the
command line can show and take them as option defaults without importing an
HTTP stack.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The bounds of one run."""

    request_seconds: float = 30.0  # one request in total: connect, headers and the whole body
    max_answer_bytes: int = MiB  # an answer's body after decompression; any documented answer is far smaller
    max_retry_wait: float = 60.0  # the longest Retry-After waited out; a longer one is never slept through
    retry_wait_budget: float = 120.0  # every Retry-After wait of a run together

    def cut(self, body: bytes) -> bool:
        """Whether ``body`` was cut at the cap (readers keep one byte more than the cap)."""
        return len(body) > self.max_answer_bytes

    def too_large(self) -> str:
        return f"answer larger than {self.max_answer_bytes:,} bytes (read up to there, then its connection dropped)"

    def too_long(self, seconds: float) -> bool:
        """A ``Retry-After`` longer than a run waits: never slept through (the throttling check judges it)."""
        return seconds > self.max_retry_wait
