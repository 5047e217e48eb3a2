"""``harness run`` is a loop over stages: one that cannot run becomes an error row, the others still run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.errors import SpecError, SpecProblem, TargetError
from harness.reference import TargetConfig
from harness.reports.html import write_index
from harness.run import LintStage, RunContext, RunPlan, run_all
from harness.spec import load_spec
from harness.targets import resolve
from harness.verdicts import EXIT_ERROR, Outcome, Report, exit_code


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


def test_an_embedded_target_that_cannot_start_is_a_target_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(TargetError, match="embedded reference target could not start"), \
            resolve(None, "blocked-tenant", embedded=TargetConfig(db=str(blocked / "events.db"))):
        pass
