"""Answers a parser can survive: nesting depth and number length bounded before any parser sees them.

A hostile target can answer with JSON nested 200,000 levels deep in 200 KB
(well under the answer cap): msgspec, the standard library and jsonschema
all recurse, and end in a ``RecursionError`` (a traceback, or a Locust worker
that hangs). A 200,000-digit number costs seconds to convert. No documented
answer of this API comes near either bound, so :func:`problem` tells such an
answer apart cheaply (a count first, a scan only when the count is high),
and :func:`harness.bounded.read_capped` hands every reader a short,
non-JSON stand-in naming the problem instead (:func:`stand_in`): every parser
then reports "not JSON" with that reason, a finding like any other.
"""

from __future__ import annotations

import re
from itertools import accumulate

MAX_DEPTH = 64  # the deepest documented answer (a 207's errors, their events, attributes) is 5 deep
MAX_NUMBER_DIGITS = 1000  # characters of one number literal outside strings
STAND_IN_PREFIX = b"harness: answer not read: "

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_LONG_NUMBER = re.compile(rb"-?[0-9][-+.eE0-9]{%d,}" % MAX_NUMBER_DIGITS)
_NOT_NUMBER = bytes(byte for byte in range(256) if byte not in b"-+.eE0123456789")
_NESTING = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # opener +1, closer -1 (read as signed bytes)
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")


def problem(body: bytes) -> str | None:
    """Why ``body`` must not reach a JSON parser, or ``None`` (most bodies: a few C-level counts, no regex).

    The counts are necessary conditions: more openers than the depth allowed, and as many characters a number
    can hold as one too long a number has (a regex tries every position: 10 ms a megabyte, per answer).
    """
    deep = body.count(b"[") + body.count(b"{") > MAX_DEPTH
    long = (len(body.translate(None, _NOT_NUMBER)) > MAX_NUMBER_DIGITS
            and _LONG_NUMBER.search(body) is not None)
    if not (deep or long):
        return None
    outside = _STRING.sub(b'""', body)  # what strings hold is text, not structure
    if deep:
        brackets = outside.translate(_NESTING, _NOT_BRACKETS)
        depth = max(accumulate(memoryview(brackets).cast("b")), default=0)
        if depth > MAX_DEPTH:
            return f"JSON nested {depth:,} levels deep (more than {MAX_DEPTH})"
    if long and (number := _LONG_NUMBER.search(outside)) is not None:
        return f"a JSON number of {len(number.group()):,} characters (more than {MAX_NUMBER_DIGITS:,})"
    return None


def stand_in(body: bytes) -> bytes:
    """``body`` itself, or a short non-JSON text saying why it was not handed to a parser."""
    reason = problem(body)
    return body if reason is None else STAND_IN_PREFIX + f"{reason}, {len(body):,} bytes".encode()
