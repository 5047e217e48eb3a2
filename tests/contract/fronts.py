"""Fronts: TCP relays on loopback that change how a correct target's answers travel, not what they say.

A gateway or CDN before a correct server may send ``103 Early Hints``
before every answer (RFC 8297; RFC 9110 §15.2 has every client read past
an informational answer it did not expect), or frame each answer by closing
the connection instead of a ``Content-Length`` (RFC 9112 §6.3). A front
reads each answer of the target behind it (by its ``Content-Length``, or
to the close), hands it to its ``Reframe`` and writes what that makes
of it. Each connection is relayed by two threads; stopping the front closes
every connection and joins every thread.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

HINT = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n"
_CHUNK = 64 * 1024
Reframe = Callable[[bytes, bytes], tuple[bytes, bool]]  # (head, body) -> (what to write, close after it)


def hinted(head: bytes, body: bytes) -> tuple[bytes, bool]:
    return HINT + head + body, False


def close_delimited(head: bytes, body: bytes) -> tuple[bytes, bool]:
    lines = [line for line in head.split(b"\r\n")[:-2]
             if not line.lower().startswith((b"content-length:", b"connection:"))]
    return b"\r\n".join([*lines, b"connection: close", b"", b""]) + body, True


def _length(head: bytes) -> int | None:
    """The body's length its head declares; None for an answer framed by the close (uvicorn's own 400 to a
    request it cannot parse)."""
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return None


class _Answers:
    """The target's answers read off its socket one by one (head, then a body of its ``Content-Length``)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buffer = sock, bytearray()

    def _fill(self) -> bool:
        try:
            data = self.sock.recv(_CHUNK)
        except OSError:
            data = b""
        self.buffer += data
        return bool(data)

    def next(self) -> tuple[bytes, bytes] | None:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            if not self._fill():
                return None
        head = bytes(self.buffer[:end + 4])
        size = _length(head)
        while size is None or len(self.buffer) < end + 4 + size:
            if not self._fill():
                if size is None:  # framed by the close: the body is all there was
                    size = len(self.buffer) - end - 4
                    break
                return None
        body = bytes(self.buffer[end + 4:end + 4 + size])
        del self.buffer[:end + 4 + size]
        return head, body


def _relay(client: socket.socket, upstream: socket.socket, reframe: Reframe) -> None:
    """One connection, in two threads: requests forwarded as they come, answers reframed.

    Blocking sockets on purpose: the target may answer early and close with the request unread (a body over
    its limit), and its answer is then still on the socket to read, where an event loop that failed to write
    drops the connection before reading it. What the client sends after the answer that ends the connection
    is read and dropped, never left unread (a close with unread data resets the connection, RFC 9112 §9.6).
    """
    closing = threading.Event()

    def requests() -> None:
        while data := _recv(client):
            if not closing.is_set():
                try:
                    upstream.sendall(data)
                except OSError:
                    closing.set()  # the target closed (an early answer): the rest goes nowhere
        with contextlib.suppress(OSError):
            upstream.shutdown(socket.SHUT_WR)

    forwarding = threading.Thread(target=requests, name="front-requests", daemon=True)
    forwarding.start()
    answers = _Answers(upstream)
    try:
        while (answer := answers.next()) is not None:
            data, close = reframe(*answer)
            client.sendall(data)
            if close:
                break
        closing.set()
        client.shutdown(socket.SHUT_WR)  # half-closed: the client reads to the end, then closes its side
    except OSError:
        pass
    forwarding.join(timeout=30)
    client.close()
    upstream.close()


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(_CHUNK)
    except OSError:
        return b""


@contextlib.contextmanager
def front(base_url: str, reframe: Reframe) -> Iterator[str]:
    """The URL of a front before ``base_url`` whose answers ``reframe`` rewrites (served while the block runs)."""
    target = urlsplit(base_url)
    address = (target.hostname or "127.0.0.1", target.port or 80)
    listener = socket.create_server(("127.0.0.1", 0))
    connections: list[socket.socket] = []
    relays: list[threading.Thread] = []

    def accept() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener closed: the front stops
            upstream = socket.create_connection(address, timeout=60)
            client.settimeout(60)
            connections.extend((client, upstream))
            relay = threading.Thread(target=_relay, args=(client, upstream, reframe), name="front", daemon=True)
            relays.append(relay)
            relay.start()

    acceptor = threading.Thread(target=accept, name="front-accept", daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        acceptor.join(timeout=10)
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for relay in relays:
            relay.join(timeout=10)


def early_hints(base_url: str) -> contextlib.AbstractContextManager[str]:
    """A front sending 103 before every answer."""
    return front(base_url, hinted)


def closing(base_url: str) -> contextlib.AbstractContextManager[str]:
    """A front framing every answer by closing the connection after it (no ``Content-Length``)."""
    return front(base_url, close_delimited)
