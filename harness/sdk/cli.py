"""``harness sdk``: run SDK versions through every documented answer and report what each does."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.errors import HarnessError
from harness.options import AdminToken, BaseUrl, ReportDir, SpecOption, Token
from harness.sdk.adapter import Subject, find_adapter
from harness.sdk.envs import sdk_python
from harness.sdk.report import show, write_reports
from harness.sdk.runner import run_matrix
from harness.spec import load_spec
from harness.targets import resolve
from harness.terminal import err, one_line_errors, out


def sdk(
    adapter: Annotated[str, typer.Option(help="togai-client, harness (our own client), an entry point of "
                                              "togai_harness.sdk_adapters, or module:factory / file.py:factory.")
                       ] = "togai-client",
    sdk_version: Annotated[list[str] | None, typer.Option(
        help="A release of the adapter's package to install in its own cached virtualenv; repeat to compare.",
        show_default=False)] = None,
    package: Annotated[str | None, typer.Option(help="PyPI package of a custom adapter's SDK, for --sdk-version.",
                                                show_default=False)] = None,
    base_url: BaseUrl = None,
    token: Token = None,
    admin_token: AdminToken = None,
    spec: SpecOption = None,
    report_dir: ReportDir = Path("reports/sdk"),
) -> None:
    """Check an SDK against the contract: exit 0 all cells conform, 1 some break, 2 install or import failed."""
    with one_line_errors():
        loaded = load_spec(spec)
        ref = find_adapter(adapter, package)
        if sdk_version and ref.package is None:
            raise HarnessError(f"adapter {adapter!r} names no PyPI package: give --package to use --sdk-version")
        subjects = ([Subject(f"{ref.package} {version}", ref,
                             sdk_python(ref.package, version, log=lambda line: err.print(line, highlight=False)))
                     for version in sdk_version] if sdk_version and ref.package else [Subject(ref.name, ref)])
        with resolve(base_url, token, admin_token=admin_token) as target:
            err.print(f"SDK check against {target.label}: {', '.join(s.label for s in subjects)}", highlight=False)
            matrix = run_matrix(target, loaded, subjects,
                                on_subject=lambda label: err.print(f"running {label} ...", highlight=False))
    show(matrix, out)
    for path in write_reports(matrix, report_dir):
        err.print(f"report: {path}", highlight=False)
    raise typer.Exit(1 if matrix.breaks else 0)
