"""Running ``harness load`` as a user does, against targets the tests start and configure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

TOKEN = "load-tenant"


def harness_load(*args: str, cwd: Path, timeout: float = 240) -> tuple[subprocess.CompletedProcess[str], Any]:
    """Run ``harness load ARGS``; return the process and its ``load.json`` (None when not written)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    result = subprocess.run([sys.executable, "-m", "harness", "load", "--report-dir", "out", *args], cwd=cwd,
                            env={**environment, "HARNESS_TOKEN": TOKEN}, capture_output=True, text=True,
                            timeout=timeout, check=False)
    report = cwd / "out" / "load.json"
    return result, json.loads(report.read_text()) if report.is_file() else None
