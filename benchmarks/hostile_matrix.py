"""Every command against every hostile server: exit code, seconds and peak memory, beside a correct target.

Issue 13's table. Each command runs first against the embedded reference
target (the baseline, measured in the same run), then against each server of
``tests/hostile/server.py``; peak memory is the sum over the harness and all
of its children. Printed per pair: exit code, seconds, peak RSS, its ratio
to the baseline's, and any file or stream holding the token. The bounds are
3 minutes and 1 GiB; a pair past either is marked ``OVER``.

    .venv/bin/python benchmarks/hostile_matrix.py [--commands contract,run] [--parallel 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for tests.hostile

from tests.hostile.matrix import COMMANDS, CORRECT, MAX_RSS, MAX_SECONDS, measure_all
from tests.hostile.server import BEHAVIOURS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated, from: " + ", ".join(COMMANDS))
    parser.add_argument("--behaviours", default=",".join(BEHAVIOURS))
    parser.add_argument("--parallel", type=int, default=2)
    options = parser.parse_args()
    commands = [name.strip() for name in options.commands.split(",") if name.strip()]
    behaviours = [CORRECT, *(name.strip() for name in options.behaviours.split(",") if name.strip())]
    with tempfile.TemporaryDirectory(prefix="hostile-") as root:
        results = measure_all([(b, c) for c in commands for b in behaviours], Path(root), options.parallel)
    print("| behaviour | command | exit | seconds | peak RSS (MiB) | vs correct | token found in |")
    print("|---|---|---|---|---|---|---|")
    for command in commands:
        baseline = results[(CORRECT, command)].peak_rss or 1
        for behaviour in behaviours:
            run = results[(behaviour, command)]
            over = " OVER" if run.seconds > MAX_SECONDS or run.peak_rss > MAX_RSS else ""
            print(f"| {behaviour} | {command} | {run.exit_code} | {run.seconds:.1f}{over} | "
                  f"{run.peak_rss / 2**20:.0f} | {run.peak_rss / baseline:.2f} | {', '.join(run.leaks) or '-'} |")
    worst = max(results.values(), key=lambda run: run.peak_rss)
    slowest = max(results.values(), key=lambda run: run.seconds)
    print(f"\nslowest: {slowest.behaviour} / {slowest.command} {slowest.seconds:.1f}s; "
          f"largest: {worst.behaviour} / {worst.command} {worst.peak_rss / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
