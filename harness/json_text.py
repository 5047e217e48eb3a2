"""An answer's JSON as RFC 8259 reads it, saying where parsers would disagree on it.

Parsers differ on three things a server can send: bytes that are not UTF-8
(RFC 8259 requires UTF-8; some parsers replace them), a ``\\ud800`` escape
with no partner (no Unicode character; Python keeps it, msgspec refuses it
saying "truncated", JavaScript keeps half a character) and an object naming
one member twice (RFC 8259 leaves which one counts to the parser: most keep
the last, some the first, some refuse). A client and the harness may then
read different answers, so each is said, with what was seen: the first two
make the body unusable (:class:`NotInteroperable`), the third is
:attr:`Decoded.repeated`, and the harness judges the last value, as Python,
msgspec and JavaScript's ``JSON.parse`` do.

Bounds (depth, number length) are checked before, by ``harness.json_bounds``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from harness.pointers import join

SHOWN = 40  # characters of a repeated member's values shown
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class NotJson(ValueError):
    """The body is not JSON at all; the message is the parser's."""


class NotInteroperable(ValueError):
    """The body is JSON to some parsers only; the message says what was seen and where."""


@dataclass(frozen=True)
class Repeated:
    """An object naming one member more than once."""

    pointer: str  # the object's JSON pointer
    name: str
    values: tuple[Any, ...]  # each value given, in order: the last is the one judged

    def describe(self) -> str:
        where = self.pointer or "the top level"
        shown = " then ".join(_clip(value) for value in self.values)
        return (f"the object at {where} names the member {self.name!r} {len(self.values)} times ({shown}): "
                "RFC 8259 leaves which counts to the parser; the harness judged the last, a client keeping the "
                "first reads another answer")


@dataclass(frozen=True)
class Decoded:
    value: Any
    repeated: tuple[Repeated, ...] = ()


def decode(content: bytes) -> Decoded:
    """The body's value (the last of a repeated member), and each repeated member. Raises :class:`NotJson` or
    :class:`NotInteroperable`."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = content[error.start:error.start + 4]
        raise NotInteroperable(f"not UTF-8 (RFC 8259 requires it): byte 0x{content[error.start]:02x} at offset "
                               f"{error.start} ({bad!r}); parsers differ (some refuse, some replace)") from None
    seen: dict[int, dict[str, list[Any]]] = {}

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)
        if len(value) != len(pairs):
            names: dict[str, list[Any]] = {}
            for name, member in pairs:
                names.setdefault(name, []).append(member)
            seen[id(value)] = {name: given for name, given in names.items() if len(given) > 1}
        return value

    try:
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, RecursionError) as error:
        raise NotJson(str(error)) from None
    if _ESCAPED_SURROGATE.search(content):  # a pair is one character; only a lone half fails to encode
        _refuse_lone_surrogates(value, content)
    return Decoded(value, tuple(_repeated(value, seen)) if seen else ())


def _refuse_constant(name: str) -> None:
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


def _refuse_lone_surrogates(value: Any, content: bytes) -> None:
    """A lone surrogate can only come from an escape (strict UTF-8 has none); encoding finds it at C speed."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(error.object[error.start])
        offset = next((match.start() for match in _ESCAPED_SURROGATE.finditer(content)
                       if int(match.group()[2:], 16) == code), -1)
        raise NotInteroperable(f"a lone surrogate escape \\u{code:04x} at offset {offset}: it encodes no "
                               "character, so parsers differ (some refuse it, some keep or replace it)") from None


def _repeated(value: Any, seen: dict[int, dict[str, list[Any]]], pointer: str = "") -> list[Repeated]:
    """Where the repeated members were: a walk, only when there were some."""
    found: list[Repeated] = []
    if isinstance(value, dict):
        for name, given in seen.get(id(value), {}).items():
            found.append(Repeated(pointer, name, tuple(given)))
            for earlier in given[:-1]:  # what a parser keeping an earlier value reads there
                found += _repeated(earlier, seen, join(pointer, name))
        for name, member in value.items():
            found += _repeated(member, seen, join(pointer, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _repeated(item, seen, join(pointer, str(index)))
    return found


def _clip(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=True)
    return shown if len(shown) <= SHOWN else shown[:SHOWN] + "..."
