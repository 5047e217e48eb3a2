"""One Retry-After parser for the whole harness: delta-seconds and HTTP-date (RFC 9110), nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.retry_after import parse, problem

NOW = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("3", 3.0), (" 0 ", 0.0), ("120", 120.0),
    ("Thu, 26 Nov 2026 12:00:30 GMT", 30.0),  # an HTTP-date 30 s ahead
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: no wait
    (None, None), ("soon", None), ("-1", None), ("1.5", None), ("٣", None),  # non-ASCII digit
    ("Thu, 26 Nov 2026 12:00:30", None),  # a date without its zone is no HTTP-date
])
def test_parse(value: str | None, seconds: float | None) -> None:
    assert parse(value, now=NOW) == seconds


def test_problem_names_what_is_wrong_and_accepts_both_forms() -> None:
    assert problem(None) == "429 without a Retry-After header"
    assert "neither delta-seconds nor an HTTP-date" in (problem("later") or "")
    assert problem("2") is None and problem("Wed, 21 Oct 2015 07:28:00 GMT") is None
