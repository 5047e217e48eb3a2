"""Wall time of ``harness contract`` beside plain ``st run``: same spec, example budget and target.

The target is the reference target as its own process (``harness serve``,
in memory, documented quota). Plain schemathesis runs all its checks and
phases with the same ``--max-examples`` and seed; ``harness contract`` runs
the same schemathesis stage plus our probes (about 150 requests, several of
1 MiB). Printed: both wall times and their ratio. Issue 4's goal: a default
run within 60 s on a 2-core machine.

    .venv/bin/python benchmarks/contract_speed.py [--max-examples 30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from target_throughput import child  # the folder of this script is on sys.path

from harness.reference.server import bind, url_of
from harness.spec import bundled_spec_path

TOKEN = "bench-contract"
BIN = Path(sys.executable).parent


def timed(command: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sock = bind("127.0.0.1", 0)
    url, port = url_of(sock), sock.getsockname()[1]
    sock.close()
    serve = [sys.executable, "-m", "harness", "serve", "--port", str(port), "--db", ":memory:", "--token", TOKEN]
    times: dict[str, list[float]] = {"st run": [], "harness contract": []}
    with child(serve, url), tempfile.TemporaryDirectory() as reports:
        for _ in range(args.repeat):
            seconds, code = timed([str(BIN / "st"), "run", str(bundled_spec_path()), "--url", url,
                                   "-H", f"Authorization: Bearer {TOKEN}", "-n", str(args.max_examples),
                                   "--seed", "1", "--phases", "examples,coverage,fuzzing"])
            times["st run"].append(seconds)
            print(f"  st run           {seconds:6.1f}s (exit {code})", flush=True)
            seconds, code = timed([str(BIN / "harness"), "contract", "--base-url", url, "--token", TOKEN,
                                   "--max-examples", str(args.max_examples), "--seed", "1",
                                   "--max-body-bytes", "1048576", "--report-dir", reports])
            times["harness contract"].append(seconds)
            print(f"  harness contract {seconds:6.1f}s (exit {code})", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"median wall time, {args.max_examples} examples: st run {medians['st run']:.1f}s, "
          f"harness contract {medians['harness contract']:.1f}s; "
          f"ratio harness / st run {medians['harness contract'] / medians['st run']:.2f}x")
    print(f"goal: a default run within 60 s: {'met' if medians['harness contract'] <= 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
