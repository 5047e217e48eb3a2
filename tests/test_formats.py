import pytest

from harness.formats import FORMAT_CHECKER, is_rfc3339_datetime


@pytest.mark.parametrize("value", [
    "2022-06-15T07:30:35.123Z",
    "2022-06-15T07:30:35Z",
    "2022-06-15t07:30:35z",
    "2022-06-15T07:30:35+05:30",
    "2022-06-15T07:30:35.5-00:00",
    "2016-12-31T23:59:60Z",  # leap second
    "2024-02-29T00:00:00Z",
])
def test_rfc3339_accepts(value: str) -> None:
    assert is_rfc3339_datetime(value)


@pytest.mark.parametrize("value", [
    "2022-06-15 07:30:35.123Z",  # the upstream examples' space
    "2022-06-15T07:30:35.123",  # no offset
    "2022-06-15",
    "2022-06-15T07:30Z",
    "2023-02-29T00:00:00Z",  # not a date
    "2022-13-01T00:00:00Z",
    "2022-06-15T24:00:00Z",
    "2022-06-15T07:30:35+0530",  # ISO 8601 basic offset, not RFC 3339
    "2022-06-15T07:30:35+25:00",
    "٢٠٢٢-06-15T07:30:35Z",  # non-ASCII digits
    "",
])
def test_rfc3339_rejects(value: str) -> None:
    assert not is_rfc3339_datetime(value)


def test_format_checker_judges_only_strings() -> None:
    assert FORMAT_CHECKER.conforms(12, "date-time")
    assert not FORMAT_CHECKER.conforms("2022-06-15 07:30:35Z", "date-time")
