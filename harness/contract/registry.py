"""The contract checks, each declared once with a decorator in its own module of ``harness.contract.checks``.

A check is a *probe* (a sequence of requests, run once per contract run)
and/or a *judge* (a verdict on every single response, our probes' and
schemathesis's alike). ``@probe("name")`` and ``@judge("name")`` register
them under the check's name; ``harness.contract.fuzz`` registers every judge
with schemathesis under the same name, so a fault is named the same wherever
it is seen. Adding a check is one module in ``checks/`` plus its test.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from harness.json_text import Decoded, NotInteroperable, NotJson, decode

if TYPE_CHECKING:
    from harness.spec import Operation, Spec

FUZZ = "schemathesis"  # schemathesis's own checks, reported under their names


@dataclass(frozen=True)
class Seen:
    """One response as a judge sees it."""

    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @cached_property
    def _decoded(self) -> Decoded | NotJson | NotInteroperable:
        try:
            return decode(self.body)
        except (NotJson, NotInteroperable) as error:
            return error

    def decoded(self) -> Decoded:
        """The body as RFC 8259 reads it (decoded once, however many judges ask); raises :class:`NotJson` or
        :class:`NotInteroperable` (``harness.json_text``)."""
        if isinstance(self._decoded, ValueError):
            raise self._decoded
        return self._decoded

    def json(self) -> Any:
        """The body's value: the last of a member named twice, as most parsers keep it."""
        return self.decoded().value


# a probe takes the run's harness.contract.context.ProbeContext; named by its place, not imported: the context
# holds the session, which judges every answer through this registry (an import cycle otherwise)
Probe = Callable[[Any], None]
Judge = Callable[["Spec", "Operation", Any, Seen], "list[str] | None"]  # None: nothing here to judge


@dataclass
class Check:
    name: str
    doc: str = ""
    probe: Probe | None = None
    judge: Judge | None = None
    runs_last: bool = False  # a probe that reads what the others did (accounting)
    unseen: str = ""  # a judge-only check's skip reason when nothing it judges was seen
    module: str = field(default="", repr=False)


_CHECKS: dict[str, Check] = {}


def _entry(name: str, function: Callable[..., Any]) -> Check:
    check = _CHECKS.setdefault(name, Check(name, module=function.__module__))
    if function.__doc__ and not check.doc:
        check.doc = function.__doc__.strip().splitlines()[0]
    return check


def probe(name: str, *, runs_last: bool = False) -> Callable[[Probe], Probe]:
    """Declare ``function(ctx)`` as the sequence probe of check ``name``."""

    def register(function: Probe) -> Probe:
        check = _entry(name, function)
        check.probe, check.runs_last = function, runs_last
        return function

    return register


def judge(name: str, *, unseen: str = "") -> Callable[[Judge], Judge]:
    """Declare ``function(spec, operation, request, seen) -> problems`` as the response judge of ``name``.

    The judge returns ``None`` when the response is none of its business (a 202 to the throttling judge),
    and the problems it found otherwise (empty: the response passes).
    """

    def register(function: Judge) -> Judge:
        check = _entry(name, function)
        check.judge, check.unseen = function, unseen
        return function

    return register


def checks() -> dict[str, Check]:
    """Every declared check, by name (the modules of ``harness.contract.checks`` are imported on first use)."""
    from harness.contract import checks as package  # noqa: PLC0415  (the check modules import this one)

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    misnamed = [f"{check.module} declares {name!r}" for name, check in _CHECKS.items()
                if check.module.rsplit(".", 1)[-1] != name]
    if misnamed:
        raise TypeError(f"a check is named after its module: {'; '.join(misnamed)}")
    return dict(sorted(_CHECKS.items()))


def names() -> tuple[str, ...]:
    """Every check the ``--checks`` option accepts: ours, then schemathesis's stage.

    A check is named after its module, so the names are known without importing any check (the command
    line's help stays light); :func:`checks` holds each module to that.
    """
    from harness.contract import checks as package  # noqa: PLC0415

    return (*sorted(module.name for module in pkgutil.iter_modules(package.__path__)), FUZZ)


def judge_all(spec: Spec, operation: Operation, request: Any, seen: Seen) -> list[tuple[str, list[str]]]:
    """Every judge that had something to judge in one response, with its problems (empty: passed)."""
    verdicts = []
    for check in checks().values():
        if check.judge is not None and (problems := check.judge(spec, operation, request, seen)) is not None:
            verdicts.append((check.name, problems))
    return verdicts
