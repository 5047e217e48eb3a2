"""Tokens that never show: not in ``repr``, logs, exceptions, reports, or anything a target echoes back.

A :class:`Secret` keeps a credential out of ``repr`` and ``str``. But a
hostile target can echo the token in a body or a header, raw or encoded, and
that text then travels into findings, Locust's CSV and HTML, the console and
every report. So the run's secrets are registered with :data:`SCRUBBER`
(``harness.targets`` does it, after :func:`refusal` has said the token is
long enough to tell apart from ordinary text), and text is scrubbed twice:

- at the source: every body, header and reason a target sends is scrubbed
  where it is read (``harness.bounded.read_capped``, the recorded headers),
  and every finding and row scrubs its own text (``harness.verdicts``), before
  anything cuts, wraps or renders it (:func:`clip` scrubs, then shortens);
- on the way out: the console streams (``harness.cli``), every report file
  (``harness.reports``, the baseline) and Locust's files.

What counts as the secret is any piece of it of :data:`PIECE` characters or
more (a cut or a line fold leaves pieces, each of them still readable), in
any case, in every form a reader could decode: as it is; percent-encoded
(either case, every byte or some, twice); JSON, JavaScript and Python escapes
(``\\uXXXX``, ``\\xHH``, ``\\/``); HTML numeric and named references
(``&#39;``, ``&#x2F;``, ``&sol;``, escaped once more as ``&amp;``); base64 in
both alphabets at any alignment (a Basic header's ``user:token``), each line
of a wrapped one; and hex. The text is decoded into a lower-case *view* that
remembers where each of its characters came from, the pieces are found in
the view, and the original text is replaced over the same spans.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import functools
import re
import string
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from html.entities import html5
from pathlib import Path
from typing import TextIO

import httpx

from harness.neutral import defuse_commands, neutralise

REDACTED = "***"
MIN_SECRET_LENGTH = 8
PIECE = 12  # characters: a piece of a secret this long is replaced wherever it stands
_ENCODED_PIECE = {"base64": 16, "hex": 24}  # the same 12 bytes, written in base64 or hex

_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # keeps every index where it is
_MAY_BE_ESCAPED = re.compile(r"[%\\&]")
_ESCAPE = re.compile(
    r"%(?:25)*(?P<percent>[0-9a-f]{2})"
    r"|\\+u(?P<unicode>[0-9a-f]{4})|\\+u\{(?P<braced>[0-9a-f]{1,6})\}"
    r"|\\+x(?P<byte>[0-9a-f]{2})"
    r"|\\+(?P<escaped>[/\\'\"])"
    r"|&(?:amp;)*#(?P<decimal>[0-9]{1,7});?"
    r"|&(?:amp;)*#x(?P<hexadecimal>[0-9a-f]{1,6});?"
    r"|&(?:amp;)*(?P<entity>[a-z][a-z0-9]{1,31};)",
    re.IGNORECASE)


def refusal(secret: str, what: str = "the token") -> str | None:
    """Why ``secret`` cannot be scrubbed from output without mangling it, or ``None`` when it can."""
    if len(secret) < MIN_SECRET_LENGTH:
        return (f"{what} is shorter than {MIN_SECRET_LENGTH} characters: replacing it wherever it appears in "
                "reports would mangle ordinary words, so the harness refuses it; give the real credential")
    return None


def warning(secret: str, what: str = "the token") -> str | None:
    """A caution about a secret that can be scrubbed but may look like ordinary text."""
    if secret.isalpha():
        return (f"{what} is letters only, so it may also occur as an ordinary word; every occurrence in output and "
                "reports is replaced by ***")
    return None


def _base64_signatures(raw: bytes) -> set[str]:
    """The part of any base64 text that encodes ``raw``, at each of its three possible alignments."""
    signatures = set()
    for offset in range(3):
        start, end = -(-8 * offset // 6), 8 * (offset + len(raw)) // 6
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            signatures.add(encode(bytes(offset) + raw).decode()[start:end])
    return signatures


def _decoded(match: re.Match[str]) -> str | None:
    """The one character an escape stands for, or ``None`` when it stands for none."""
    kind, value = match.lastgroup, match.group(match.lastgroup or 0)
    if kind == "escaped":
        return value
    if kind == "entity":
        named = html5.get(value) or html5.get(value.lower())
        return named if named is not None and len(named) == 1 else None
    code = int(value, 10 if kind == "decimal" else 16)
    return chr(code) if code <= 0x10FFFF else None


@dataclass
class _View:
    """Text decoded once, in lower case, with the span of the original each of its characters came from."""

    text: str
    starts: list[int] = field(default_factory=list)  # per segment: where it starts in the view
    origins: list[int] = field(default_factory=list)  # ... where it starts in the original
    ends: list[int] = field(default_factory=list)  # ... where it ends in the original
    plain: list[bool] = field(default_factory=list)  # ... copied as it is (else one decoded escape)

    @classmethod
    def of(cls, text: str) -> _View:
        if not _MAY_BE_ESCAPED.search(text):
            return cls(text.translate(_LOWER))
        view = cls("")
        parts: list[str] = []
        length = position = 0
        for match in _ESCAPE.finditer(text):
            character = _decoded(match)
            if character is None:
                continue
            if match.start() > position:
                view._segment(length, position, match.start(), True)
                parts.append(text[position:match.start()])
                length += match.start() - position
            view._segment(length, match.start(), match.end(), False)
            parts.append(character)
            length += 1
            position = match.end()
        if position < len(text):
            view._segment(length, position, len(text), True)
            parts.append(text[position:])
        view.text = "".join(parts).translate(_LOWER)
        return view

    def _segment(self, start: int, origin: int, end: int, plain: bool) -> None:
        self.starts.append(start)
        self.origins.append(origin)
        self.ends.append(end)
        self.plain.append(plain)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that view characters ``start`` to ``end`` came from."""
        if not self.starts:
            return start, end
        first = bisect.bisect_right(self.starts, start) - 1
        last = bisect.bisect_right(self.starts, end - 1) - 1
        begin = self.origins[first] + (start - self.starts[first]) if self.plain[first] else self.origins[first]
        finish = self.origins[last] + (end - self.starts[last]) if self.plain[last] else self.ends[last]
        return begin, finish


