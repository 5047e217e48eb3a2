"""Content codings undone as clients undo them, in layers, the cap holding across every layer."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator

import brotli
import pytest
import zstandard

from harness.bounded import read_capped
from harness.encodings import MAX_LAYERS, STEP, ZSTD_WINDOW, decoded
from harness.json_bounds import STAND_IN_PREFIX

CAP = 1000
BODY = b'{"message": "refused", "padding": "' + b"x" * 5000 + b'"}'


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


PACK: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": zlib.compress, "br": lambda data: brotli.compress(
        data, quality=5), "zstd": zstandard.ZstdCompressor().compress}


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("coding", [*PACK, "deflate (raw)"])
@pytest.mark.parametrize("size", [1, 7, 1 << 20])
def test_each_coding_is_undone_whatever_the_chunks(coding: str, size: int) -> None:
    packed = raw_deflate(BODY) if coding == "deflate (raw)" else PACK[coding](BODY)
    assert read_capped(pieces(packed, size), coding.split(maxsplit=1)[0].upper(), 1 << 20) == BODY


@pytest.mark.parametrize("codings", ["gzip, gzip", "deflate, br", "br, gzip", "zstd, deflate, gzip", "gzip,br"])
def test_stacked_codings_are_undone_last_applied_first(codings: str) -> None:
    packed = BODY
    for coding in codings.split(","):  # in the order the server applied them
        packed = PACK[coding.strip()](packed)
    assert read_capped([packed], codings, 1 << 20) == BODY


@pytest.mark.parametrize(("mtime", "why"), [(0, b"does not decode (brotli: decoder failed)"),
                                            (79190000, b"ends before its stream does")])
def test_codings_undone_in_the_wrong_order_are_a_stand_in_naming_the_layer(mtime: int, why: bytes) -> None:
    """Brotli reads some gzip headers (their mtime bytes decide) as the start of a stream that never ends."""
    packed = gzip.compress(brotli.compress(BODY), mtime=mtime)  # br first, then gzip: "br, gzip"
    read = read_capped([packed], "gzip, br", 1 << 20)
    assert read == STAND_IN_PREFIX + b"Content-Encoding 'gzip, br': the br layer " + why


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_stream_cut_short_is_a_stand_in_and_an_empty_body_is_empty(coding: str) -> None:
    """A coded body that stops mid-stream is named as such, not read as the part that came (or as nothing)."""
    packed = PACK[coding](BODY)
    read = read_capped([packed[: len(packed) // 2]], coding, 1 << 20)
    assert read == STAND_IN_PREFIX + f"Content-Encoding '{coding}': the {coding} layer ends before its stream " \
                                     f"does".encode()
    assert read_capped([b""], coding, 1 << 20) == b""


@pytest.mark.parametrize("codings", ["gzip", "deflate", "br", "zstd", "gzip, gzip", "zstd, br", "br, gzip, zstd"])
def test_a_bomb_in_every_layer_inflates_no_further_than_the_cap(codings: str) -> None:
    """256 MiB of zeros packed in every layer: the reader pulls a few raw chunks and keeps the cap plus one."""
    packed = bytes(256 << 20)
    for coding in codings.split(","):
        packed = PACK[coding.strip()](packed)
    pulled = []

    def chunks() -> Iterator[bytes]:
        for chunk in pieces(packed, 1024):
            pulled.append(len(chunk))
            yield chunk

    assert read_capped(chunks(), codings, CAP) == bytes(CAP + 1)
    assert sum(pulled) <= max(len(packed) // 2, 3 * 1024), (sum(pulled), len(packed))


def test_gzip_members_are_read_in_turn_and_bytes_after_the_stream_dropped() -> None:
    """As urllib3 reads gzip (members, then padding or garbage dropped) and httpx reads deflate."""
    assert read_capped([gzip.compress(b'{"a": '), gzip.compress(b"1}"), b"\0\0\0 trailing"], "gzip", CAP) == \
        b'{"a": 1}'
    assert read_capped([zlib.compress(b'{"a": 1}') + b"trailing"], "deflate", CAP) == b'{"a": 1}'


@pytest.mark.parametrize(("body", "coding", "named"), [
    (b'{"message": "plain"}', "gzip", b"the gzip layer does not decode"),  # httpx and urllib3 raise on it too
    (zlib.compress(b"{}"), "gzip", b"the gzip layer does not decode"),  # zlib framing is not gzip
    (b"\x8b\x01garbage", "br", b"the br layer does not decode"),
    (b"(\xb5/\xfd garbage", "zstd", b"the zstd layer does not decode"),
    (gzip.compress(b"{}", mtime=0), "gzip, " * MAX_LAYERS + "gzip", b"9 content codings (more than 8 are not undone)"),
], ids=["plain-as-gzip", "zlib-as-gzip", "garbage-as-br", "garbage-as-zstd", "too-many-layers"])
def test_a_body_that_does_not_decode_as_it_claims_is_a_stand_in_naming_why(body: bytes, coding: str,
                                                                            named: bytes) -> None:
    read = read_capped([body], coding, CAP)
    assert read.startswith(STAND_IN_PREFIX) and named in read, read


def test_a_zstd_window_past_rfc_9659s_8_mib_is_refused() -> None:
    """A frame may ask the reader for a window of gigabytes; an HTTP client holds 8 MiB at most."""
    parameters = zstandard.ZstdCompressionParameters.from_level(3, window_log=ZSTD_WINDOW.bit_length())
    packer = zstandard.ZstdCompressor(compression_params=parameters).compressobj()  # no content size: window kept
    packed = packer.compress(bytes(32 << 20)) + packer.flush()
    read = read_capped([packed], "zstd", CAP)
    assert read.startswith(STAND_IN_PREFIX) and b"the zstd layer does not decode" in read, read


@pytest.mark.parametrize("coding", ["identity", "utf-8", "", "compress, identity"])
def test_identity_and_codings_no_client_decodes_leave_the_body_as_sent(coding: str) -> None:
    assert read_capped([b'{"a": 1}'], coding, CAP) == b'{"a": 1}'


def test_no_layer_hands_on_more_than_a_step_at_a_time() -> None:
    """What bounds memory: each layer's output per pull, whatever one input chunk holds."""
    packed = brotli.compress(gzip.compress(bytes(64 << 20)), quality=5)
    sizes = [len(piece) for _, piece in zip(range(50), decoded([packed], "gzip, br"), strict=False)]
    assert sizes and max(sizes) <= STEP
