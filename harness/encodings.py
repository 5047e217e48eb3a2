"""Content codings decoded as HTTP clients decode them, each layer bounded in what it hands on.

A target names its codings in ``Content-Encoding`` in the order it applied
them (``gzip, br``: gzip first), so they are undone from the last. The
clients we send with ask for ``gzip``, ``deflate``, ``br`` and ``zstd``
(urllib3 and httpx offer every coding whose library is installed), so each
is decoded here: ``gzip`` (members in turn, as urllib3 reads them),
``deflate`` (zlib-wrapped, or raw as some servers send it, as httpx and
urllib3 accept), ``br`` and ``zstd`` (a window of at most 8 MiB, RFC 9659's
bound). A coding we do not know is left as sent, as those clients leave it.

Every layer is a generator handing on at most :data:`STEP` bytes at a time
and pulling its input only as its reader asks: a bomb inside a bomb inflates
no further than what the reader (``harness.bounded.read_capped``) keeps. A
layer that does not decode raises :class:`UndecodableError`, which the
reader turns into a finding (a client raises on such an answer too).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator

import brotli
import zstandard

STEP = 1 << 16  # the most one layer hands on at a time
MAX_LAYERS = 8  # more codings than any server applies: a header of thousands of "gzip," is refused, not nested
ZSTD_WINDOW = 1 << 23  # RFC 9659: a zstd content coding's window is at most 8 MiB

Layer = Callable[[Iterator[bytes]], Iterator[bytes]]


class UndecodableError(Exception):
    """The answer does not decode as its ``Content-Encoding`` says; the message says which coding, and why."""


def _inflate(chunks: Iterator[bytes], wbits: int, coding: str, members: bool = False) -> Iterator[bytes]:
    """zlib's inflater, bounded by ``max_length``. After the stream's end, the next gzip member is read when
    ``members``; anything else after it is read and dropped, as urllib3 and httpx drop it."""
    inflater, later, fed = zlib.decompressobj(wbits=wbits), False, False
    for chunk in chunks:
        data, fed = chunk, fed or bool(chunk)
        while data:
            try:
                out = inflater.decompress(data, STEP)
            except zlib.error as error:
                if later:  # not a member after all: bytes after the stream
                    _drop(chunks)
                    return
                raise UndecodableError(f"the {coding} layer does not decode ({error})") from None
            if out:
                yield out
            data = inflater.unconsumed_tail
            if inflater.eof:
                if not members:
                    _drop(chunks)
                    return
                data, inflater, later = inflater.unused_data, zlib.decompressobj(wbits=wbits), True
    while out := inflater.decompress(b"", STEP):  # what the last call held back at the limit
        yield out
    if fed and not later and not inflater.eof:
        raise UndecodableError(f"the {coding} layer ends before its stream does")


def gzip_layer(chunks: Iterator[bytes]) -> Iterator[bytes]:
    return _inflate(chunks, 16 + zlib.MAX_WBITS, "gzip", members=True)


def deflate_layer(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """zlib-wrapped, as RFC 9110 says; raw deflate when the first two bytes are no zlib header."""
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 2:
            break
    wrapped = len(head) < 2 or (head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and int.from_bytes(head[:2]) % 31 == 0)
    yield from _inflate(_chain(head, chunks), zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS, "deflate")


def br_layer(chunks: Iterator[bytes]) -> Iterator[bytes]:
    decompressor, fed = brotli.Decompressor(), False
    try:
        for chunk in chunks:
            fed = fed or bool(chunk)
            if decompressor.is_finished():  # bytes after the stream: dropped
                _drop(chunks)
                return
            out = decompressor.process(chunk, output_buffer_limit=STEP)
            while True:
                if out:
                    yield out
                if decompressor.can_accept_more_data():
                    break
                out = decompressor.process(b"", output_buffer_limit=STEP)
    except brotli.error as error:
        raise UndecodableError(f"the br layer does not decode ({error})") from None
    if fed and not decompressor.is_finished():
        raise UndecodableError("the br layer ends before its stream does")


def zstd_layer(chunks: Iterator[bytes]) -> Iterator[bytes]:
    reader = zstandard.ZstdDecompressor(max_window_size=ZSTD_WINDOW).stream_reader(
        _Source(chunks), read_size=STEP, read_across_frames=True)
    try:
        while out := reader.read(STEP):
            yield out
    except zstandard.ZstdError as error:
        raise UndecodableError(f"the zstd layer does not decode ({error})") from None


LAYERS: dict[str, Layer] = {"gzip": gzip_layer, "x-gzip": gzip_layer, "deflate": deflate_layer, "br": br_layer,
                            "zstd": zstd_layer}


def decoded(chunks: Iterable[bytes], content_encoding: str | None) -> Iterator[bytes]:
    """The body with every coding it names undone, last applied first; unknown codings (and ``identity``) skipped."""
    codings = [coding.strip().lower() for coding in (content_encoding or "").split(",")]
    known = [coding for coding in codings if coding in LAYERS]
    if len(known) > MAX_LAYERS:
        raise UndecodableError(f"{len(known)} content codings (more than {MAX_LAYERS} are not undone)")
    stream: Iterator[bytes] = iter(chunks)
    for coding in reversed(known):
        stream = LAYERS[coding](stream)
    return stream


def _drop(chunks: Iterator[bytes]) -> None:
    """Read what is left and keep none of it (the reader's deadline bounds it, as it bounds every read)."""
    for _ in chunks:
        pass


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


class _Source:
    """A file-like view of a chunk iterator (zstandard's stream reader pulls with ``read``)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._held = chunks, b""

    def read(self, size: int = -1) -> bytes:
        while not self._held:
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._held = chunk
        if size < 0:
            size = len(self._held)
        out, self._held = self._held[:size], self._held[size:]
        return out
