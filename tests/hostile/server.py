"""A raw-socket server on loopback that misbehaves on purpose: one behaviour per instance.

The harness is pointed at servers that are broken by definition; these are
the worst of them, written below HTTP so that nothing (no framework, no
server library) tidies up what goes on the wire. Every connection is served
on its own daemon thread and every behaviour stops when the client goes away,
when the server is stopped, or after ``SERVE_AT_MOST`` seconds, whichever
comes first. ``python -m tests.hostile.server BEHAVIOUR`` serves one from the
command line (it prints its URL).
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from functools import cache
from urllib.parse import quote, quote_plus

import brotli
import zstandard

SERVE_AT_MOST = 200.0  # seconds one connection is served, whatever its behaviour
BOMB_BYTES = 1 << 30  # what the gzip bomb inflates to
HUGE_BYTES = 300 * 10**6  # the huge answer's body


class Connection:
    """One client connection: its socket, the request it sent, and whether to go on."""

    def __init__(self, sock: socket.socket, server: HostileServer) -> None:
        self.sock, self.server = sock, server
        self.started = time.monotonic()
        self.request = b""

    @property
    def open(self) -> bool:
        return not self.server.stopping.is_set() and time.monotonic() - self.started < SERVE_AT_MOST

    def read_request(self) -> bool:
        """The request's head and body (bounded), or ``False`` when the client sent none."""
        self.sock.settimeout(10)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 1 << 20:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return False
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")[1:]
                           if line.lower().startswith(b"content-length:")), 0)
            while len(body) < min(length, 32 << 20):
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                body += chunk
        except (OSError, ValueError):
            return False
        self.request = head + b"\r\n\r\n" + body
        return True

    def header(self, name: str) -> str:
        head = self.request.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        for line in head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return ""

    def send(self, data: bytes) -> bool:
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def pause(self, seconds: float) -> bool:
        return not self.server.stopping.wait(seconds) and self.open


def head(status: str, *headers: str, length: int | None = None, content_type: str = "application/json") -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", *headers]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(connection: Connection, status: str, body: bytes, *headers: str) -> None:
    connection.send(head(status, *headers, "Connection: close", length=len(body)) + body)


# -- behaviours -------------------------------------------------------------------------------------------
def never_answers(connection: Connection) -> None:
    """Reads the request, then says nothing at all."""
    while connection.pause(0.5):
        pass


def garbage(connection: Connection) -> None:
    """Bytes that are not HTTP, then the connection closes."""
    connection.send(bytes(range(256)) * 16 + b"\x1b[31mnot http\x00\r\n\r\n")


def reset_mid_body(connection: Connection) -> None:
    """Promises 5,000 bytes, sends 20, then resets the connection."""
    connection.send(head("400 Bad Request", length=5000) + b'{"message": "cut of')
    connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def endless_chunked(connection: Connection) -> None:
    """A chunked answer that never ends."""
    if not connection.send(head("400 Bad Request", "Transfer-Encoding: chunked") + b'3\r\n{"m\r\n'):
        return
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    while connection.open and connection.send(chunk):
        pass


def huge_header(connection: Connection) -> None:
    """A header line that never ends."""
    if not connection.send(b"HTTP/1.1 400 Bad Request\r\nX-Huge: "):
        return
    block = b"a" * 65536
    while connection.open and connection.send(block):
        pass


def slow_headers(connection: Connection) -> None:
    """Headers one byte every half second, never finished."""
    for byte in (b"HTTP/1.1 400 Bad Request\r\n" + b"X-Slow: " + b"a" * 100_000):
        if not (connection.send(bytes([byte])) and connection.pause(0.5)):
            return


def slow_body(connection: Connection) -> None:
    """Headers at once, then a 100,000-byte body one byte every half second."""
    if not connection.send(head("400 Bad Request", length=100_000) + b'{"message": "'):
        return
    while connection.pause(0.5) and connection.send(b"a"):
        pass


