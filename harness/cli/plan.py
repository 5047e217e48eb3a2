"""``--dry-run`` of ``harness load`` and ``harness run``: the plan printed and written, nothing started or sent."""

from __future__ import annotations

from pathlib import Path

import msgspec

from harness.cli.console import out
from harness.load.plan import make_plan, render
from harness.load.runner import LoadOptions
from harness.spec import Spec
from harness.targets import validate_url
from harness.trail import run_id


def show_plan(options: LoadOptions, spec: Spec, base_url: str | None, allow_production: bool, other_tenant: bool,
              report_dir: Path) -> None:
    """One load run's plan on the console and in ``REPORT_DIR/plan.json`` (not even the preflight is sent)."""
    where = validate_url(base_url, allow_production=allow_production) if base_url else "the embedded reference target"
    account = f"account {options.account_id}" if options.account_id else "the accounts the spec's sample varies over"
    tag = f", dimension {options.tag_dimension}={run_id()}" if options.tag_dimension else ""
    destination = f"{where}: {account}; event ids start with {run_id()}{tag}"
    plan = make_plan(options, spec, destination, other_tenant=other_tenant,
                     tag=(options.tag_dimension, run_id()) if options.tag_dimension else None)
    table, lines = render(plan)
    out.print(table)
    for line in lines:
        out.print(line, soft_wrap=True, highlight=False, markup=False)
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "plan.json").write_bytes(msgspec.json.format(msgspec.json.encode(plan), indent=2))
