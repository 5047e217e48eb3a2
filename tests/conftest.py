"""Shared test helpers: modified copies of our spec, and spec-driven parametrisation."""

from __future__ import annotations

import copy
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


# The longest modules, measured (pytest --durations=0, summed per module). CI runs
# modules whole on 4 workers (--dist loadscope) in the order they are collected: these go first, so the last
# module a worker takes is a short one, and no worker is left running a long one alone at the end.
LONGEST_FIRST = (  # module totals of one full run (seconds of test time, 1,525 in all), the longest first
    "tests/hostile/test_hostile_servers.py",  # 255
    "tests/contract/test_variants.py",  # 236
    "tests/test_whole_api_document.py",  # 130
    "tests/load/test_throttle_onset.py",  # 123
    "tests/sdk/test_drivers.py",  # 97
    "tests/load/test_throttle_faults.py",  # 86
    "tests/load/test_abort.py",  # 59
    "tests/contract/test_reference_passes.py",  # 53
    "tests/contract/test_contract_cli.py",  # 51
    "tests/test_run.py",  # 43
    "tests/test_minimum_versions.py",  # 22, and its install on a fresh clone
    "tests/sdk/test_sdk_matrix.py",  # 40
    "tests/contract/test_pytest_suite.py",  # 31
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: every module stays whole and in its own order


@pytest.fixture
def anyio_backend() -> str:
    """The async tests run on asyncio, which AsyncIngestClient waits with (older anyio also tried trio)."""
    return "asyncio"
