"""Secrets scrubbed from every output in every form, without mangling the rest; weak tokens refused."""

from __future__ import annotations

import base64
import io
import json
from urllib.parse import quote, quote_plus

import pytest

from harness.errors import ConfigError
from harness.redaction import REDACTED, ScrubbedStream, Scrubber, refusal, warning
from harness.targets import resolve

TOKEN = "tok+live/SECRET=7c1d"


@pytest.mark.parametrize("form", [
    TOKEN, quote(TOKEN, safe=""), quote_plus(TOKEN), json.dumps(TOKEN)[1:-1],
    *(base64.b64encode(f"{user}:{TOKEN}".encode()).decode() for user in ("", "u", "us", "user")),
    base64.urlsafe_b64encode(TOKEN.encode()).decode()])
def test_every_form_of_the_token_is_scrubbed(form: str) -> None:
    scrubber = Scrubber()
    scrubber.add(TOKEN)
    scrubbed = scrubber.scrub(f"Expected 401, the target said: Authorization: Basic {form} (sic)")
    assert REDACTED in scrubbed
    assert scrubbed.startswith("Expected 401, the target said: Authorization: Basic ") and scrubbed.endswith(" (sic)")
    assert TOKEN not in scrubbed and form not in scrubbed


def test_nothing_else_is_touched_and_bytes_round_trip() -> None:
    scrubber = Scrubber()
    scrubber.add(TOKEN)
    text = "Expected 401 got 400: x y z \udc80"
    assert scrubber.scrub(text) == text
    raw = b"\xff\xfe binary " + TOKEN.encode() + b" \x00"
    assert scrubber.scrub_bytes(raw) == b"\xff\xfe binary *** \x00"


def test_a_token_too_short_to_scrub_safely_is_refused_with_the_reason() -> None:
    assert refusal("x") is not None and "shorter than 8 characters" in (refusal("x") or "")
    assert refusal(TOKEN) is None
    assert warning("password") is not None and warning(TOKEN) is None
    with pytest.raises(ConfigError, match="shorter than 8 characters"), resolve("http://127.0.0.1:9", "x"):
        pass


def test_a_scope_forgets_its_secrets_and_a_stream_writes_scrubbed() -> None:
    scrubber = Scrubber()
    with scrubber.scope():
        scrubber.add(TOKEN)
        assert scrubber.scrub(TOKEN) == REDACTED
    assert scrubber.scrub(TOKEN) == TOKEN
    buffer = io.StringIO()
    with resolve("http://127.0.0.1:9", "a-stream-token-42"):
        ScrubbedStream(buffer).write("said a-stream-token-42\n")
    assert buffer.getvalue() == "said ***\n"
