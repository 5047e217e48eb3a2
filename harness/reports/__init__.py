"""Every report the harness writes, rendered from one :class:`~harness.verdicts.Report`.

File formats register themselves with :func:`report_format` in a module of
this package (``json_file``, ``junit``, ``markdown``); adding a format is
one module plus its test. ``console`` renders a report on the terminal and
``html`` writes the ``index.html`` of ``harness run``. Rows quote what
targets sent, which may echo a token: every file is passed through the
process's scrubber (``harness.redaction.SCRUBBER``) once written.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

from harness.redaction import SCRUBBER
from harness.reports.text import printable
from harness.verdicts import Report

Writer = Callable[[Report, Path], Path]
FORMATS: dict[str, Writer] = {}


def report_format(name: str) -> Callable[[Writer], Writer]:
    """Register ``writer(report, directory) -> path`` as the report format ``name``."""

    def register(writer: Writer) -> Writer:
        FORMATS[name] = writer
        return writer

    return register


def formats() -> dict[str, Writer]:
    """Every registered file format (the modules of this package are imported once, on first use)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return FORMATS


def write_all(report: Report, directory: Path) -> list[Path]:
    """Write ``report`` in every file format into ``directory``; the paths written (secrets scrubbed)."""
    directory.mkdir(parents=True, exist_ok=True)
    shown = printable(report)  # any bytes a target sent, made visible once for every format
    paths = [writer(shown, directory) for writer in formats().values()]
    for path in paths:
        SCRUBBER.scrub_file(path)
    return paths
