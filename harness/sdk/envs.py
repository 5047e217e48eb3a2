"""Isolated SDK installs: one cached virtualenv per release or per local build, never mixed with the harness.

``--sdk-version`` takes a release number (``1.0.3``: ``pip install
package==1.0.3``) or a path to a local build: a wheel, an sdist or a source
directory, as an SDK's own CI has it before it publishes. A release's
virtualenv is ``.harness-cache/sdk/<package>-<version>/``; a build's is keyed
by a hash of its content (``local-<hash>``), so a rebuilt wheel gets a fresh
install while an unchanged one is reused. A marker file says an install is
complete, so an interrupted one is redone rather than trusted.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import subprocess
import sys
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError, EngineError

CACHE = Path(".harness-cache") / "sdk"
READY = ".harness-ready"
RELEASE = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")  # a PEP 440 release, not a path
_SKIPPED = {".git", "__pycache__", ".venv", "build", "dist", ".tox", ".mypy_cache", ".pytest_cache"}


@dataclass(frozen=True)
class Install:
    """What ``pip install`` is given, and the folder of its virtualenv."""

    requirement: str
    home: Path
    local: Path | None = None  # the build installed, when not a release

    @property
    def label(self) -> str:
        """The release, or the build's file name and content hash (two builds of one version stay apart)."""
        if self.local:
            return f"local {self.local.name} {self.home.name.removeprefix('local-')[:8]}"
        return self.requirement.split("==", 1)[1]


def install_for(package: str, version: str, cache: Path = CACHE) -> Install:
    """A release number, or a path to a wheel, an sdist or a source directory (anything else is read as a path)."""
    if RELEASE.match(version):
        return Install(f"{package}=={version}", (cache / f"{package}-{version}").resolve())
    build = Path(version).expanduser()
    if not build.exists():
        raise ConfigError(f"--sdk-version {version!r} is neither a release number (1.0.3) nor an existing wheel, "
                          "sdist or source directory")
    if build.is_file() and not build.name.endswith((".whl", ".tar.gz", ".zip")):
        raise ConfigError(f"--sdk-version {version!r} is a file but not a wheel (.whl) or an sdist (.tar.gz, .zip)")
    return Install(str(build.resolve()), (cache / f"local-{content_hash(build)}").resolve(), build.resolve())


def content_hash(build: Path) -> str:
    """A hash of a file's bytes, or of a source tree's files and their paths (build outputs left out)."""
    digest = hashlib.sha256()
    if build.is_file():
        digest.update(build.read_bytes())
    else:
        for path in sorted(build.rglob("*")):
            parts = set(path.relative_to(build).parts)
            if path.is_file() and not parts & _SKIPPED and not any(p.endswith(".egg-info") for p in parts):
                digest.update(str(path.relative_to(build)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def sdk_python(install: Install, log: Callable[[str], None] = print) -> Path:
    """The interpreter of the virtualenv holding ``install`` (created on first use, by one process at a time:
    parallel CI jobs or test workers sharing the cache wait for the first one's install)."""
    home, python = install.home, install.home / "bin" / "python"
    if (home / READY).is_file() and python.exists():
        return python
    home.parent.mkdir(parents=True, exist_ok=True)
    with (home.parent / f"{home.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (home / READY).is_file() and python.exists():  # installed while this one waited
            return python
        return _install(install, log)


def _install(install: Install, log: Callable[[str], None]) -> Path:
    home, python = install.home, install.home / "bin" / "python"
    log(f"installing {install.requirement} into {home} (once) ...")
    venv.EnvBuilder(with_pip=True, clear=True).create(home)
    result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                             install.requirement], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise EngineError(f"{install.requirement} could not be installed: {reason}")
    (home / READY).write_text(f"{install.requirement}\n{sys.version}\n")
    return python
