"""Every error that means "the harness could not do its job": one tree, turned into exit 2 in one place.

A :class:`HarnessError`'s ``str`` is the whole reason in one line, naming
the file, URL or option at fault and what to do about it; ``details`` are
further lines a person may need (each problem of a broken spec). The
command line (``harness.cli``) catches the base class once and exits 2;
findings about the target are never errors, they are verdicts (exit 1).

    HarnessError
    ├── ConfigError      an option, environment variable or config file that cannot be used
    ├── SpecError        a spec file that cannot be used (each problem with its JSON pointer)
    ├── TargetError      a target that cannot be used as given, does not answer, or refuses the token
    ├── AdminError       the reference admin API refused a call or answered something unreadable
    └── EngineError      an engine underneath (schemathesis, Locust, an SDK's child) could not run
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class HarnessError(Exception):
    """The harness could not do its job; ``str(error)`` is the reason in one line."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details = tuple(details)


class ConfigError(HarnessError):
    """An option, environment variable or config file that cannot be used."""


class TargetError(HarnessError):
    """A target that cannot be used as given, or does not answer; the message says what to do instead."""


class AdminError(HarnessError):
    """The reference admin API refused a call or answered something unreadable."""


class EngineError(HarnessError):
    """An engine the harness drives (schemathesis, Locust, an SDK's child process) could not run."""


@dataclass(frozen=True)
class SpecProblem:
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


class SpecError(HarnessError):
    """A spec that cannot be used; each problem names the file and its JSON pointer."""

    def __init__(self, path: Path | str, problems: list[SpecProblem]) -> None:
        self.path = Path(path)
        self.problems = problems
        lines = [f"{self.path}#{problem}" for problem in problems]
        first = lines[0] if lines else str(self.path)
        more = f" (and {len(lines) - 1} more problem(s), listed below)" if len(lines) > 1 else ""
        super().__init__(f"the spec cannot be used: {first}{more}", lines[1:])