def huge_body(connection: Connection) -> None:
    """A 300 MB error answer."""
    prefix = b'{"message": "'
    if not connection.send(head("400 Bad Request", length=HUGE_BYTES) + prefix):
        return
    block, left = b"a" * 65536, HUGE_BYTES - len(prefix)
    while left > 0 and connection.open and connection.send(block[:left]):
        left -= len(block)


def gzip_bomb(connection: Connection) -> None:
    """A gzip body of about 1 MB that inflates to 1 GiB of zeros."""
    body = bomb()
    connection.send(head("400 Bad Request", "Content-Encoding: gzip", length=len(body)) + body)
    while connection.pause(0.5):  # the client hangs up once it has had enough
        pass


def token_echo(connection: Connection) -> None:
    """Echoes the credentials it was sent, raw and encoded, in the body and in a header."""
    authorization = connection.header("authorization")
    token = authorization.partition(" ")[2]
    echoes = {"authorization": authorization, "token": token, "url": quote(token, safe=""),
              "form": quote_plus(token), "base64": base64.b64encode(token.encode()).decode(),
              "basic": base64.b64encode(f"user:{token}".encode()).decode(),
              "request": connection.request.decode("utf-8", "replace")[:4000]}
    body = json.dumps({"message": f"invalid token {token} (sent {authorization})", "echo": echoes}).encode()
    answer(connection, "400 Bad Request", body, f"X-Echo: {authorization}", f"X-Token-Url: {quote(token)}")


def key_echo_forms(token: str) -> dict[str, str]:
    """The token in every form a careless server (or its framework) writes it, each a reader can decode."""
    raw = token.encode()
    return {
        "raw": token, "upper": token.upper(), "lower": token.lower(),
        "percent": quote(token, safe=""), "percent-lower": quote(token, safe="").lower(),
        "percent-every-byte": "".join(f"%{byte:02x}" for byte in raw), "form": quote_plus(token),
        "html-decimal": "".join(f"&#{ord(c)};" for c in token), "html-hex": "".join(f"&#x{ord(c):X};" for c in token),
        "html-named": token.replace("/", "&sol;").replace(".", "&period;").replace("=", "&equals;"),
        "base64": base64.b64encode(raw).decode(), "base64-url": base64.urlsafe_b64encode(b"u:" + raw).decode(),
        "base64-wrapped": base64.encodebytes(b"user:" + raw).decode(), "hex": raw.hex(), "HEX": raw.hex().upper(),
    }


def key_echo(connection: Connection) -> None:
    """Echoes the token in every form, in the message, the body (some past 600 bytes) and headers; three
    early answers are 429s whose Retry-After is the token."""
    token = connection.header("authorization").partition(" ")[2]
    json_escaped = "".join(f"\\u{ord(c):04x}" for c in token)  # the JSON escape itself goes on the wire
    slash_escaped = token.replace("/", "\\/")
    padding = "x" * 700
    fields = ", ".join(f"{json.dumps(name)}: {json.dumps(value)}" for name, value in key_echo_forms(token).items())
    body = (f'{{"message": "invalid token {json_escaped} ({slash_escaped})", "padding": "{padding}", '
            f'{fields}}}').encode()
    headers = (f"X-Echo: {token}", f"X-Echo-Hex: {token.encode().hex()}", f"X-Echo-Url: {quote(token, safe='')}")
    connection.server.echoes += 1
    if connection.server.echoes in (2, 4, 6):  # a few, so that a run's waits (a second each) stay short
        answer(connection, "429 Too Many Requests", body, f"Retry-After: {token}", *headers)
    else:
        answer(connection, "400 Bad Request", body, *headers)


DEEP = 200_000  # levels of nesting, and digits of a number: far past any parser's recursion or patience


def deep_json(connection: Connection) -> None:
    """An error answer nested 200,000 levels deep (400 KB)."""
    answer(connection, "400 Bad Request", b'{"message": ' + b"[" * DEEP + b"]" * DEEP + b"}")


def long_number(connection: Connection) -> None:
    """An error answer whose message is a 200,000-digit number."""
    answer(connection, "400 Bad Request", b'{"message": ' + b"9" * DEEP + b"}")


