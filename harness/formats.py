"""String formats as the contract defines them, shared by every validator.

jsonschema checks ``date-time`` only when an optional package is installed,
and silently passes every value otherwise; the contract (CONTRACT.md,
semantics 6) makes RFC 3339 strict: a ``T`` between date and time and an
offset are required. Keeping the rule here means the spec lint, the client,
the mocks and the reference target all judge a timestamp the same way.
"""

from __future__ import annotations

import re
from datetime import datetime

from jsonschema import FormatChecker

_RFC3339 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt](?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?:\.\d+)?(?P<offset>[Zz]|[+-]\d{2}:\d{2})$",
    re.ASCII,
)


def is_rfc3339_datetime(value: str) -> bool:
    """True when ``value`` is an RFC 3339 date-time with a real calendar date."""
    match = _RFC3339.match(value)
    if match is None:
        return False
    second = min(int(match["second"]), 59)  # RFC 3339 allows a leap second 60
    offset = match["offset"]
    if offset not in ("Z", "z"):
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return False
    try:
        datetime.fromisoformat(
            f"{match['date']}T{match['hour']}:{match['minute']}:{second:02d}"
        )
    except ValueError:
        return False
    return True


FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date-time")
def _check_date_time(instance: object) -> bool:
    return not isinstance(instance, str) or is_rfc3339_datetime(instance)
