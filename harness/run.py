"""``harness run``: every engine in turn against one target, one report directory, one summary.

Each stage is a :class:`Stage`: a name, a folder for its files, and a
``run`` that hands up a :class:`~harness.verdicts.Report`. The run is a loop
over them: a stage that cannot be carried out becomes an error row and the
others still run; every report is written in every format, then
``index.html`` summarises them all. Stages, in order: spec lint; the contract
suite; a throughput load run; the throttle onset; the SDK check of our own
client (it needs the reference admin API, so it is skipped elsewhere).
``quick`` trims every budget so the whole run fits in about half a minute.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from harness.baseline import Baseline, judge
from harness.errors import HarnessError
from harness.limits import Limits
from harness.progress import OnProgress, ignore_progress
from harness.reports import write_all
from harness.spec import Spec
from harness.targets import Target, preflight, unauth_budget
from harness.verdicts import Outcome, Report, Row, error_report

if TYPE_CHECKING:
    from harness.load.runner import LoadOptions


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
    def throughput_batch_size(self) -> int | None:
        """Events per batch of the throughput stage: the spec's limit, but a tenth of it in a quick run (a smoke
        test of the path, not of capacity: 4 s of full batches costs the embedded target 180,000 events)."""
        return 100 if self.quick else None

    @property
    def throttle_args(self) -> tuple[str, ...]:
        if self.quick:
            return ("--steps", "0.5,0.9,1.5", "--step-seconds", "2", "--rest-seconds", "1")
        return ("--steps", "0.5,0.9,1.1,1.5,2", "--step-seconds", "3", "--rest-seconds", "1.5")

    @property
    def throttle_seconds(self) -> float:
        return 30 if self.quick else 60


@dataclass(frozen=True)
class RunContext:
    target: Target
    spec: Spec
    plan: RunPlan
    root: Path
    on_progress: OnProgress = ignore_progress
    limits: Limits = field(default_factory=Limits)  # every stage's requests: deadline, answer cap, waits
    baseline: Baseline | None = None  # known findings, judged in every stage's report
    baseline_spec: Path | None = None  # the spec clients are written against today: what the run's spec breaks


class Stage(Protocol):
    name: str
    folder: str

    def run(self, context: RunContext) -> Report: ...

    def sends(self, plan: RunPlan) -> str:
        """What the stage sends, in a line (``harness run --dry-run``)."""
        ...


@dataclass(frozen=True)
class LintStage:
    name: str = "spec lint"
    folder: str = "lint"

    def run(self, context: RunContext) -> Report:
        from harness.lint import lint_report  # noqa: PLC0415  (engines are imported when their stage runs)

        # Togai's own documents contradict themselves (docs/contract.md#togais-published-documents): shown, and
        # `harness spec lint` gates on them, but the target is judged against the schemas, not the document's prose
        return lint_report(context.spec, Outcome.WARNED)

    def sends(self, plan: RunPlan) -> str:
        return "reads the spec; sends nothing"


@dataclass(frozen=True)
class SpecDiffStage:
    """What the run's spec breaks for clients and servers of the baseline spec (ERR fails the run)."""

    name: str = "spec diff"
    folder: str = "spec-diff"

    def run(self, context: RunContext) -> Report:
        from harness.spec import load_spec  # noqa: PLC0415
        from harness.spec_diff import diff_report  # noqa: PLC0415

        assert context.baseline_spec is not None
        return diff_report(load_spec(context.baseline_spec), context.spec)

    def sends(self, plan: RunPlan) -> str:
        return "compares two specs; sends nothing"


@dataclass(frozen=True)
class ContractStage:
    name: str = "contract"
    folder: str = "contract"

    def run(self, context: RunContext) -> Report:
        from harness.contract.runner import ContractOptions, run_contract  # noqa: PLC0415

        options = ContractOptions(spec_path=context.spec.path, max_examples=context.plan.max_examples,
                                  unauth_budget=unauth_budget(context.target.base_url, None), limits=context.limits)
        return run_contract(context.target, options, context.on_progress)

    def sends(self, plan: RunPlan) -> str:
        return (f"schemathesis, up to {plan.max_examples} examples per case of each operation, and the contract "
                "checks' probes (a flood to the first 429 for throttling; 429s and 503s waited out)")