def retry_after_day(connection: Connection) -> None:
    """Throttles everything and asks for a day's wait."""
    answer(connection, "429 Too Many Requests", b'{"message": "come back tomorrow"}', "Retry-After: 86400")


def redirect_elsewhere(connection: Connection) -> None:
    """Redirects every request, 307 (method and body kept), to the server's ``elsewhere``."""
    location = f"{connection.server.elsewhere}/stolen"
    answer(connection, "307 Temporary Redirect", b'{"message": "moved"}', f"Location: {location}")


# what a compromised target writes to take over a terminal or a CI runner: workflow commands on lines of their own,
# escape sequences, a bell, a bare carriage return, bidi controls, zero-width characters
INJECTED = ("refused\n::error file=x::pwned\n::add-mask::x\n  ::stop-commands::tok\n::set-output name=a::b\n"
            "##vso[task.setvariable variable=x]y\n##[group]z\n\x1b[31mred\x1b]8;;http://x\x07link\x07\r"
            "over\u202egnp.exe\u2066iso\u2069\u200bzero")


def injections(connection: Connection) -> None:
    """Every injection in every text a run quotes: a 207's entries (message and echoed event), a 401's message, a
    plain-text 400 whose lines arrive raw (no JSON escape between them and a terminal), an ASCII header."""
    reason = "X-Reason: ::error::from a header"
    if connection.request.split(b" ", 2)[1].endswith(b"/ingestBatch"):
        event = {"schemaName": INJECTED[:50], "id": INJECTED, "timestamp": INJECTED, "accountId": INJECTED,
                 "attributes": [], "dimensions": {"x": INJECTED}}
        body = json.dumps({"errors": [{"message": INJECTED, "eventPayload": event}]}).encode()
        answer(connection, "207 Multi-Status", body, reason)
    elif not connection.header("authorization"):
        answer(connection, "401 Unauthorized", json.dumps({"message": INJECTED}).encode(), reason)
    else:
        connection.send(head("400 Bad Request", reason, "Connection: close", length=len(INJECTED.encode()),
                             content_type="text/plain; charset=utf-8") + INJECTED.encode())


def header_bytes(connection: Connection) -> None:
    """Any byte in a header, in turns: a bidi control in UTF-8 (a reflected header), then Latin-1, invalid UTF-8 and
    a control byte together."""
    connection.server.echoes += 1
    odd = (b"X-Reflected: caf\xe9\r\nX-Broken: \xff\xfe\xfd\r\nX-Control: a\x01b\x1b[31m\r\n"
           if connection.server.echoes % 2 else "X-Reflected: \u202egnp.exe\r\n".encode())
    body = b'{"message": "refused"}'
    connection.send(head("400 Bad Request", "Connection: close", length=len(body))[:-2] + odd + b"\r\n" + body)


def short_body(connection: Connection) -> None:
    """The first answer whole; then each promises 4,096 bytes, sends 60 and closes the connection (no reset)."""
    connection.server.echoes += 1
    body = b'{"message": "' + b"a" * 46 + b'"}'
    if connection.server.echoes == 1:
        answer(connection, "400 Bad Request", body)
        return
    connection.send(head("400 Bad Request", "Connection: close", length=4096) + body[:60])


def header_flood(connection: Connection) -> None:
    """The first answer whole (a preflight passes); then, in turns, 20,000 header lines (about 600 KB of headers)
    and one header line of 2 MB, each finished and followed by a short error body."""
    connection.server.echoes += 1
    body = b'{"message": "refused"}'
    if connection.server.echoes == 1:
        answer(connection, "400 Bad Request", body)
        return
    flood = (b"".join(b"X-Flood-%d: %s\r\n" % (n, b"v" * 16) for n in range(20_000))
             if connection.server.echoes % 2 else b"X-Long: " + b"v" * (2 << 20) + b"\r\n")
    connection.send(head("400 Bad Request", "Connection: close", length=len(body))[:-2] + flood + b"\r\n" + body)


def stacked_bomb(connection: Connection) -> None:
    """A bomb inside a bomb: 1 GiB of zeros zstd-packed, then brotli-packed (``Content-Encoding: zstd, br``)."""
    answer(connection, "400 Bad Request", stacked(), "Content-Encoding: zstd, br")