@dataclass(frozen=True)
class _Needle:
    text: str  # lower case
    piece: int  # the shortest run of it that is replaced


def _needles(secret: str) -> list[_Needle]:
    """The secret as it is, in base64 at each alignment and in hex, each with its shortest telling piece.

    The encodings are of the secret and of its case swapped too: the text itself is matched in any case, and
    the contract's ``auth`` probe sends the token with its case swapped, which a target may echo encoded.
    """
    found = [_Needle(secret.translate(_LOWER), PIECE)]
    for raw in dict.fromkeys((secret.encode(), secret.swapcase().encode())):
        found.append(_Needle(raw.hex(), _ENCODED_PIECE["hex"]))
        found += [_Needle(signature.translate(_LOWER), _ENCODED_PIECE["base64"])
                  for signature in _base64_signatures(raw)]
    return [_Needle(needle.text, min(needle.piece, len(needle.text))) for needle in found if needle.text]


class Scrubber:
    """Replaces every readable piece of the registered secrets with ``***``; one per process (:data:`SCRUBBER`).

    Each piece of :data:`PIECE` characters or more of a needle contains one of its *anchors* (short runs at
    regular steps), so one regular expression of the anchors finds every candidate; each hit is grown both
    ways along the needle it belongs to, and replaced when it is at least a piece long.
    """

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._needles: list[_Needle] = []
        self._anchors: dict[str, list[tuple[int, int]]] = {}
        self._pattern: re.Pattern[str] | None = None

    def add(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.add(secret)
            self._compile()

    def _compile(self) -> None:
        self._needles = [needle for secret in sorted(self._secrets) for needle in _needles(secret)]
        self._anchors = {}
        for index, needle in enumerate(self._needles):
            size = min(needle.piece, max(6, needle.piece // 2))
            for position in range(0, len(needle.text) - size + 1, needle.piece - size + 1):
                self._anchors.setdefault(needle.text[position:position + size], []).append((index, position))
        ordered = sorted(self._anchors, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def _spans(self, view: str) -> list[tuple[int, int]]:
        """Where pieces of a needle stand in ``view``, left to right."""
        assert self._pattern is not None
        spans: list[tuple[int, int]] = []
        position = 0
        while (hit := self._pattern.search(view, position)) is not None:
            best: tuple[int, int] | None = None
            for index, offset in self._anchors[hit.group()]:
                needle = self._needles[index]
                start, end = hit.start(), hit.end()
                lead, tail = offset, offset + (end - start)
                while start > 0 and lead > 0 and view[start - 1] == needle.text[lead - 1]:
                    start, lead = start - 1, lead - 1
                while end < len(view) and tail < len(needle.text) and view[end] == needle.text[tail]:
                    end, tail = end + 1, tail + 1
                if end - start >= needle.piece and (best is None or end - start > best[1] - best[0]):
                    best = (start, end)
            if best is None:
                position = hit.start() + 1
            else:
                spans.append(best)
                position = best[1]
        return spans

    def scrub(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        view = _View.of(text)
        spans = self._spans(view.text)
        if not spans:
            return text
        merged: list[list[int]] = []
        for start, end in sorted(view.original(*span) for span in spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        parts, position = [], 0
        for start, end in merged:
            parts += [text[position:start], REDACTED]
            position = end
        parts.append(text[position:])
        return "".join(parts)

    def scrub_bytes(self, data: bytes) -> bytes:
        if self._pattern is None:
            return data
        return self.scrub(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")

    def scrub_file(self, path: Path) -> None:
        """Rewrite a file the harness (or Locust) wrote with its secrets replaced."""
        if self._pattern is None:
            return
        data = path.read_bytes()
        scrubbed = self.scrub_bytes(data)
        if scrubbed != data:
            path.write_bytes(scrubbed)

    @contextlib.contextmanager
    def scope(self) -> Iterator[Scrubber]:
        """Secrets registered inside the block are forgotten after it (one command invocation)."""
        saved = set(self._secrets)
        try:
            yield self
        finally:
            self._secrets = saved
            self._compile()


SCRUBBER = Scrubber()


def clip(text: str, limit: int) -> str:
    """``text`` scrubbed and neutralised (harness.neutral), then cut to ``limit`` characters: a cut never leaves
    half a secret behind, nor a target's escape sequence."""
    return neutralise(SCRUBBER.scrub(text))[:limit]


class ScrubbedStream:
    """A text stream (stdout, stderr) whose every write goes through :data:`SCRUBBER`, and whose every line a CI
    runner would obey is prefixed (the harness's own terminal escapes keep their meaning: target text was
    neutralised where it was read)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._at_line_start = True

    def write(self, text: str) -> int:
        self._stream.write(defuse_commands(SCRUBBER.scrub(text), at_line_start=self._at_line_start))
        if text:
            self._at_line_start = text.endswith("\n")
        return len(text)

    def __getattr__(self, name: str) -> object:  # flush, isatty, fileno, encoding, ...
        return getattr(self._stream, name)


@functools.lru_cache(maxsize=16)
def _alone(secret: str) -> Scrubber:
    scrubber = Scrubber()
    scrubber.add(secret)
    return scrubber


class Secret:
    """A credential whose ``repr`` and ``str`` are redacted; ``reveal()`` is explicit."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def redact(self, text: str) -> str:
        """``text`` with every readable piece of this secret replaced (as :class:`Scrubber` does)."""
        return _alone(self._value).scrub(text) if self._value else text

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` on every request, the token kept as a :class:`Secret`."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        yield request

    def __repr__(self) -> str:
        return f"BearerAuth({self._token!r})"
