"""A target's text is data, never control: escaped for terminals, prefixed for CI runners, readable for people."""

from __future__ import annotations

import io

import pytest

from harness.neutral import PREFIX, neutralise
from harness.redaction import ScrubbedStream, clip
from harness.verdicts import Finding, Row

# what a hostile (or compromised) target puts in its messages
INJECTIONS = {
    "github command": "bad id\n::error file=x::pwned",
    "mask": "::add-mask::x",
    "stop commands": "  ::stop-commands::tok",
    "set output": "\t::set-output name=a::b",
    "azure": "##vso[task.setvariable variable=x]y",
    "azure group": "##[group]z",
    "ansi": "\x1b[31mred\x1b[0m",
    "osc": "\x1b]8;;http://x\x07link\x1b]8;;\x07",
    "bell": "ding\x07",
    "bare cr": "shown\roverwritten",
    "backspace": "abc\x08\x08",
    "nul": "a\x00b",
    "c1": "a\x9bb",
    "bidi override": "invoice\u202egnp.exe",
    "bidi isolate": "a\u2066b\u2069",
    "zero width": "a\u200bb\u200d",
    "byte-order mark": "\ufeffx",
    "line separator": "a\u2028::error::x",
}
RAW = ("\x1b", "\x07", "\x08", "\x00", "\x9b", "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u2028")


def commands_in(text: str) -> list[str]:
    """The lines of ``text`` that a CI runner (GitHub Actions, Azure Pipelines) would read as a command."""
    return [line for line in text.split("\n") if line.lstrip(" \t").startswith(("::", "##vso[", "##["))]


def raw_controls_in(text: str) -> list[str]:
    return [character for character in RAW if character in text] + (["bare CR"] if "\r" in text else [])


@pytest.mark.parametrize("name", INJECTIONS)
def test_each_injection_is_shown_but_never_obeyed(name: str) -> None:
    shown = neutralise(INJECTIONS[name])
    assert commands_in(shown) == [] and raw_controls_in(shown) == [], repr(shown)
    assert neutralise(shown) == shown  # idempotent: at the source and again on the way out


def test_what_stays_readable() -> None:
    assert neutralise("bad id\n::error file=x::pwned") == f"bad id\n{PREFIX}::error file=x::pwned"
    assert neutralise("invoice\u202egnp.exe") == "invoice\\u202egnp.exe"
    assert neutralise("\x1b[31mred") == "\\x1b[31mred"
    assert neutralise("tabs\tand\nnewlines, ünïcödé, 日本, emoji \U0001f600 stay") == (
        "tabs\tand\nnewlines, ünïcödé, 日本, emoji \U0001f600 stay")
    assert neutralise("a :: in the middle, ## too") == "a :: in the middle, ## too"


def test_findings_rows_and_clipped_messages_are_neutralised_as_they_are_made() -> None:
    text = "\n".join(INJECTIONS.values())
    finding = Finding(text, reproduction=text, seen=text)
    row = Row("check", "ingest", message=text)
    for made in (finding.message, finding.reproduction, finding.seen, row.message, clip(text, 10_000)):
        assert commands_in(made) == [] and raw_controls_in(made) == [], repr(made)


def test_the_console_streams_prefix_command_lines_and_keep_the_harness_own_colours() -> None:
    written = io.StringIO()
    stream = ScrubbedStream(written)
    stream.write("\x1b[1;31mfailed\x1b[0m: a finding\n")  # the harness's own colours (Rich, on a terminal)
    stream.write("::error::a line begun by one write")
    stream.write(" ::continued by another, not a line of its own\n::warning::and a new line\n")
    assert written.getvalue() == ("\x1b[1;31mfailed\x1b[0m: a finding\n"
                                  f"{PREFIX}::error::a line begun by one write"
                                  " ::continued by another, not a line of its own\n"
                                  f"{PREFIX}::warning::and a new line\n")
