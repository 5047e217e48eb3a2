"""Secrets scrubbed from every output in every readable form, at the source, without mangling the rest.

What counts as a leak is decided by ``tests.leaks``, a detector written
apart from the scrubber: any 16-character piece of the key, in any form a
reader decodes. The key is 64 characters long and holds every character
class a bearer token may (RFC 6750 ``b64token``).
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator

import pytest
from rich.console import Console

from harness.errors import ConfigError
from harness.redaction import REDACTED, SCRUBBER, ScrubbedStream, Scrubber, Secret, clip, refusal, warning
from harness.reports.console import show
from harness.targets import resolve
from harness.verdicts import Finding, Outcome, Report, Row
from tests.hostile.server import key_echo_forms
from tests.leaks import KEY, pieces

SHORT = "tok+live/SECRET=7c1d"


def escaped_forms(token: str) -> dict[str, str]:
    """The forms a JSON or HTML writer makes of the token, beyond those the hostile server sends."""
    return {"json-unicode": "".join(f"\\u{ord(c):04x}" for c in token),
            "json-unicode-upper": "".join(f"\\u{ord(c):04X}" for c in token),
            "json-slash": json.dumps(token).replace("/", "\\/")[1:-1],
            "json-double": "".join(f"\\\\u{ord(c):04x}" for c in token),
            "python-bytes": "".join(f"\\x{b:02x}" for b in token.encode()),
            "html-amp": "".join(f"&amp;#{ord(c)};" for c in token),
            "percent-twice": "".join(f"%25{b:02X}" for b in token.encode()),
            "basic": base64.b64encode(f"someone:{token}".encode()).decode(),
            "base64-crlf": base64.b64encode(token.encode()).decode()[:30] + "\r\n"
                           + base64.b64encode(token.encode()).decode()[30:]}


FORMS = {**key_echo_forms(KEY), **escaped_forms(KEY)}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_the_detector_reads_a_text_in_segments_as_it_reads_it_whole(form: str) -> None:
    """Cut where an HTML report cuts (tags), around and inside each form and among the escapes of ``<``."""
    half = len(form) // 2
    text = (f"<html><td>{form}</td>&lt;{form[:half]}<b>{form[half:]}%3C{form[:half]}\\u003c{form[half:]}"
            f"<{'<'.join(form)}&amp{form[:20]}<!--{form[::-1]}-->")
    assert pieces(text), "the text holds the key in this form"  # the comparison is of something found
    assert pieces(text) == pieces(text, separator=None)


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_every_readable_form_of_a_long_key_is_scrubbed(form: str) -> None:
    scrubber = Scrubber()
    scrubber.add(KEY)
    text = f"Expected 401, the target said: {form} (sic)"
    assert pieces(text), "the detector reads this form"  # the test can fail
    scrubbed = scrubber.scrub(text)
    assert not pieces(scrubbed), scrubbed
    assert scrubbed.startswith("Expected 401, the target said: ") and scrubbed.endswith(" (sic)")


@pytest.mark.parametrize("form", escaped_forms(SHORT).values(), ids=escaped_forms(SHORT).keys())
def test_a_short_token_is_scrubbed_whole_in_every_form(form: str) -> None:
    scrubber = Scrubber()
    scrubber.add(SHORT)
    assert REDACTED in scrubber.scrub(f"said {form}.")


@pytest.mark.parametrize("cut", range(1, len(KEY)))
def test_a_piece_left_by_a_cut_or_a_fold_is_scrubbed(cut: int) -> None:
    scrubber = Scrubber()
    scrubber.add(KEY)
    for text in (f"say {KEY[:cut]}", f"{KEY[cut:]} said", f"│ {KEY[:cut]} │\n│ {KEY[cut:]} │"):
        assert not pieces(scrubber.scrub(text), piece=12), text


@pytest.fixture
def registered() -> Iterator[None]:
    """The key registered with the process's scrubber for one test, as ``harness.targets`` registers a token."""
    with SCRUBBER.scope():
        SCRUBBER.add(KEY)
        yield


