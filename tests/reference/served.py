"""``harness serve`` as a user starts it: a child process on a free port, always stopped by its pid."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def served(db: Path | str, token: str, admin: str, *options: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Yields the process and its base URL once the target answers its health probe."""
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "serve", "--port", "0", "--db", str(db), "--token", token,
         "--admin-token", admin, "--rate", "1000000", *options],
        stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline() if process.stderr else ""
        assert "listening on http://" in line, line
        url = line.split("listening on ")[1].split()[0]
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"{url}/_harness/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the target did not come up"
                time.sleep(0.05)
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=15)
