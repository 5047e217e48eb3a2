"""Shared test helpers: modified copies of our spec, and spec-driven parametrisation."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.spec import bundled_spec_path, load_spec

pytest_plugins = ["pytester"]

SpecEdit = Callable[[dict[str, Any]], None]


@pytest.fixture
def spec_copy(tmp_path: Path) -> Callable[[SpecEdit], Path]:
    """Write our spec, changed by ``edit``, to a temporary file and return its path."""

    def make(edit: SpecEdit, name: str = "edited.yaml") -> Path:
        document = copy.deepcopy(yaml.safe_load(bundled_spec_path().read_text()))
        edit(document)
        path = tmp_path / name
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        return path

    return make


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``documented_answer``: every (operation, status) the bundled spec documents.

    Read from the spec at collection time, so a status added to the spec is
    covered by every test that takes this argument, with no test edit.
    """
    if "documented_answer" in metafunc.fixturenames:
        spec = load_spec()
        cases = [(op_id, status) for op_id, op in spec.operations.items() for status in op.statuses]
        metafunc.parametrize("documented_answer", cases, ids=[f"{o}-{s}" for o, s in cases])


# CI runs the suite on 6 workers with --dist loadscope: a work unit is a module, or a class, whose tests share one
# worker (and its module-scoped fixtures). The units go out in collection order (--no-loadscope-reorder: xdist's
# default order, by number of tests, sent the 50-second two-test modules last), so they are collected longest
# first by the seconds each took in a measured run, kept in tests/durations.json; a unit not measured yet goes
# last. `make durations` measures a run and rewrites the file.
DURATIONS = Path(__file__).with_name("durations.json")


def work_unit(nodeid: str) -> str:
    """The unit pytest-xdist's loadscope schedules a test in: its module, or its class."""
    return nodeid.rsplit("::", 1)[0]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--record-durations", metavar="PATH", default="",
                     help="Write each work unit's seconds (setup, call and teardown summed) to PATH as JSON")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    measured: dict[str, float] = json.loads(DURATIONS.read_text()) if DURATIONS.is_file() else {}
    items.sort(key=lambda item: -measured.get(work_unit(item.nodeid), 0.0))  # stable: units stay whole, in order


class DurationRecorder:
    """Each work unit's seconds, every phase of every test summed as the controller (or the only process) gets its
    report, written to ``path`` when the session ends."""

    def __init__(self, path: Path) -> None:
        self.path, self.seconds = path, dict[str, float]()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        unit = work_unit(report.nodeid)
        self.seconds[unit] = self.seconds.get(unit, 0.0) + report.duration

    def pytest_sessionfinish(self) -> None:
        ordered = sorted(((unit, round(seconds, 1)) for unit, seconds in self.seconds.items()), key=lambda u: -u[1])
        self.path.write_text(json.dumps(dict(ordered), indent=1) + "\n")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--record-durations")
    if path and not hasattr(config, "workerinput"):  # the controller's record, not a worker's part of it
        config.pluginmanager.register(DurationRecorder(Path(path)), "duration-recorder")


@pytest.fixture
def anyio_backend() -> str:
    """The async tests run on asyncio, which AsyncIngestClient waits with (older anyio also tried trio)."""
    return "asyncio"
