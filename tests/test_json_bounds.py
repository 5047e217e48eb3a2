"""Answers no parser survives are stood in for where they are read; every documented answer passes untouched."""

from __future__ import annotations

import msgspec
import pytest

from harness.bounded import read_capped
from harness.json_bounds import MAX_DEPTH, MAX_NUMBER_DIGITS, STAND_IN_PREFIX, problem, stand_in

DEEP = 200_000


@pytest.mark.parametrize(("body", "named"), [
    (b'{"message": ' + b"[" * DEEP + b"]" * DEEP + b"}", "nested 200,001 levels deep"),
    (b'{"a": ' + b'{"b": ' * DEEP, "nested 200,001 levels deep"),  # cut short: still too deep to parse
    (b'{"message": ' + b"9" * DEEP + b"}", "a JSON number of 200,000 characters"),
    (b"[" + b"-1." + b"5" * DEEP + b"e10]", "a JSON number of 200,006 characters"),
])
def test_an_answer_no_parser_survives_is_named(body: bytes, named: str) -> None:
    assert named in (problem(body) or "")
    replaced = stand_in(body)
    assert replaced.startswith(STAND_IN_PREFIX) and named.encode() in replaced
    with pytest.raises(msgspec.DecodeError):  # every reader sees "not JSON", with the reason in the text
        msgspec.json.decode(replaced)


@pytest.mark.parametrize("body", [
    b'{"errors": [{"message": "x", "eventPayload": {"attributes": [{"name": "n", "value": "1"}]}}]}',
    b'{"errors": [' + b", ".join([b'{"eventPayload": {"dimensions": {"a": "b"}}}'] * 5000) + b"]}",
    b'{"value": "' + b"1" * 5000 + b'", "brackets": "' + b"[" * 5000 + b'"}',  # strings hold text, not structure
    b"[" * MAX_DEPTH + b"]" * MAX_DEPTH,
    b"[" + b"9" * MAX_NUMBER_DIGITS + b"]",
    b"plain text with ----- dashes " * 1000,
])
def test_documented_and_ordinary_answers_pass_untouched(body: bytes) -> None:
    assert problem(body) is None and stand_in(body) is body


def test_the_stand_in_keeps_a_cut_answer_recognisable_as_cut() -> None:
    cap = 1000
    read = read_capped([b"[" * 5000], None, cap)
    assert len(read) == cap + 1 and read.startswith(STAND_IN_PREFIX)
    assert read_capped([b'{"message": "fine"}'], None, cap) == b'{"message": "fine"}'