@dataclass(frozen=True)
class LoadStage:
    name: str
    scenario: str

    @property
    def folder(self) -> str:
        return self.name

    def options(self, plan: RunPlan, limits: Limits) -> LoadOptions:
        """The stage's load options: what it runs, and what ``harness run --dry-run`` plans."""
        from harness.load.runner import LoadOptions  # noqa: PLC0415

        if self.scenario == "throttle":
            return LoadOptions(self.scenario, run_time=plan.throttle_seconds, extra=plan.throttle_args, limits=limits)
        return LoadOptions(self.scenario, run_time=plan.throughput_seconds, users=4, limits=limits,
                           batch_size=plan.throughput_batch_size)

    def run(self, context: RunContext) -> Report:
        from harness.load.runner import run_load  # noqa: PLC0415

        options = self.options(context.plan, context.limits)
        return run_load(context.target, context.spec, options, context.root / self.folder, context.on_progress)

    def sends(self, plan: RunPlan) -> str:
        return f"load scenario {self.scenario}: its plan is above"


@dataclass(frozen=True)
class SdkStage:
    name: str = "sdk (our client)"
    folder: str = "sdk"

    def sends(self, plan: RunPlan) -> str:
        return "our client against scripted answers, on the reference target only (skipped elsewhere)"

    def run(self, context: RunContext) -> Report:
        target = context.target
        if not target.embedded and target.admin_token is None:
            reason = "needs the reference admin API (scenario mode)"
            return Report("sdk", "SDK conformance", target.label, [Row("sdk", "harness", Outcome.SKIPPED, reason)],
                          summary=reason)
        from harness.sdk.adapter import BUILT_IN, Subject  # noqa: PLC0415
        from harness.sdk.report import as_report  # noqa: PLC0415
        from harness.sdk.runner import run_matrix  # noqa: PLC0415

        matrix = run_matrix(target, context.spec, [Subject("harness", BUILT_IN["harness"])])
        return as_report(matrix, target.label)


def stages(context: RunContext | None = None) -> list[Stage]:
    """The stages of a run; the spec diff when the run was given a baseline spec."""
    diff: list[Stage] = [SpecDiffStage()] if context is not None and context.baseline_spec is not None else []
    return [LintStage(), *diff, ContractStage(), LoadStage("load-throughput", "batch_throughput"),
            LoadStage("load-throttle", "throttle"), SdkStage()]


def run_all(context: RunContext, plan: list[Stage] | None = None) -> list[tuple[str, Report, str]]:
    """Every stage in order (``stages()`` unless given), each report written to its folder.

    Returns (stage name, report, folder) per stage.
    """
    preflight(context.spec, context.target, context.limits.request_seconds)
    context.root.mkdir(parents=True, exist_ok=True)
    todo = stages(context) if plan is None else plan
    done = []
    aborted_by = ""  # the stage whose abort rules stopped it: the target was failing, so later stages send nothing
    for stage in todo:
        context.on_progress(f"stage: {stage.name}", len(done), len(todo))
        started = time.monotonic()
        if aborted_by:
            reason = f"not run: {aborted_by} was aborted (the target was failing), so nothing more was sent to it"
            report = Report(stage.folder, stage.name, context.target.label,
                            [Row(stage.name, "", Outcome.SKIPPED, reason)], summary=reason)
        else:
            try:
                report = stage.run(context)
            except HarnessError as error:
                report = error_report(stage.folder, stage.name, context.target.label, str(error))
            if any(row.group == "abort" and row.outcome is Outcome.FAILED for row in report.rows):
                aborted_by = stage.name
        report.seconds = time.monotonic() - started
        if context.baseline is not None:
            report = judge(report, context.baseline)
        write_all(report, context.root / stage.folder)
        done.append((stage.name, report, stage.folder))
    return done
