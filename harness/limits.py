"""The bounds of one run against a target we did not write, as plain values (docs/contract.md#bounds).

Kept apart from ``harness.bounded`` (which enforces them with httpx) so the
command line can show and take them as option defaults without importing an
HTTP stack.

They travel one way: the command line makes one ``Limits``; it goes into
the engine's options, which set it for the process (``harness.bounded.
use_limits``), where every client and judge reads it (``limits()``). Into a
Locust process it goes as the flags ``to_locust`` writes and ``from_locust``
reads back, both from ``LOCUST_FLAGS`` below (the load users declare them
with ``add_locust_arguments``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

MiB = 1 << 20
# an answer's head, bounded as the clients we send with bound it: Python's http.client (requests, urllib3, and the
# SDKs built on them) refuses more than 100 header lines, h11 (httpx) a head of more than 100 KiB
MAX_HEADER_LINES = 100
MAX_HEADER_BYTES = 100 * 1024
TOO_MANY_HEADER_LINES = f"answer with more than {MAX_HEADER_LINES} header lines (read no further)"
HEADERS_TOO_LARGE = f"answer headers larger than {MAX_HEADER_BYTES:,} bytes (read no further)"


def line_size(name: str, value: str) -> int:
    """The bytes one header line takes on the wire (its ": " and CRLF counted)."""
    return len(name) + len(value) + 4


def header_bound(lines: int, size: int) -> str | None:
    """What an answer's head of ``lines`` header lines and ``size`` bytes breaks, or ``None``."""
    if lines > MAX_HEADER_LINES:
        return TOO_MANY_HEADER_LINES
    return HEADERS_TOO_LARGE if size > MAX_HEADER_BYTES else None


def head_bound(items: list[tuple[str, str]]) -> str | None:
    """What a head of these (name, value) lines breaks, or ``None``."""
    return header_bound(len(items), sum(line_size(name, value) for name, value in items))


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


# the Locust flag of each bound, with its help: written by harness load, read by the load users
LOCUST_FLAGS: dict[str, tuple[str, str]] = {
    "request_seconds": ("--request-timeout",
                        "Seconds for each request in total: connect, headers and the whole answer"),
    "max_answer_bytes": ("--max-answer-bytes",
                         "Largest answer read (decompressed); a larger one is a failure, read no further"),
    "max_retry_wait": ("--max-retry-wait",
                       "Longest Retry-After a scenario waits out; a longer one is never slept through"),
    "retry_wait_budget": ("--retry-wait-budget", "Seconds of Retry-After waits a run spends in all"),
}


def to_locust(bounds: Limits) -> list[str]:
    """The bounds as the Locust flags ``from_locust`` reads back."""
    return [part for name, (flag, _) in LOCUST_FLAGS.items() for part in (flag, f"{getattr(bounds, name)!r}")]


def from_locust(options: Any) -> Limits:
    """The bounds of a Locust process, from its parsed options (the defaults where a flag is absent)."""
    return Limits(**{name: getattr(options, flag[2:].replace("-", "_"), getattr(Limits, name))
                     for name, (flag, _) in LOCUST_FLAGS.items()})


def add_locust_arguments(parser: Any) -> None:
    """Declare the bounds' flags on Locust's argument parser."""
    for field in fields(Limits):
        flag, text = LOCUST_FLAGS[field.name]
        kind = int if field.type in ("int", int) else float
        parser.add_argument(flag, type=kind, default=field.default, help=text)
