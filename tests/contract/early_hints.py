"""A front that sends ``103 Early Hints`` before every answer of the target behind it (RFC 8297).

A correct server may do so (a CDN or gateway adding preload hints): RFC
9110 §15.2 has every client read past informational answers it did not
expect. The front is a TCP relay on loopback: when a request comes in, the
first bytes of the answer that follows are preceded by one 103. It runs on
an event loop of its own thread, and stopping it closes every connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

HINT = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n"
_CHUNK = 64 * 1024


async def _relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, port: int) -> None:
    upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
    state = {"hint": False, "answered": True}

    async def requests() -> None:
        while data := await reader.read(_CHUNK):
            if state["answered"]:  # a new request: its answer gets a hint first
                state["answered"], state["hint"] = False, True
            upstream_writer.write(data)
            await upstream_writer.drain()
        upstream_writer.close()

    async def answers() -> None:
        while data := await upstream_reader.read(_CHUNK):
            if state["hint"]:
                state["hint"], data = False, HINT + data
            state["answered"] = True
            writer.write(data)
            await writer.drain()
        writer.close()

    try:
        await asyncio.gather(requests(), answers(), return_exceptions=True)
    finally:
        writer.close()
        upstream_writer.close()


@contextlib.contextmanager
def early_hints(base_url: str) -> Iterator[str]:
    """The URL of a front sending 103 before every answer of ``base_url`` (served while the block runs)."""
    target = urlsplit(base_url)
    host, port = target.hostname or "127.0.0.1", target.port or 80
    loop = asyncio.new_event_loop()
    servers: list[asyncio.Server] = []

    async def serve() -> None:
        server = await asyncio.start_server(lambda r, w: _relay(r, w, host, port), "127.0.0.1", 0)
        servers.append(server)

    thread = threading.Thread(target=loop.run_forever, name="early-hints", daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=10)
    try:
        yield f"http://127.0.0.1:{servers[0].sockets[0].getsockname()[1]}"
    finally:
        async def stop() -> None:
            servers[0].close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
