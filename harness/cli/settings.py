"""The optional TOML config file: defaults for every command's options, below flags and environment.

    [target]            # applies to every command that talks to a target
    base_url = "http://127.0.0.1:8080"
    token = "..."       # better from HARNESS_TOKEN, kept out of files
    [contract]          # per command, named like the command
    max_examples = 50

Keys are the options' long names (``max-examples`` or ``max_examples``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from harness.errors import ConfigError

DEFAULT_FILE = Path("harness.toml")
TARGET_SECTION = "target"


def default_map(path: Path | None, commands: dict[str, set[str]]) -> dict[str, dict[str, Any]]:
    """Click's ``default_map`` from the file at ``path`` (or ``harness.toml`` when present)."""
    if path is None:
        if not DEFAULT_FILE.is_file():
            return {}
        path = DEFAULT_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None
    unknown = sorted(set(data) - set(commands) - {TARGET_SECTION})
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(unknown)}; use "
                            f"{', '.join(sorted({TARGET_SECTION, *commands}))}")
    shared = _section(path, TARGET_SECTION, data.get(TARGET_SECTION, {}))
    defaults: dict[str, dict[str, Any]] = {}
    for command, options in commands.items():
        merged = {**{k: v for k, v in shared.items() if k in options},
                  **_section(path, command, data.get(command, {}))}
        bad = sorted(set(merged) - options)
        if bad:
            raise ConfigError(f"{path}: [{command}] has no option(s) {', '.join(bad)}")
        defaults[command] = merged
    return defaults


COMMAND_LINE_ONLY = frozenset({"allow_production"})  # a guard is lifted by the person running the command


def _section(path: Path, name: str, section: Any) -> dict[str, Any]:
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    values = {key.replace("-", "_"): value for key, value in section.items()}
    for key in sorted(COMMAND_LINE_ONLY & set(values)):
        raise ConfigError(f"{path}: [{name}] sets {key}, which a config file cannot do: lifting the production "
                          f"guard takes --{key.replace('_', '-')} on the command line")
    return values
