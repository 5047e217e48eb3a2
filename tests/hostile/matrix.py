"""One harness command against one hostile server, measured: exit code, seconds, peak memory, leaks.

Shared by the tests (``test_hostile_servers.py``, a subset chosen to fit CI)
and by ``benchmarks/hostile_matrix.py`` (every behaviour against every command,
printed as the table of issue 13's closing note). Peak memory is the largest
sum of the resident sets of the harness and all of its children (Locust's
included), sampled every 50 ms.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil

from tests.hostile.server import HostileServer
from tests.leaks import KEY, leaks_in

TOKEN = KEY  # 64 characters, with every character class a bearer token may hold
MAX_SECONDS = 180.0  # issue 13: every command ends within 3 minutes ...
MAX_RSS = 1 << 30  # ... with at most 1 GiB for all of the harness's processes together
HARNESS = [sys.executable, "-m", "harness"]

# each command as a user would run it against a broken target, with budgets small enough for CI
COMMANDS: dict[str, list[str]] = {
    "contract": ["contract", "--max-examples", "3", "--timeout", "3"],
    "load batch_throughput": ["load", "--run-time", "1s", "--timeout", "3"],
    "load throttle": ["load", "--scenario", "throttle", "--timeout", "3", "--steps", "0.5,1.5",
                      "--step-seconds", "1", "--rest-seconds", "0.5"],
    "load burst": ["load", "--scenario", "burst", "--run-time", "4s", "--timeout", "3", "--burst-seconds", "1",
                   "--idle-seconds", "1"],
    "load mixed": ["load", "--scenario", "mixed", "--run-time", "3s", "--timeout", "3"],
    "load soak": ["load", "--scenario", "soak", "--run-time", "3s", "--timeout", "3"],
    "run": ["run", "--quick", "--timeout", "3"],
    "contract baseline": ["contract", "--max-examples", "3", "--timeout", "3", "--write-baseline", "baseline.json"],
    "sdk": ["sdk", "--adapter", "harness"],
    "pytest suite": [],  # the shipped suite, ``pytest --pyargs harness.contract.suite``, told the target by HARNESS_*
}
PYTEST_SUITE = [sys.executable, "-m", "pytest", "--pyargs", "harness.contract.suite", "-p", "no:cacheprovider", "-q"]


@dataclass(frozen=True)
class Measured:
    behaviour: str
    command: str
    exit_code: int
    seconds: float
    peak_rss: int
    stdout: str
    stderr: str
    leaks: dict[str, list[str]]  # files (and the two streams) holding a piece of the token, in any readable form
    redirected: int  # requests that reached the host a redirect named
    workdir: Path  # its stdout, stderr and reports/

    @property
    def reason(self) -> str:
        """The last line the command wrote on stderr (its one-line reason when it ends with 2)."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else ""


CORRECT = "correct"  # the baseline: the embedded reference target, no hostile server


def measure(behaviour: str, command: str, workdir: Path) -> Measured:
    workdir.mkdir(parents=True, exist_ok=True)
    reports = workdir / "reports"
    with contextlib.ExitStack() as stack:
        server = None if behaviour == CORRECT else stack.enter_context(HostileServer(behaviour))
        target = ["--base-url", server.base_url] if server is not None else []
        argv = [*HARNESS, *COMMANDS[command], *target, "--report-dir", str(reports)]
        # as in CI: no terminal, so Rich lays out 80 columns (no COLUMNS to widen it)
        environment = {**{k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")},
                       "HARNESS_TOKEN": TOKEN, "NO_COLOR": "1"}
        if command == "pytest suite":
            argv = [*PYTEST_SUITE, "--junitxml", str(reports / "suite-junit.xml")]
            environment.update(HARNESS_MAX_EXAMPLES="3", HARNESS_TIMEOUT="3",
                               **({"HARNESS_BASE_URL": server.base_url} if server is not None else {}))
        started = time.monotonic()
        with (workdir / "stdout").open("wb") as stdout, (workdir / "stderr").open("wb") as stderr:
            process = subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=environment, cwd=workdir)
            peak = _watch(process, started)
        seconds = time.monotonic() - started
        redirected = server.other.requests if server is not None and server.other is not None else 0
    out = (workdir / "stdout").read_text("utf-8", "replace")
    err = (workdir / "stderr").read_text("utf-8", "replace")
    return Measured(behaviour, command, process.returncode, seconds, peak, out, err, leaks_in(workdir, TOKEN),
                    redirected, workdir)


def _watch(process: subprocess.Popen[bytes], started: float) -> int:
    """Sample the process tree's memory until it ends; kill it past twice the allowed time."""
    peak = 0
    root = psutil.Process(process.pid)
    while process.poll() is None:
        if time.monotonic() - started > 2 * MAX_SECONDS:
            for child in root.children(recursive=True):
                child.kill()
            process.kill()
            process.wait()
            break
        total = 0
        try:
            for each in [root, *root.children(recursive=True)]:
                total += each.memory_info().rss
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(0.05)
    return peak


def measure_all(pairs: list[tuple[str, str]], root: Path, parallel: int = 3) -> dict[tuple[str, str], Measured]:
    """Several pairs at once (they mostly wait on their servers), each in its own folder."""
    with ThreadPoolExecutor(parallel) as pool:
        futures = {pair: pool.submit(measure, *pair, root / f"{pair[0]}-{pair[1].replace(' ', '-')}")
                   for pair in pairs}
        # measure ends every command by twice its allowed time; the margin covers the server's own stop
        return {pair: future.result(timeout=2 * MAX_SECONDS + 60) for pair, future in futures.items()}
