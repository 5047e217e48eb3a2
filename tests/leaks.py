"""An independent leak detector: does any piece of a key show in a stream or file, in any form a reader decodes?

Written apart from ``harness.redaction`` on purpose (nothing is imported from
it): a test that looked for the scrubber's own forms could not fail when the
scrubber misses a form. Text is decoded every way a reader could, alone and
in turn (percent-escapes, JSON and Python escapes, HTML references, then
base64 and hex runs at every offset, line wraps and table borders removed),
and each result is searched, case folded, for every run of ``PIECE``
characters of the key.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from pathlib import Path
from urllib.parse import unquote

PIECE = 16
# a 64-character bearer token holding every kind of character RFC 6750's b64token allows
KEY = "Tk3f9a-7Q._~+/Zx4mW2pL8vN0cR5yH1bJ6gD3sF9eK7uA2iO4tE8wG1qV5nM6=="

_JSON_ESCAPE = re.compile(r"\\+u([0-9a-fA-F]{4})|\\+x([0-9a-fA-F]{2})|\\+([/\\\"'])")
# maximal runs (an escaped newline counts as one character), started only where a run starts and taken
# possessively: the same runs as a plain ``{16,}``, without rescanning a short run from each of its characters
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/_\-=\s])(?:[A-Za-z0-9+/_\-=\s]|\\n){16,}+")
_HEX_RUN = re.compile(r"(?<![0-9a-fA-F\s:])[0-9a-fA-F\s:]{32,}+")
_LAYOUT = re.compile(r"[\s│┃║|]+")


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code, byte, escaped = match.groups()
        return chr(int(code or byte, 16)) if code or byte else escaped

    return _JSON_ESCAPE.sub(one, text)


def _readings(text: str) -> list[str]:
    """``text`` as each decoder (and each pair of them, in either order) reads it."""
    decoders = (unquote, _unescape, html.unescape, lambda t: _LAYOUT.sub("", t))
    readings = [text]
    for first in decoders:
        once = first(text)
        readings.append(once)
        readings += [second(once) for second in decoders]
        readings.append(first(first(once)))
    return readings


def _binary(text: str) -> list[bytes]:
    """Every base64 and hex run in ``text``, decoded at every offset."""
    found = []
    for run in _BASE64_RUN.findall(text):
        packed = re.sub(r"\\n|\s", "", run).replace("-", "+").replace("_", "/").rstrip("=")
        for offset in range(4):
            chunk = packed[offset:]
            chunk = chunk[: len(chunk) // 4 * 4]
            try:
                found.append(base64.b64decode(chunk, validate=True))
            except (binascii.Error, ValueError):
                continue
    for run in _HEX_RUN.findall(text):
        packed = re.sub(r"\s|:", "", run)
        for offset in range(2):
            chunk = packed[offset:]
            found.append(bytes.fromhex(chunk[: len(chunk) // 2 * 2]))
    return found


# a character no decoder reads, joins or produces from its neighbours: in no escape, layout, base64 or hex run
# (html.unescape's names stop at it too), so each reading of a text is the readings of its pieces between these
SEPARATOR = "<"


def pieces(data: bytes | str, key: str = KEY, piece: int = PIECE, separator: str | None = SEPARATOR) -> list[str]:
    """The pieces of ``key`` (``piece`` characters or more) that a reader could recover from ``data``.

    The text is read in segments cut at ``separator``, which every reading keeps where it stands: a piece
    lies within one segment, and most segments of an HTML report read the same every way, so each is read once
    (Locust's 1 MB report in a third of the time). ``None`` reads the text whole, as the test of this does.
    """
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    wanted = {key[i:i + piece].lower() for i in range(len(key) - piece + 1)}
    assert not any(held in part for part in wanted for held in ("\0", separator) if held)
    # every reading and every decoded run, joined by a character no piece holds: a piece found lies in one of them
    candidates = []
    for segment in text.split(separator) if separator else [text]:
        for reading in dict.fromkeys(_readings(segment)):  # many decoders leave a text as it was: each once
            candidates += (reading, *(raw.decode("latin-1") for raw in _binary(reading)))
    folded = "\0".join(candidates).lower()
    return sorted(part for part in wanted if part in folded)


def leaks_in(folder: Path, key: str = KEY) -> dict[str, list[str]]:
    """Each file below ``folder`` that holds a piece of ``key``, with the pieces."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and (hits := pieces(path.read_bytes(), key)):
            found[str(path.relative_to(folder))] = hits
    return found
