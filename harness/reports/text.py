"""Small text helpers the renderers share: any bytes made visible, table cells that keep a report readable.

Reports quote what targets sent, and a target can send any bytes: NUL, ANSI
escapes that would drive a terminal, lone surrogates no UTF-8 file can hold.
:func:`printable` makes every string of a report :func:`visible` (``\\xNN``
for each such character) before any renderer sees it, so JUnit stays valid
XML, JSON valid UTF-8, Markdown and HTML free of raw control characters, and
the console free of escape sequences.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

import msgspec

from harness.verdicts import Outcome, Report

# C0 controls but tab and newline, DEL and C1, lone surrogates, and the two non-characters XML forbids
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def visible(text: str) -> str:
    """``text`` with every character a report format or a terminal cannot show written as ``\\xNN``."""
    return _INVISIBLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def printable(report: Report) -> Report:
    """A copy of ``report`` whose every string (rows, findings, tables, notes, details) is :func:`visible`."""
    return _printable(report)  # type: ignore[no-any-return]


def _printable(value: Any) -> Any:
    if isinstance(value, Enum):  # an Outcome is a str too, and stays itself
        return value
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list | tuple):
        return type(value)(_printable(item) for item in value)
    if isinstance(value, dict):
        return {_printable(key): _printable(item) for key, item in value.items()}
    if isinstance(value, msgspec.Struct):
        return msgspec.structs.replace(value, **{name: _printable(getattr(value, name))
                                                 for name in value.__struct_fields__})
    return value

FINDINGS_SHOWN = 5  # per row, in the console and Markdown; the JSON report has them all
STYLE = {Outcome.PASSED: "green", Outcome.FAILED: "bold red", Outcome.ERROR: "bold red", Outcome.SKIPPED: "yellow",
         Outcome.KNOWN: "magenta", Outcome.WARNED: "yellow"}


def md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
