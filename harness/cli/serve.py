"""``harness serve``: run the reference target as a service (docs/contract.md#semantics, implemented)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.console import say
from harness.errors import ConfigError
from harness.facts import DOCUMENTED_QUOTA
from harness.reference.config import DEFAULT_MAX_BODY_BYTES


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; 0 picks a free one (printed at start).")] = 8080,
    token: Annotated[list[str] | None, typer.Option(
        "--token", envvar="HARNESS_TOKEN", help="Bearer token of a tenant; repeat for several tenants.",
        show_default=False)] = None,
    db: Annotated[str, typer.Option(help="SQLite file for durable storage, or :memory:.")] = ".harness/target.db",
    rate: Annotated[float, typer.Option(help="Quota per tenant and operation, requests/s.")] = DOCUMENTED_QUOTA,
    burst: Annotated[float | None, typer.Option(help="Bucket capacity; one second of quota when unset.",
                                                 show_default=False)] = None,
    batch_max: Annotated[int | None, typer.Option(help="Events per batch; the spec's maxItems when unset.",
                                                  show_default=False)] = None,
    max_body_bytes: Annotated[int, typer.Option(help="Larger bodies get 422.")] = DEFAULT_MAX_BODY_BYTES,
    admin_token: Annotated[str | None, typer.Option(
        envvar="HARNESS_ADMIN_TOKEN", help="Enables the /_harness/ admin API (read-back, faults).",
        show_default=False)] = None,
    unauth_quota: Annotated[int | None, typer.Option(
        help="Unauthenticated requests allowed per client IP per 30 minutes (the documented 5); off when unset.",
        show_default=False)] = None,
    latency: Annotated[str | None, typer.Option(help="Added latency: 50ms, uniform:10ms:100ms, exp:50ms.",
                                                show_default=False)] = None,
    error_ratio: Annotated[float, typer.Option(help="Share of requests answered 503.")] = 0.0,
    outage: Annotated[str | None, typer.Option(help="503 window START:DURATION after start, e.g. 10s:5s.",
                                               show_default=False)] = None,
    spec: Annotated[Path | None, typer.Option(help="Spec to serve; the bundled one when unset.",
                                              show_default=False)] = None,
) -> None:
    """Run the reference target until Ctrl-C or SIGTERM (which finishes requests in flight and commits)."""
    from harness.reference.config import Latency, Outage, TargetConfig  # noqa: PLC0415
    from harness.reference.server import serve as run_target  # noqa: PLC0415
    from harness.spec import load_spec  # noqa: PLC0415

    load_spec(spec)
    try:
        config = TargetConfig(
            tokens=tuple(token) if token else TargetConfig().tokens, db=db, rate=rate, burst=burst,
            batch_max=batch_max, max_body_bytes=max_body_bytes, admin_token=admin_token,
            unauth_quota=unauth_quota, latency=Latency.parse(latency) if latency else Latency(),
            error_ratio=error_ratio, outage=Outage.parse(outage) if outage else None, spec_path=spec)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    if config.durable:
        Path(config.db).resolve().parent.mkdir(parents=True, exist_ok=True)
    run_target(config, host, port, announce=lambda url: say(
        f"reference target listening on {url} ({len(config.tokens)} tenant(s); admin API "
        f"{'on' if config.admin_token else 'off'}; storage {config.db})"))
