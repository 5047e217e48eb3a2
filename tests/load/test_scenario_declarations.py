"""Each locustfile declares its scenario (users, options, verdict) itself, read without importing Locust."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.facts import DOCUMENTED_QUOTA
from harness.load.scenarios import read_scenario, scenario, scenarios


def test_every_locustfile_declares_itself() -> None:
    found = scenarios()
    assert set(found) == {"batch_throughput", "throttle", "mixed", "burst", "soak"}
    throttle = found["throttle"]
    assert (throttle.users, throttle.distributable, throttle.ends_itself) == (1, False, True)
    assert {option.flag: option.default for option in throttle.options}["--expect-quota"] == DOCUMENTED_QUOTA
    assert found["batch_throughput"].summary.startswith("Batch throughput")
    assert "locust" not in sys.modules  # read, not imported


def test_a_new_scenario_is_one_file(tmp_path: Path) -> None:
    (tmp_path / "spike.py").write_text('"""Spike: one sharp burst."""\nfrom harness.load.scenarios import Option, '
                                       'Scenario\nSCENARIO = Scenario(users=9, options=(Option("--height", 3, '
                                       '"How sharp"),))\n')
    (tmp_path / "helpers.py").write_text('"""Not a scenario: declares none."""\n')
    found = scenarios(tmp_path)
    assert list(found) == ["spike"] and found["spike"].users == 9
    assert found["spike"].summary == "Spike: one sharp burst."


def test_a_declaration_that_is_not_literal_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "odd.py"
    path.write_text("import os\nfrom harness.load.scenarios import Scenario\nSCENARIO = Scenario(users=len(os.sep))\n")
    with pytest.raises(HarnessError, match=r"odd\.py: SCENARIO must be written with literals"):
        read_scenario(path)


def test_an_unknown_scenario_names_the_choices() -> None:
    with pytest.raises(HarnessError, match="choose from batch_throughput"):
        scenario("nope")


def test_load_help_lists_each_scenario_with_its_own_options() -> None:
    result = subprocess.run([sys.executable, "-m", "harness", "load", "--help"], capture_output=True, text=True,
                            timeout=60, check=False, env={"COLUMNS": "200", "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert "throttle: Throttle onset" in result.stdout and "--expect-quota (50.0)" in result.stdout


@pytest.mark.parametrize(("name", "arguments", "said"), [
    ("throttle", ("--steps", "abc"), "--steps 'abc': give positive numbers separated by commas"),
    ("throttle", ("--steps=0.5,-1",), "--steps '0.5,-1': give positive numbers"),
    ("throttle", ("--quota-operation", "bad"), "--quota-operation 'bad': give one of ingest, ingestBatch"),
    ("mixed", ("--single-share", "x"), "--single-share 'x': give a number"),
    ("throttle", ("--step-seconds",), "--step-seconds needs a value"),
])
def test_a_scenario_option_the_locustfile_cannot_read_is_one_line_before_locust_starts(
        name: str, arguments: tuple[str, ...], said: str, tmp_path: Path) -> None:
    """Before this, ``--steps abc`` raised in the scenario's task again and again, and Locust never stopped."""
    with pytest.raises(HarnessError, match=said.replace("(", r"\(")):
        scenario(name).check_options(arguments)
    scenario(name).check_options(("--steps", "0.5,1.5", "--users", "2"))  # readable ones, and others' options, pass
    result = subprocess.run([sys.executable, "-m", "harness", "load", "--scenario", name, "--dry-run", *arguments],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and said in result.stderr and "Traceback" not in result.stderr
