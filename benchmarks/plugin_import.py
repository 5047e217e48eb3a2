"""What the harness's pytest plugin costs every pytest session of an environment that installs it.

The plugin is registered through the ``pytest11`` entry point, so a project that installs the harness loads it in
each of its own pytest runs. In the same run, alternated: ``pytest --co`` of a project with one trivial test, with
the plugin loaded and with it disabled (``-p no:togai_harness``, the baseline). Goal (issue 24): under 50 ms more.

    .venv/bin/python benchmarks/plugin_import.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def collect(project: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", *extra], cwd=project,
                   capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        (project / "test_trivial.py").write_text("def test_trivial():\n    assert True\n")
        (project / "pytest.ini").write_text("[pytest]\n")
        collect(project)  # warm the file cache
        shown = subprocess.run([sys.executable, "-m", "pytest", "--help", "-p", "no:togai_harness"], cwd=project,
                               capture_output=True, text=True, check=True).stdout
        if "--togai-spec" in shown:
            raise SystemExit("error: -p no:togai_harness did not disable the plugin: the baseline would be wrong")
        loaded, disabled = [], []
        for _ in range(args.rounds):
            loaded.append(collect(project))
            disabled.append(collect(project, "-p", "no:togai_harness"))
    cost = (statistics.median(loaded) - statistics.median(disabled)) * 1000
    print(f"pytest --co, plugin loaded   : {statistics.median(loaded) * 1000:7.1f} ms (median of {args.rounds})")
    print(f"pytest --co, plugin disabled : {statistics.median(disabled) * 1000:7.1f} ms")
    print(f"the plugin costs {cost:+.1f} ms a session (goal under 50 ms: {'met' if cost < 50 else 'MISSED'})")


if __name__ == "__main__":
    main()
