import pytest

from harness.schema_engine import Validator, is_rfc3339_datetime


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


def test_the_engine_judges_date_time_only_on_strings_and_lengths_in_characters() -> None:
    document = {"stamp": {"format": "date-time"}, "short": {"maxLength": 3}}
    stamp = Validator(document, "/stamp", openapi_31=False)
    assert stamp.is_valid(12)
    error = stamp.first_error("2022-06-15 07:30:35Z")
    assert error is not None and error.keyword == "format"
    short = Validator(document, "/short", openapi_31=False)
    assert short.is_valid("é€😀")  # 3 characters, 9 bytes
    assert not short.is_valid("é€😀ß")
