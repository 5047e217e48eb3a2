"""The harness works with the oldest release of each direct dependency that pyproject.toml admits.

A project pinned to older libraries (rich 13.9, typer 0.16, click 8.2, ...) can install the harness beside them
only if its floors are true. Once per set of floors, this builds a virtualenv holding exactly those releases,
layered over this environment for everything else (``site.addsitedir``: the harness itself, pytest and the
transitive dependencies), checks the set is consistent (``pip check``), and runs every command's ``--help`` and a
sample of the tests in it: among them a real Locust run and schemathesis against the reference target.

The floors are read from pyproject.toml, so lowering one is tested here before it is published.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
# what the floors must carry, whatever else changes: a sample of the tests of what each floored library does
TESTS = ["tests/test_cli_options.py", "tests/test_reports.py", "tests/test_pytest_plugin.py", "tests/test_client.py",
         "tests/test_guards.py", "tests/test_spec.py", "tests/test_encodings.py",
         "tests/test_bounded.py::test_a_huge_answer_comes_back_cut_and_a_redirect_is_not_followed",
         "tests/test_bounded.py::test_the_proxy_the_environment_names_is_used_and_bounded_too",
         "tests/reference/test_schemathesis.py"]  # schemathesis against the reference target (uvicorn)
COMMANDS = ["--help", "serve --help", "spec --help", "spec diff --help", "load --help", "contract --help",
            "run --help", "sdk --help"]
# every command's help in one interpreter (Typer and click render it; rich lays it out)
HELP = """
import contextlib, io, sys
from harness.cli import main
for argv in sys.argv[1:]:
    sys.argv, shown = ["harness", *argv.split()], io.StringIO()
    with contextlib.redirect_stdout(shown):
        try:
            main()
        except SystemExit as exit:
            assert exit.code in (0, None), (argv, exit.code)
    assert "Usage" in shown.getvalue(), (argv, shown.getvalue())
print("ok")
"""


def floors() -> list[str]:
    """``name==floor`` for every direct dependency that applies here (its ``>=`` bound)."""
    pins = []
    for text in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        lowest = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        assert lowest, f"{requirement.name} declares no floor"
        pins.append(f"{requirement.name}=={lowest[0]}")
    return sorted(pins)


def floors_python(pins: list[str]) -> Path:
    """The layered virtualenv's interpreter, built once per set of floors (locked against parallel workers)."""
    home = ROOT / ".harness-cache" / f"floors-{hashlib.sha256(' '.join(pins).encode()).hexdigest()[:12]}"
    python = home / "bin" / "python"
    home.parent.mkdir(parents=True, exist_ok=True)
    with (home.parent / "floors.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (home / "installed").exists():
            venv.create(home, with_pip=True, clear=True)
            layered = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                     capture_output=True, text=True, check=True, timeout=60).stdout.strip()
            # after its own packages: the floors win, this environment supplies the rest (its .pth files included)
            Path(layered, "zz_layered.pth").write_text(
                f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
            installed = subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                                        "--disable-pip-version-check", *pins],
                                       capture_output=True, text=True, timeout=600, check=False)
            assert installed.returncode == 0, "\n".join(line for line in installed.stderr.splitlines()
                                                        if not line.startswith("WARNING"))[-3000:]
            (home / "installed").touch()
    return python


@pytest.fixture(scope="module")
def python() -> Path:
    return floors_python(floors())


def test_the_floors_are_what_the_layered_environment_imports(python: Path) -> None:
    pins = floors()
    script = ("import sys\nfrom importlib.metadata import version\nfrom packaging.version import Version\n"
              "for pin in sys.argv[1:]:\n    name, floor = pin.split('==')\n"
              "    assert Version(version(name)) == Version(floor), (name, version(name), floor)\n")
    result = subprocess.run([str(python), "-c", script, *pins], capture_output=True, text=True, check=False,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert any(pin.startswith("rich==13.") for pin in pins)  # an older rich than the newest, as issue 24 asked


def test_the_floors_are_consistent_with_every_library_that_needs_them(python: Path) -> None:
    """What each library (schemathesis, Locust, the harness itself, ...) asks of the others holds on the floors."""
    result = subprocess.run([str(python), "-m", "pip", "check", "--disable-pip-version-check"],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_command_and_a_sample_of_the_tests_run_on_the_floors(python: Path, tmp_path: Path) -> None:
    shown = subprocess.run([str(python), "-c", HELP, *COMMANDS], capture_output=True, text=True, cwd=tmp_path,
                           timeout=120, check=False)
    assert shown.returncode == 0 and shown.stdout.strip() == "ok", shown.stderr[-2000:]
    # a real load run on the embedded target: Locust, gevent, geventhttpclient, hdrhistogram, matplotlib's charts
    loaded = subprocess.run([str(python), "-m", "harness", "load", "--run-time", "2s", "--users", "1", "--batch-size",
                             "10", "--report-dir", "out"], capture_output=True, text=True, cwd=tmp_path, timeout=180,
                            check=False)
    assert loaded.returncode == 0 and (tmp_path / "out" / "latency-over-time.png").exists(), loaded.stdout[-3000:]
    tests = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", *TESTS],
                           capture_output=True, text=True, cwd=ROOT, timeout=600, check=False)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
