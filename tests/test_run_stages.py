"""``harness run`` is a loop over stages: one that cannot run becomes an error row, the others still run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from harness.errors import SpecError, SpecProblem, TargetError
from harness.reference import TargetConfig
from harness.reports.html import write_index
from harness.run import LintStage, RunContext, RunPlan, SpecDiffStage, run_all, stages
from harness.spec import bundled_spec_path, load_spec
from harness.targets import resolve
from harness.verdicts import EXIT_ERROR, Outcome, Report, Row, exit_code


@dataclass(frozen=True)
class BrokenStage:
    name: str = "broken"
    folder: str = "broken"

    def run(self, context: RunContext) -> Report:
        raise SpecError(context.spec.path, [SpecProblem("/paths", "cannot make a valid sample; add an example")])


def test_a_stage_that_raises_is_an_error_row_and_the_index_is_still_written(tmp_path: Path) -> None:
    spec = load_spec()
    with resolve(None, "stage-tenant") as target:
        stages = run_all(RunContext(target, spec, RunPlan(quick=True), tmp_path), [BrokenStage(), LintStage()])
    (_, broken, _), (_, lint, _) = stages
    assert broken.outcome is Outcome.ERROR and "cannot make a valid sample" in broken.rows[0].message
    assert lint.outcome is Outcome.PASSED
    assert exit_code(report for _, report, _ in stages) == EXIT_ERROR
    assert (tmp_path / "broken" / "broken.json").is_file() and (tmp_path / "lint" / "lint-junit.xml").is_file()
    index = write_index(stages, target.label, tmp_path, 1.0).read_text()
    assert "cannot make a valid sample" in index


@dataclass
class AbortedStage:
    """A load stage whose abort rules stopped it: the target was failing."""

    name: str = "load-throughput"
    folder: str = "load-throughput"

    def run(self, context: RunContext) -> Report:
        return Report("load", "Load", context.target.label, [
            Row("abort rules", "batch_throughput", Outcome.FAILED, "aborted at 00:12: errors 100%", group="abort")])


@dataclass
class CountingStage:
    name: str = "load-throttle"
    folder: str = "load-throttle"
    runs: int = 0

    def run(self, context: RunContext) -> Report:
        self.runs += 1
        return Report("load", "Load", context.target.label, [Row("x", "y", Outcome.PASSED, "")])


def test_after_a_stage_is_aborted_the_later_stages_send_nothing_and_say_why(tmp_path: Path) -> None:
    later = CountingStage()
    with resolve(None, "stage-tenant") as target:
        done = run_all(RunContext(target, load_spec(), RunPlan(quick=True), tmp_path), [AbortedStage(), later])
    (_, aborted, _), (_, skipped, _) = done
    assert aborted.outcome is Outcome.FAILED and later.runs == 0
    assert skipped.outcome is Outcome.SKIPPED
    assert skipped.rows[0].message.startswith("not run: load-throughput was aborted (the target was failing)")


def test_an_embedded_target_that_cannot_start_is_a_target_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(TargetError, match="embedded reference target could not start"), \
            resolve(None, "blocked-tenant", embedded=TargetConfig(db=str(blocked / "events.db"))):
        pass


def test_a_baseline_spec_adds_the_spec_diff_stage_which_fails_on_what_breaks(tmp_path: Path) -> None:
    document = yaml.safe_load(bundled_spec_path().read_text())
    document["components"]["schemas"]["IngestBatchEventRequest"]["properties"]["events"]["maxItems"] = 500
    newer = tmp_path / "newer.yaml"
    newer.write_text(yaml.safe_dump(document, sort_keys=False))
    with resolve(None, "stage-tenant") as target:
        context = RunContext(target, load_spec(newer), RunPlan(quick=True), tmp_path, baseline_spec=bundled_spec_path())
        assert [stage.name for stage in stages(context)][:2] == ["spec lint", "spec diff"]
        assert "spec diff" not in [stage.name for stage in stages(RunContext(target, load_spec(), RunPlan(), tmp_path))]
        (_, report, _), = run_all(context, [SpecDiffStage()])
    assert report.outcome is Outcome.FAILED
    assert any(row.name == "ERR request events maxItems" for row in report.failed)
    assert (tmp_path / "spec-diff" / "spec-diff.md").is_file()
