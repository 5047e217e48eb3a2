"""Command-line options shared by every command that talks to a target, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.limits import Limits

BaseUrl = Annotated[str | None, typer.Option(
    envvar="HARNESS_BASE_URL", help="Target to test; the embedded reference target when unset.",
    show_default=False)]
Token = Annotated[str | None, typer.Option(
    envvar="HARNESS_TOKEN", help="Bearer token for the target (never printed).", show_default=False)]
AdminToken = Annotated[str | None, typer.Option(
    envvar="HARNESS_ADMIN_TOKEN", help="Admin token of a reference target's read-back API (/_harness/).",
    show_default=False)]
OtherToken = Annotated[str | None, typer.Option(
    envvar="HARNESS_OTHER_TOKEN", help="A second tenant's token (never printed): ids and quotas must be per "
                                       "tenant (the contract's tenants check, the throttle scenario's tenant step).",
    show_default=False)]
AllowProduction = Annotated[bool, typer.Option(
    help="Allow Togai's production host (real, billable events).")]
SpecOption = Annotated[Path | None, typer.Option(
    "--spec", help="Spec file; the bundled one when unset.", show_default=False)]
ReportDir = Annotated[Path, typer.Option(help="Where report files are written.")]
Timeout = Annotated[float, typer.Option(
    min=0.1, help="Seconds for each request in total: connect, headers and the whole answer.")]
MaxAnswerBytes = Annotated[int, typer.Option(
    min=1024, help="Largest answer read (decompressed); a larger one is a finding, read no further.")]
MaxRetryWait = Annotated[float, typer.Option(
    min=0, help="Longest Retry-After waited out; a longer one is never slept through (noted as not verified).")]
BaselineFile = Annotated[Path | None, typer.Option(
    "--baseline", help="Known findings (a file --write-baseline wrote): reported as known, not failing the run; "
                       "new ones fail, those past their expiry fail again, those gone are reported fixed.",
    show_default=False)]
WriteBaseline = Annotated[Path | None, typer.Option(
    "--write-baseline", help="Write this run's findings as a baseline file (keeping the reasons and expiry dates "
                             "of --baseline's entries).", show_default=False)]


def bounds(timeout: float, max_answer_bytes: int, max_retry_wait: float) -> Limits:
    """The run's one ``Limits``, from the bound options every command that talks to a target takes alike."""
    return Limits(request_seconds=timeout, max_answer_bytes=max_answer_bytes, max_retry_wait=max_retry_wait)
