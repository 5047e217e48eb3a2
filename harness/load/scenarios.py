"""The load scenarios: each locustfile in ``locustfiles/`` declares itself with a ``SCENARIO = Scenario(...)``.

The declaration (users, whether Locust's distributed mode may split it,
whether it ends by itself, its own options) sits in the locustfile, and
its docstring's first line is its summary. ``harness load`` reads these
declarations without importing the locustfiles (importing Locust patches the
standard library through gevent), by evaluating the literal call; the
locustfile itself calls ``SCENARIO.register()`` so Locust's parser knows its
options. Adding a scenario is one locustfile plus its test.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness import facts
from harness.errors import ConfigError, HarnessError

Default = str | int | float
TOKEN_ENV = "HARNESS_TOKEN"  # the tenant's token, as the locustfiles read it (never on Locust's command line)
OTHER_TOKEN_ENV = "HARNESS_OTHER_TOKEN"  # a second tenant's, for the throttle scenario's tenant step


@dataclass(frozen=True)
class Option:
    """A scenario's own command-line option, passed through ``harness load`` to the locustfile."""

    flag: str
    default: Default
    help: str
    choices: tuple[str, ...] = ()
    kind: str = ""  # "numbers": a comma-separated list of numbers (the default's type otherwise)

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    def check(self, value: str) -> None:
        """A ``ConfigError`` naming the option when ``value`` is not one the locustfile can read."""
        try:
            if self.kind == "numbers":
                if not all(float(part) > 0 for part in value.split(",")):
                    raise ValueError
            elif self.choices:
                if value not in self.choices:
                    raise ValueError
            else:
                type(self.default)(value)
        except ValueError:
            wanted = ("positive numbers separated by commas" if self.kind == "numbers" else
                      f"one of {', '.join(self.choices)}" if self.choices else
                      {"float": "a number", "int": "a whole number"}.get(type(self.default).__name__, "a value"))
            raise ConfigError(f"{self.flag} {value!r}: give {wanted}, e.g. {self.default}") from None


@dataclass(frozen=True)
class Scenario:
    users: int = 4  # default closed-loop users
    distributable: bool = True  # False: one process's schedule (the throttle pacer)
    quota_paced: bool = False  # True: measures throughput, so its arrival rate defaults to POLITE_SHARE x quota
    sends: tuple[str, ...] = ("ingestBatch",)  # the operations its requests go to (the plan of --dry-run)
    share_option: str = ""  # the option giving the first operation's share of requests, when it sends two
    ends_itself: bool = False  # True: the scenario quits when done; --run-time only bounds it
    options: tuple[Option, ...] = ()
    name: str = field(default="", compare=False)  # the locustfile's stem, filled in when read
    summary: str = field(default="", compare=False)  # the docstring's first line
    path: Path | None = field(default=None, compare=False)

    def register(self) -> None:
        """Add the scenario's options to Locust's parser (called by the locustfile, inside Locust)."""
        from locust import events  # noqa: PLC0415  (only inside Locust's own process)

        def add_arguments(parser: Any, **_: Any) -> None:
            for option in self.options:
                extra: dict[str, Any] = {"choices": option.choices} if option.choices else {}
                parser.add_argument(option.flag, type=type(option.default), default=option.default,
                                    help=option.help, **extra)

        events.init_command_line_parser.add_listener(add_arguments)

    def check_options(self, arguments: tuple[str, ...] | list[str]) -> None:
        """The scenario's own options among ``arguments`` (passed through to Locust), each checked here: a value
        the locustfile could not read is one line before Locust starts, not an error inside it."""
        for index, argument in enumerate(arguments):
            flag, _, inline = argument.partition("=")
            option = next((option for option in self.options if option.flag == flag), None)
            if option is None:
                continue
            value = inline if inline else arguments[index + 1] if index + 1 < len(arguments) else None
            if value is None:
                raise ConfigError(f"{flag} needs a value, e.g. {flag} {option.default}")
            option.check(value)

    def describe(self) -> str:
        options = ", ".join(f"{o.flag} ({o.default})" for o in self.options)
        return f"{self.name}: {self.summary}" + (f" [{options}]" if options else "")


def locustfiles_dir() -> Path:
    """Our locustfiles: beside the package in a wheel, at the project root in a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "locustfiles", package_dir.parent / "locustfiles"):
        if candidate.is_dir():
            return candidate
    raise HarnessError("the locustfiles are missing from this installation; reinstall the harness")


_CALLS = {"Scenario": Scenario, "Option": Option}


def _value(node: ast.expr, where: str) -> Any:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS:
        args = [_value(arg, where) for arg in node.args]
        kwargs = {kw.arg: _value(kw.value, where) for kw in node.keywords if kw.arg}
        return _CALLS[node.func.id](*args, **kwargs)
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_value(item, where) for item in node.elts)
    if isinstance(node, ast.Name) and hasattr(facts, node.id):  # a documented fact, e.g. DOCUMENTED_QUOTA
        return getattr(facts, node.id)
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise HarnessError(f"{where}: SCENARIO must be written with literals, Option(...) and "
                           f"harness.facts names, not {ast.unparse(node)!r}") from None


def read_scenario(path: Path) -> Scenario | None:
    """The ``SCENARIO`` a locustfile declares, without importing it; ``None`` when it declares none."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstring = (ast.get_docstring(tree) or "").strip().splitlines()
    for statement in tree.body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id == "SCENARIO"):
            declared = _value(statement.value, str(path))
            if not isinstance(declared, Scenario):
                raise HarnessError(f"{path}: SCENARIO must be a Scenario(...)")
            return replace(declared, name=path.stem, summary=docstring[0] if docstring else "", path=path)
    return None


def scenarios(directory: Path | None = None) -> dict[str, Scenario]:
    """Every scenario in the locustfiles folder, by name."""
    found = (read_scenario(path) for path in sorted((directory or locustfiles_dir()).glob("*.py")))
    return {scenario.name: scenario for scenario in found if scenario is not None}


def scenario(name: str) -> Scenario:
    known = scenarios()
    if name not in known:
        raise ConfigError(f"--scenario {name!r} is not a scenario; choose from {', '.join(known)}")
    return known[name]
