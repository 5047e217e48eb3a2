"""Every command that talks to a target takes the same target and bound options, declared once
(harness/cli/options.py): a bound one command has and another lacks is a drift this test names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main

from harness.cli import app

TARGET = {"--base-url", "--token", "--admin-token", "--other-token", "--spec", "--allow-production"}
BOUNDS = {"--timeout", "--max-answer-bytes", "--max-retry-wait"}
REPORTS = {"--report-dir", "--baseline", "--write-baseline"}
COMMANDS = ("contract", "load", "run")


def options(command: Any) -> dict[str, Any]:
    """A command's options by flag (Typer carries its own click: read by shape, not by class)."""
    return {name: param for param in command.params if param.param_type_name == "option" for name in param.opts}


@pytest.fixture(scope="module")
def commands() -> dict[str, Any]:
    return {name: typer.main.get_command(app).commands[name] for name in COMMANDS}  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_that_talks_to_a_target_takes_every_shared_option(commands: dict[str, Any],
                                                                       name: str) -> None:
    missing = (TARGET | BOUNDS | REPORTS) - set(options(commands[name]))
    assert not missing, f"harness {name} lacks {sorted(missing)}"


def test_a_shared_option_reads_the_same_on_every_command(commands: dict[str, Any]) -> None:
    for flag in TARGET | BOUNDS | {"--baseline", "--write-baseline"}:
        seen = {(option.help, option.envvar, option.default if flag in BOUNDS else None)
                for option in (options(command)[flag] for command in commands.values())}
        assert len(seen) == 1, f"{flag} differs between commands: {seen}"


def test_version_prints_the_installed_distributions_version_and_exits_0() -> None:
    """The distribution is the one pyproject.toml names, so a rename of the project cannot leave it behind."""
    import tomllib  # noqa: PLC0415
    from importlib.metadata import version  # noqa: PLC0415

    from typer.testing import CliRunner  # noqa: PLC0415

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"harness {version(project['name'])}"


def test_the_public_api_declares_its_types() -> None:
    """``harness.client`` and ``harness.mock`` are documented public API: type checkers of users' code need the
    PEP 561 marker beside them."""
    import harness  # noqa: PLC0415

    assert (Path(harness.__file__).parent / "py.typed").is_file()
