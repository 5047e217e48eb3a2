"""``Retry-After`` read one way everywhere (RFC 9110 section 10.2.3; docs/contract.md#throttling).

The header is either delta-seconds (``120``) or an HTTP-date (``Fri, 31 Dec
1999 23:59:59 GMT``). The contract's reference target writes whole seconds;
a correct server may write either, so every reader (client, probes, load
scenarios, judges) goes through :func:`parse`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from harness.redaction import clip

# seconds past an advertised wait before the request an honest target must admit: enough for clocks, too little
# for a token bucket to refill (a ``Retry-After: 0`` while still throttling is caught, at any quota up to 50/s)
HONESTY_MARGIN = 0.01


def parse(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait, or ``None`` when the header is absent or neither form (a finding for the caller)."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def problem(value: str | None) -> str | None:
    """What is wrong with a 429's ``Retry-After`` in words, or ``None`` when it is usable."""
    if value is None:
        return "429 without a Retry-After header"
    if parse(value) is None:
        return f"429 Retry-After {clip(value, 40)!r} is neither delta-seconds nor an HTTP-date"
    return None
