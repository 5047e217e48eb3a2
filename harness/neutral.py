"""What a target says is data, never control: its text made harmless for a terminal, a CI runner and a reader.

A target can put anything in a message, a reason or an echoed event: ANSI
and OSC sequences that drive a terminal, a bell, a bare carriage return
that overwrites a line, Unicode bidi controls that reorder what a reviewer
reads, zero-width characters, and lines that a CI runner obeys as commands
(GitHub Actions' ``::add-mask::``, ``::stop-commands::``, ``::error``; Azure's
``##vso[`` and ``##[``). :func:`neutralise` writes each such character
escaped (``\\x1b``, ``\\u202e``) and puts ``> `` before each line a runner
would read as a command, so the text stays readable and is never obeyed.
It is idempotent, so it runs where target text becomes a finding, a row or
a failure message (beside the secret scrubber, before anything cuts it) and
again on the way out (every report string, every line the console writes).
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and C1, zero-width and joiner characters, the line and paragraph
# separators, bidi embeddings, overrides and isolates, the byte-order mark, lone surrogates, XML's non-characters
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069"
                        "\ufeff\ud800-\udfff\ufffe\uffff]")
# a line a CI runner reads as a command: GitHub Actions' ``::name ...::``, Azure Pipelines' ``##vso[`` and ``##[``,
# after any blanks before them
_COMMAND = re.compile(r"^[ \t]*(?:::|##vso\[|##\[)", re.MULTILINE)
PREFIX = "> "  # before such a line: a line that starts with it is no runner's command


def _escaped(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """``text`` with every invisible or reordering character escaped and every command-like line prefixed."""
    return defuse_commands(_INVISIBLE.sub(_escaped, text))


def defuse_commands(text: str, *, at_line_start: bool = True) -> str:
    """Only the command-like lines of ``text`` prefixed, for a stream that also carries the harness's own terminal
    escapes (which keep their meaning); ``at_line_start``: ``text`` begins a line, not the rest of one."""
    if at_line_start:
        return _COMMAND.sub(lambda match: PREFIX + match[0], text)
    head, newline, rest = text.partition("\n")
    return head + newline + defuse_commands(rest) if newline else text
