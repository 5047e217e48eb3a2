"""``harness run``: the whole harness in one command, one report directory, one summary.

Stages, in order: spec lint; the contract suite; a throughput load run; the
throttle onset; the SDK check of our own client. Against the embedded
reference target unless a base URL is given (the SDK check needs the
reference admin API, so it is skipped on other targets). ``quick`` trims
every stage's budget so the whole run fits in a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.contract.report import finding_text
from harness.contract.report import write_reports as write_contract
from harness.contract.runner import ContractOptions, run_contract
from harness.errors import HarnessError
from harness.lint import lint
from harness.load.report import write_reports as write_load
from harness.load.runner import LoadOptions, LoadReport, run_load
from harness.sdk.adapter import BUILT_IN, Subject
from harness.sdk.report import write_reports as write_sdk
from harness.sdk.runner import run_matrix
from harness.spec import Spec
from harness.targets import Target, preflight, unauth_budget


@dataclass
class Stage:
    name: str
    verdict: str = "skipped"  # passed | failed | skipped | error
    figures: str = ""
    seconds: float = 0.0
    findings: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # label -> path relative to the report directory


@dataclass(frozen=True)
class RunPlan:
    quick: bool = False

    @property
    def max_examples(self) -> int:
        return 8 if self.quick else 30

    @property
    def throughput_seconds(self) -> float:
        return 4 if self.quick else 15

    @property
    def throttle_args(self) -> tuple[str, ...]:
        if self.quick:
            return ("--steps", "0.5,0.9,1.5", "--step-seconds", "2", "--rest-seconds", "1")
        return ("--steps", "0.5,0.9,1.1,1.5,2", "--step-seconds", "3", "--rest-seconds", "1.5")

    @property
    def throttle_seconds(self) -> float:
        return 30 if self.quick else 60


def _relative(path: Path, root: Path) -> str:
    return str(path.resolve().relative_to(root.resolve()))


def lint_stage(spec: Spec) -> Stage:
    defects = lint(spec)
    return Stage("spec lint", "failed" if defects else "passed", f"{len(defects)} defect(s) in {spec.path.name}",
                 findings=[defect.line(spec) for defect in defects])


def contract_stage(target: Target, spec: Spec, plan: RunPlan, root: Path) -> Stage:
    report = run_contract(target, ContractOptions(spec_path=spec.path, max_examples=plan.max_examples,
                                                  unauth_budget=unauth_budget(target.base_url, None)))
    paths = write_contract(report, root / "contract")
    passed = sum(r.verdict.value == "passed" for r in report.results)
    skipped = len(report.results) - passed - len(report.failed)
    return Stage("contract", "failed" if report.failed else "passed",
                 f"{passed} checks passed, {len(report.failed)} failed, {skipped} skipped",
                 findings=[f"{r.check} on {r.operation}: {finding_text(f)}" for r in report.failed for f in r.findings],
                 files={p.name: _relative(p, root) for p in paths})


def load_stage(name: str, target: Target, spec: Spec, options: LoadOptions, root: Path,
               figure: Callable[[LoadReport], str]) -> Stage:
    directory = root / name
    report = run_load(target, spec, options, directory)
    paths = write_load(report, directory)
    files = {p.name: _relative(p, root) for p in paths}
    files["locust.html"] = _relative(directory / "locust.html", root)
    return Stage(name, "failed" if report.breaches else "passed", figure(report),
                 findings=report.breaches, files=files)


def throughput_figure(report: LoadReport) -> str:
    summary = report.summary
    return (f"{summary['events_per_s']:,.0f} events/s; p95 {summary['latency_ms']['p95']:.0f} ms; "
            f"{summary['failures']} failed, {summary['throttled']} throttled")


def throttle_figure(report: LoadReport) -> str:
    t = report.throttle
    assert t is not None
    return (f"onset between {t.highest_clear or 0:g} and {t.lowest_throttled or 0:g} req/s; admits "
            f"{t.measured_quota or 0:.1f}/s against the quota {t.expected_quota:g}/s")


def sdk_stage(target: Target, spec: Spec, root: Path) -> Stage:
    if not target.embedded and target.admin_token is None:
        return Stage("sdk (our client)", "skipped", "needs the reference admin API (scenario mode)")
    matrix = run_matrix(target, spec, [Subject("harness", BUILT_IN["harness"])])
    paths = write_sdk(matrix, root / "sdk")
    return Stage("sdk (our client)", "failed" if matrix.breaks else "passed",
                 f"{len(matrix.cells) - matrix.breaks}/{len(matrix.cells)} cells conform",
                 findings=[f"{op} {row}: {cell.reason}" for (op, row, _), cell in matrix.cells.items()
                           if not cell.conforms], files={p.name: _relative(p, root) for p in paths})


def run_all(target: Target, spec: Spec, plan: RunPlan, root: Path,
            on_stage: Callable[[str], None] = lambda name: None) -> list[Stage]:
    """Every stage in order; a stage that cannot be carried out is an ``error``, the others still run."""
    preflight(spec, target, timeout=30)
    root.mkdir(parents=True, exist_ok=True)
    steps: list[tuple[str, Callable[[], Stage]]] = [
        ("spec lint", lambda: lint_stage(spec)),
        ("contract", lambda: contract_stage(target, spec, plan, root)),
        ("load-throughput", lambda: load_stage(
            "load-throughput", target, spec, LoadOptions("batch_throughput", run_time=plan.throughput_seconds,
                                                         users=4), root, throughput_figure)),
        ("load-throttle", lambda: load_stage(
            "load-throttle", target, spec, LoadOptions("throttle", run_time=plan.throttle_seconds,
                                                       extra=plan.throttle_args), root, throttle_figure)),
        ("sdk", lambda: sdk_stage(target, spec, root)),
    ]
    stages = []
    for name, step in steps:
        on_stage(name)
        started = time.monotonic()
        try:
            stage = step()
        except HarnessError as error:
            stage = Stage(name, "error", str(error), findings=[str(error)])
        stage.seconds = time.monotonic() - started
        stages.append(stage)
    return stages


def exit_code(stages: list[Stage]) -> int:
    if any(stage.verdict == "error" for stage in stages):
        return 2
    return 1 if any(stage.verdict == "failed" for stage in stages) else 0
