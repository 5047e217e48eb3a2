"""``harness sdk``: run SDK versions through every documented answer and report what each does."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.console import announce, finish, out, say
from harness.cli.options import AdminToken, BaseUrl, ReportDir, SpecOption, Token
from harness.errors import ConfigError


def sdk(
    adapter: Annotated[str | None, typer.Option(
        help="A Python SDK's adapter: togai-client (the default when no --driver is given), harness (our own "
             "client), an entry point of togai_harness.sdk_adapters, or module:factory / file.py:factory.",
        show_default=False)] = None,
    driver: Annotated[list[str] | None, typer.Option(
        help="The command that starts an SDK's driver in any language (docs/sdk-driver-protocol.md), e.g. "
             "'java -cp build TogaiDriver'; repeat for several SDKs or builds, each a column.",
        show_default=False)] = None,
    sdk_version: Annotated[list[str] | None, typer.Option(
        help="A release of the adapter's package (1.0.3), or a path to a local build (wheel, sdist or source "
             "directory), each installed in its own cached virtualenv; repeat to compare.",
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
    import time  # noqa: PLC0415

    from harness.reports import write_all  # noqa: PLC0415
    from harness.reports.console import show  # noqa: PLC0415
    from harness.sdk.adapter import Subject, driver_subject, find_adapter  # noqa: PLC0415
    from harness.sdk.driver import split_command  # noqa: PLC0415
    from harness.sdk.envs import install_for, sdk_python  # noqa: PLC0415
    from harness.sdk.report import as_report  # noqa: PLC0415
    from harness.sdk.runner import run_matrix  # noqa: PLC0415
    from harness.spec import load_spec  # noqa: PLC0415
    from harness.targets import resolve  # noqa: PLC0415

    started = time.monotonic()
    loaded = load_spec(spec)
    drivers = [driver_subject(tuple(split_command(command))) for command in driver or ()]
    subjects: list[Subject] = []
    beside_us: str | None = None
    if adapter is not None or not drivers:
        name = adapter or "togai-client"
        ref = find_adapter(name, package)
        if sdk_version and ref.package is None:
            raise ConfigError(f"--adapter {name!r} names no PyPI package: give --package to use --sdk-version")
        beside_us = ref.package if ref.package and not sdk_version else None
        installs = [install_for(ref.package, version) for version in sdk_version or ()] if ref.package else []
        # a local build's column names the version its package reports, once its driver has said it
        subjects = ([Subject(f"{ref.package} {{version}} ({install.label})" if install.local else
                             f"{ref.package} {install.label}", ref, sdk_python(install, log=say))
                     for install in installs] if sdk_version and ref.package else [Subject(ref.name, ref)])
    subjects += drivers
    with resolve(base_url, token, admin_token=admin_token, spec=spec) as target:  # the target's guards first
        if beside_us:  # no --sdk-version: the SDK runs in the harness's own Python
            _installed_beside_us(beside_us)
        named = [f"driver {' '.join(s.driver)[:80]}" if s.driver else s.label for s in subjects]
        announce(f"SDK check against {target.label}: {', '.join(named)}", target.cautions)
        matrix = run_matrix(target, loaded, subjects, on_subject=lambda label: say(f"running {label} ..."))
        report = as_report(matrix, target.label, time.monotonic() - started)
    show(report, out)
    for path in write_all(report, report_dir):
        say(f"report: {path}")
    finish([report])


def _installed_beside_us(package: str) -> None:
    """Without --sdk-version the SDK runs in the harness's own Python: said before any driver starts when it is
    not there (the driver would only report a ModuleNotFoundError from its handshake)."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        version(package)
    except PackageNotFoundError:
        raise ConfigError(f"{package} is not installed where the harness runs: give --sdk-version (a release, "
                          f"e.g. --sdk-version 1.0.3, or a local build) to install it in its own virtualenv, or "
                          f"pip install {package} beside the harness") from None
