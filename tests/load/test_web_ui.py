"""harness load --web: Locust's own web UI on loopback while the run lasts; the run is judged as usual."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.load.conftest import TOKEN


def test_the_web_ui_serves_the_live_run_on_loopback_and_the_run_is_still_judged(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    process = subprocess.Popen([sys.executable, "-m", "harness", "load", "--web", "--run-time", "8s",
                                "--batch-size", "10", "--slo", "p95<10s", "--report-dir", "out"], cwd=tmp_path,
                               env={**environment, "HARNESS_TOKEN": TOKEN}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        url, seen, deadline = None, [], time.monotonic() + 30
        while url is None and time.monotonic() < deadline and process.stderr is not None:
            line = process.stderr.readline()
            seen.append(line)
            found = re.search(r"web UI: (http://127\.0\.0\.1:\d+/)", line)
            url = found[1] if found else None
        assert url is not None, seen
        page = stats = None
        while time.monotonic() < deadline and stats is None:
            try:
                page = httpx.get(url, timeout=2)
                stats = httpx.get(url + "stats/requests", timeout=2).json()
            except (httpx.TransportError, ValueError):
                time.sleep(0.2)
        assert page is not None and page.status_code == 200 and "locust" in page.text.lower()
        assert stats is not None and stats["state"] in ("running", "spawning", "stopped")
        stdout, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stdout[-2000:]
    report = json.loads((tmp_path / "out" / "load.json").read_text())
    assert report["summary"]["requests"] > 0 and report["accounting"]["balanced"]
    assert TOKEN not in stdout
