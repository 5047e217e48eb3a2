"""One way to open a report in Debian's headless Chromium and collect what its console says went wrong."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian's chromium is installed by `make test`")


@contextlib.contextmanager
def opened(page_file: Path) -> Iterator[tuple[Any, list[str]]]:
    """The page of ``page_file`` and the list its console errors and uncaught exceptions go to."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only the browser tests need it)

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_file.as_uri())
        try:
            yield page, errors
        finally:
            browser.close()