@pytest.mark.usefixtures("registered")
def test_a_cut_never_leaves_half_a_secret() -> None:
    text = "x" * 590 + KEY
    for limit in range(595, 660, 7):
        assert not pieces(clip(text, limit), piece=8)
    assert pieces(text[:600], piece=8)  # cutting first, then scrubbing, would have left 10 characters of it


def test_nothing_else_is_touched_and_bytes_round_trip() -> None:
    scrubber = Scrubber()
    scrubber.add(SHORT)
    scrubber.add(KEY)
    text = "Expected 401 got 400: x y z \udc80 &amp; 100% \\n \\u00e9 &#39;"
    assert scrubber.scrub(text) == text
    raw = b"\xff\xfe binary " + SHORT.encode() + b" \x00"
    assert scrubber.scrub_bytes(raw) == b"\xff\xfe binary *** \x00"


@pytest.mark.usefixtures("registered")
def test_text_is_scrubbed_where_it_enters_the_verdicts() -> None:
    """A finding or row made from what a target said holds no piece of the key, before any cut or render."""
    finding = Finding(f"invalid token {KEY}", f"curl -H 'X: {KEY}'", f"400 {FORMS['json-unicode']}")
    row = Row("auth", "ingest", Outcome.FAILED, f"said {FORMS['percent-lower']}", [finding])
    assert not pieces(finding.message + finding.reproduction + finding.seen + row.message)


@pytest.mark.usefixtures("registered")
def test_the_console_at_80_columns_shows_no_piece_of_a_long_key() -> None:
    """CI has no terminal: Rich lays tables out at 80 columns and folds long words over several lines."""
    rows = [Row("error_responses", "ingestBatch", Outcome.FAILED, message, [Finding(message, seen=message)])
            for message in (f"invalid token {KEY}", f"echo {FORMS['json-unicode']}", f"b64 {FORMS['base64']}")]
    buffer = io.StringIO()
    show(Report("contract", "Contract checks", "http://127.0.0.1:1", rows), Console(file=buffer, width=80))
    assert not pieces(buffer.getvalue())
    assert "***" in buffer.getvalue()


def test_a_token_too_short_to_scrub_safely_is_refused_with_the_reason() -> None:
    assert refusal("x") is not None and "shorter than 8 characters" in (refusal("x") or "")
    assert refusal(SHORT) is None
    assert warning("password") is not None and warning(SHORT) is None
    with pytest.raises(ConfigError, match="shorter than 8 characters"), resolve("http://127.0.0.1:9", "x"):
        pass
    with pytest.raises(ConfigError, match="--other-token"), resolve("http://127.0.0.1:9", SHORT, other_token="x"):
        pass


def test_a_scope_forgets_its_secrets_and_a_stream_writes_scrubbed() -> None:
    scrubber = Scrubber()
    with scrubber.scope():
        scrubber.add(SHORT)
        assert scrubber.scrub(SHORT) == REDACTED
    assert scrubber.scrub(SHORT) == SHORT
    buffer = io.StringIO()
    with SCRUBBER.scope(), resolve("http://127.0.0.1:9", "a-stream-token-42", other_token=f"second-{KEY}"):
        ScrubbedStream(buffer).write(f"said a-stream-token-42 and {KEY.upper()}\n")
    assert buffer.getvalue() == "said *** and ***\n"


def test_a_secret_redacts_itself_in_every_form() -> None:
    assert not pieces(Secret(KEY).redact(" ".join(FORMS.values())))
    assert repr(Secret(KEY)) == "Secret('***')"


def test_the_token_with_its_case_swapped_is_scrubbed_encoded_too() -> None:
    """``auth`` sends the token with its case swapped; a target echoing it in base64 or hex leaks the token."""
    token = "Tk3f9a-7q._~+/zx4mw2pl8vn0cr5yh1bj6gd3sf9"
    scrubber = Scrubber()
    scrubber.add(token)
    swapped = token.swapcase().encode()
    for encoded in (base64.b64encode(swapped).decode(), base64.b64encode(b"user:" + swapped).decode(),
                    swapped.hex(), token.swapcase()):
        # what stays: "user:" in base64 and the last characters, which encode part of a byte (as for the token)
        kept = scrubber.scrub(encoded)
        assert REDACTED in kept and len(kept.replace(REDACTED, "")) <= 12, (encoded, kept)
