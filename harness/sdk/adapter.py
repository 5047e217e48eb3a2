"""Which adapter drives which SDK: built-in names, a ``togai_harness.sdk_adapters`` entry point, or a path.

An adapter is a factory ``make(base_url, token)`` returning an object with
``send_event(event: dict)`` and ``send_batch(events: list[dict])``: each
sends through the SDK and returns what the SDK returned, or lets what it
raised propagate. It may say ``version`` and ``default_host`` (where the SDK
sends when no host is configured), reported as facts of its column. Write one for your SDK in a few lines and name it by
``package.module:make`` or ``path/to/adapter.py:make``, or publish it as an
entry point in the group ``togai_harness.sdk_adapters``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from harness.errors import ConfigError

ENTRY_POINT_GROUP = "togai_harness.sdk_adapters"
_HERE = Path(__file__).resolve().parent / "adapters"
PYTHON_DRIVER = Path(__file__).resolve().parent / "child.py"  # the driver of every Python adapter


@dataclass(frozen=True)
class AdapterRef:
    name: str
    reference: str  # "module:factory" or "file.py:factory", importable by the interpreter that runs it
    package: str | None = None  # the PyPI package whose versions --sdk-version installs


BUILT_IN = {
    "togai-client": AdapterRef("togai-client", f"{_HERE / 'togai_sdk.py'}:make", "togai-client"),
    "harness": AdapterRef("harness", "harness.sdk.adapters.harness_client:make"),
}


def find_adapter(name: str, package: str | None = None) -> AdapterRef:
    if name in BUILT_IN:
        return BUILT_IN[name]
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == name:
            return AdapterRef(name, entry.value, package)
    if ":" in name:
        return AdapterRef(name, name, package)
    known = ", ".join([*BUILT_IN, *(e.name for e in entry_points(group=ENTRY_POINT_GROUP))])
    raise ConfigError(f"--adapter {name!r} is not an adapter: use one of {known}, or module:factory / "
                      "path/to/file.py:factory")


@dataclass(frozen=True)
class Subject:
    """One column of the matrix: one driver process speaking the driver protocol (harness.sdk.protocol).

    A Python SDK is an adapter run by the Python driver (``child.py``) in one interpreter (an SDK version's
    virtualenv); an SDK in any other language brings its own driver, named by its command. ``label`` may hold
    ``{sdk}``, ``{version}`` and ``{language}``, filled from the driver's hello.
    """

    label: str
    adapter: AdapterRef | None = None
    python: Path = Path(sys.executable)
    driver: tuple[str, ...] = ()  # the command of a driver in any language

    @property
    def command(self) -> list[str]:
        if self.driver:
            return list(self.driver)
        assert self.adapter is not None
        return [str(self.python), str(PYTHON_DRIVER), self.adapter.reference]


def driver_subject(command: tuple[str, ...]) -> Subject:
    """``--driver 'CMD ARGS'``: its column is named by what the driver says it is."""
    return Subject("{sdk} {version} ({language})", driver=command)