def broken_encoding(connection: Connection) -> None:
    """Answers that are not the coding they name, in turns: plain JSON said to be gzip (a proxy's classic), bytes
    said to be br, and a coding no client knows over plain JSON (left as sent, as clients leave it)."""
    connection.server.echoes += 1
    body = b'{"message": "refused"}'
    coding, body = [("gzip", body), ("br", b"\x8b\x01not brotli at all"), ("x-unheard-of", body)][
        connection.server.echoes % 3]
    answer(connection, "400 Bad Request", body, f"Content-Encoding: {coding}")


def parsers_disagree(connection: Connection) -> None:
    """JSON parsers read differently: every batch a 207 naming ``errors`` twice; every other request, in turns, a
    400 naming ``message`` twice, one whose message is Latin-1 (not UTF-8), one with a lone surrogate escape."""
    connection.server.echoes += 1
    if connection.request.split(b" ", 2)[1].endswith(b"/ingestBatch"):
        answer(connection, "207 Multi-Status", b'{"errors": [{"message": "conflict"}], "errors": []}')
        return
    body = [b'{"message": "refused", "message": "accepted"}', b'{"message": "refus\xe9"}',
            b'{"message": "refused \\ud800 here"}'][connection.server.echoes % 3]
    answer(connection, "400 Bad Request", body)


BEHAVIOURS: dict[str, Callable[[Connection], None]] = {behaviour.__name__: behaviour for behaviour in (
    never_answers, garbage, reset_mid_body, endless_chunked, huge_header, slow_headers, slow_body, huge_body,
    gzip_bomb, token_echo, key_echo, deep_json, long_number, retry_after_day, redirect_elsewhere, injections,
    header_bytes, short_body, header_flood, stacked_bomb, broken_encoding, parsers_disagree)}


@cache
def bomb() -> bytes:
    """1 GiB of zeros, gzipped once per process (about 1 MB; under two seconds)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as packed:
        zeros = bytes(1 << 20)
        for _ in range(BOMB_BYTES >> 20):
            packed.write(zeros)
    return out.getvalue()


@cache
def stacked() -> bytes:
    """1 GiB of zeros packed by zstd, then by brotli (38 bytes): once per process, in a fifth of a second."""
    packer = zstandard.ZstdCompressor().compressobj()
    zeros = bytes(1 << 20)
    packed = b"".join(packer.compress(zeros) for _ in range(BOMB_BYTES >> 20)) + packer.flush()
    return brotli.compress(packed, quality=5)


class HostileServer:
    """``with HostileServer("slow_body") as server: ... server.base_url ...``."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = BEHAVIOURS[behaviour]
        self.stopping = threading.Event()
        self.requests = 0
        self.echoes = 0
        self.seen: list[bytes] = []  # requests received (the redirect's other host reads it)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.elsewhere = ""
        self._other: HostileServer | None = None
        if behaviour == "redirect_elsewhere":
            self._other = HostileServer("never_answers")
            self.elsewhere = self._other.base_url
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def other(self) -> HostileServer | None:
        """The server a redirect points to: it must receive nothing."""
        return self._other

    def __enter__(self) -> HostileServer:
        if self.behaviour is gzip_bomb:
            bomb()
        if self.behaviour is stacked_bomb:
            stacked()
        if self._other is not None:
            self._other.__enter__()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._listener.close()
        self._thread.join(timeout=5)
        if self._other is not None:
            self._other.__exit__()

    def _accept(self) -> None:
        self._listener.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        connection = Connection(sock, self)
        with sock:
            if connection.read_request():
                self.requests += 1
                self.seen.append(connection.request[:4096])
                with contextlib.suppress(OSError):  # the client went away: that ends any behaviour
                    self.behaviour(connection)


def main() -> None:
    import sys  # noqa: PLC0415

    with HostileServer(sys.argv[1]) as server:
        sys.stdout.write(f"{server.base_url}\n")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            server.stopping.wait(SERVE_AT_MOST * 3)


if __name__ == "__main__":
    main()
