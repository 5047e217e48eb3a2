"""One JSON decoder for every judge: where parsers disagree it says what it saw; where they agree it is silent."""

from __future__ import annotations

import json

import pytest

from harness.answers import BodyProblem, read_body
from harness.json_text import NotInteroperable, NotJson, decode
from harness.spec import load_spec


@pytest.mark.parametrize("body", [
    b'{"message": "caf\xc3\xa9 \xf0\x9f\x98\x80"}',  # UTF-8 as sent
    json.dumps({"message": "café 😀"}).encode(),  # ASCII only: \u00e9, and a surrogate pair for the emoji
    b'{"message": "a\\\\ud800"}',  # an escaped backslash, then the letters "ud800": no escape at all
    b'{"errors": [{"message": "x"}, {"message": "x"}]}',  # the same name in two objects is no repetition
    b"[1, 2.5, null, true]",
])
def test_json_every_parser_reads_alike_is_decoded_silently(body: bytes) -> None:
    decoded = decode(body)
    assert decoded.value == json.loads(body) and decoded.repeated == ()


def test_a_member_named_twice_is_said_with_each_value_and_the_last_is_judged() -> None:
    decoded = decode(b'{"errors": [{"message": "first", "message": {"k": 1}}], "errors": []}')
    assert decoded.value == {"errors": []}
    inner, outer = sorted(decoded.repeated, key=lambda repeated: len(repeated.pointer), reverse=True)
    assert (outer.pointer, outer.name, outer.values) == ("", "errors", ([{"message": {"k": 1}}], []))
    assert outer.describe().startswith("the object at the top level names the member 'errors' 2 times "
                                       '([{"message": {"k": 1}}] then [])')
    # an object inside a value that was not kept is still said: a client keeping the first would read it
    assert (inner.pointer, inner.name, inner.values) in (("/errors/0", "message", ("first", {"k": 1})),)


def test_a_member_named_twice_inside_a_list_names_its_place() -> None:
    (repeated,) = decode(b'{"errors": [{"a": 1}, {"m": "x", "m": "' + b"y" * 100 + b'"}]}').repeated
    assert repeated.pointer == "/errors/1" and repeated.name == "m"
    assert '"x" then "yyyy' in repeated.describe() and "..." in repeated.describe()  # long values clipped


@pytest.mark.parametrize(("body", "said"), [
    (b'{"message": "refus\xe9"}', "not UTF-8 (RFC 8259 requires it): byte 0xe9 at offset 18"),
    (b'{"message": "\xed\xa0\x80"}', "not UTF-8"),  # a surrogate written out in UTF-8 is not UTF-8 either
    (b'{"message": "x \\ud800"}', "a lone surrogate escape \\ud800 at offset 15"),
    (b'{"message": "\\uDC00 low first"}', "a lone surrogate escape \\udc00 at offset 13"),
    (b'{"message": "\\ud83d\\ud83d\\ude00"}', "a lone surrogate escape \\ud83d"),  # a high half twice
])
def test_bytes_or_escapes_some_parsers_refuse_are_named_with_their_offset(body: bytes, said: str) -> None:
    with pytest.raises(NotInteroperable, match=r"^") as raised:
        decode(body)
    assert said in str(raised.value)


@pytest.mark.parametrize("body", [b'{"a": ', b"NaN", b'{"a": Infinity}', b"", b"<html>"])
def test_what_is_not_json_is_not_json(body: bytes) -> None:
    with pytest.raises(NotJson):
        decode(body)


def test_the_load_judges_and_the_client_read_answers_through_it() -> None:
    spec = load_spec()
    batch = next(operation for operation in spec.operations.values() if operation.is_batch)
    with pytest.raises(BodyProblem, match="names the member 'errors' 2 times"):
        read_body(spec, batch, 202, b'{"errors": [], "errors": []}')
    with pytest.raises(BodyProblem, match="JSON only to some parsers: a lone surrogate"):
        read_body(spec, batch, 400, b'{"message": "\\ud800"}')
    assert read_body(spec, batch, 202, b'{"errors": []}') == {"errors": []}
