"""Tokens that never show: not in ``repr``, logs, exceptions, reports, or anything a target echoes back.

A :class:`Secret` keeps a credential out of ``repr`` and ``str``. But a
hostile target can echo the token in a body or a header, raw or encoded, and
that text then travels into findings, Locust's CSV and HTML, the console and
every report. So the run's secrets are also registered with :data:`SCRUBBER`
(``harness.targets.resolve`` does it, after :func:`refusal` has said the token
is long enough to tell apart from ordinary text), and every writer passes its
bytes through it: the console streams (``harness.cli``), every report file
(``harness.reports``), Locust's failure messages and files (``harness.load``).
Each secret is replaced in every form it could take in text: as it is,
URL-encoded, JSON- and HTML-escaped, and inside any base64 text (a Basic
header's ``user:token``) whatever its alignment there.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import re
from collections.abc import Generator, Iterator
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

import httpx

REDACTED = "***"
MIN_SECRET_LENGTH = 8


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


def forms(secret: str) -> set[str]:
    """``secret`` as it may appear in text: as is, URL-encoded, escaped, and inside base64."""
    if not secret:
        return set()
    found = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret), json.dumps(secret)[1:-1],
             html.escape(secret), *_base64_signatures(secret.encode())}
    return {form for form in found if len(form) >= min(len(secret), MIN_SECRET_LENGTH)}


class Scrubber:
    """Replaces every form of the registered secrets with ``***``; one per process (:data:`SCRUBBER`)."""

    def __init__(self) -> None:
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, secret: str) -> None:
        self._forms |= forms(secret)
        self._compile()

    def _compile(self) -> None:
        ordered = sorted(self._forms, key=len, reverse=True)  # the longest form first: no half-replaced token
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def scrub(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text) if self._pattern is not None else text

    def scrub_bytes(self, data: bytes) -> bytes:
        if self._pattern is None:
            return data
        return self.scrub(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")

    def scrub_file(self, path: Any) -> None:
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
        saved = set(self._forms)
        try:
            yield self
        finally:
            self._forms = saved
            self._compile()


SCRUBBER = Scrubber()


class ScrubbedStream:
    """A text stream (stdout, stderr) whose every write goes through :data:`SCRUBBER`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(SCRUBBER.scrub(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, ...
        return getattr(self._stream, name)


class Secret:
    """A credential whose ``repr`` and ``str`` are redacted; ``reveal()`` is explicit."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def redact(self, text: str) -> str:
        """``text`` with every occurrence of the secret, in each of its :func:`forms`, replaced."""
        for form in sorted(forms(self._value), key=len, reverse=True):
            text = text.replace(form, REDACTED)
        return text

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
