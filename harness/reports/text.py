"""Small text helpers the renderers share: any bytes made visible, table cells that keep a report readable.

Reports quote what targets sent, and a target can send any bytes: NUL, ANSI
escapes that would drive a terminal, lone surrogates no UTF-8 file can hold,
bidi controls, lines a CI runner obeys. :func:`printable` makes every string
of a report neutralised (``harness.neutral``: each such character
escaped, each command-like line prefixed) before any renderer sees it, so
JUnit stays valid XML, JSON valid UTF-8, Markdown and HTML free of raw
control characters, and neither a terminal nor a CI runner takes any of it
as an instruction.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import msgspec

from harness.neutral import neutralise
from harness.verdicts import Outcome, Report


def printable(report: Report) -> Report:
    """A copy of ``report`` whose every string (rows, findings, tables, notes, details) is neutralised."""
    return _printable(report)  # type: ignore[no-any-return]


def _printable(value: Any) -> Any:
    if isinstance(value, Enum):  # an Outcome is a str too, and stays itself
        return value
    if isinstance(value, str):
        return neutralise(value)
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
