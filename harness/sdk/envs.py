"""Isolated SDK installs: one cached virtualenv per (package, version), never mixed with the harness.

``.harness-cache/sdk/<package>-<version>/`` is created once with ``python -m
venv`` and ``pip install <package>==<version>``; a marker file says it is
complete, so an interrupted install is redone rather than trusted.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from collections.abc import Callable
from pathlib import Path

from harness.errors import EngineError

CACHE = Path(".harness-cache") / "sdk"
READY = ".harness-ready"


def sdk_python(package: str, version: str, cache: Path = CACHE, log: Callable[[str], None] = print) -> Path:
    """The interpreter of a virtualenv holding ``package==version`` (installed on first use)."""
    home = (cache / f"{package}-{version}").resolve()
    python = home / "bin" / "python"
    if (home / READY).is_file() and python.exists():
        return python
    log(f"installing {package}=={version} into {home} (once) ...")
    venv.EnvBuilder(with_pip=True, clear=True).create(home)
    result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                             f"{package}=={version}"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise EngineError(f"{package}=={version} could not be installed: {reason}")
    (home / READY).write_text(f"{package}=={version}\n{sys.version}\n")
    return python
