"""The GitHub Action: its declaration, and the script it runs, run here as Actions would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from harness.reference import TargetConfig, running_target
from tests.contract.broken import FAULTS

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "action" / "run.sh"
SECRET = "action-token-3b9e51c0"


def run_step(tmp_path: Path, base_url: str = "", **inputs: str) -> tuple[subprocess.CompletedProcess[str], str, str]:
    """``action/run.sh`` with the environment the composite step gives it; its summary and outputs."""
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("HARNESS_", "INPUT_", "GITHUB_"))}
    environment.update({"PATH": f"{Path(sys.executable).parent}:{environment['PATH']}", "HARNESS_TOKEN": SECRET,
                        "HARNESS_BASE_URL": base_url, "GITHUB_STEP_SUMMARY": str(summary),
                        "GITHUB_OUTPUT": str(outputs),
                        **{f"INPUT_{name.upper()}": value for name, value in inputs.items()}})
    result = subprocess.run([str(SCRIPT)], cwd=tmp_path, env=environment, capture_output=True, text=True,
                            timeout=300, check=False)
    read = lambda path: path.read_text() if path.exists() else ""  # noqa: E731
    return result, read(summary), read(outputs)


def test_the_action_is_composite_with_the_inputs_a_workflow_needs() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"command", "base-url", "token", "baseline", "baseline-spec", "report-dir"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    assert any("action/run.sh" in step.get("run", "") for step in steps)
    upload = next(step for step in steps if str(step.get("uses", "")).startswith("actions/upload-artifact"))
    assert "always()" in upload["if"]  # the reports are kept when the harness fails the job
    example = yaml.safe_load((ROOT / "examples" / "github-actions" / "contract.yml").read_text())
    assert any("togai-ingestion-harness" in str(step.get("uses", "")) for step in example["jobs"]["contract"]["steps"])


def test_the_step_runs_the_contract_writes_the_job_summary_and_its_exit_code(tmp_path: Path) -> None:
    result, summary, outputs = run_step(tmp_path, command="contract", report_dir="reports",
                                        args="--checks auth,error_responses --max-examples 1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "harness contract` exited 0" in summary and "# Contract checks: passed" in summary
    assert "exit-code=0" in outputs
    assert SECRET not in summary + result.stdout + result.stderr
    assert (tmp_path / "reports" / "contract-junit.xml").is_file()


def test_a_missing_baseline_or_an_unknown_command_ends_with_the_reason(tmp_path: Path) -> None:
    result, _, _ = run_step(tmp_path, command="load")
    assert result.returncode == 2 and "use run or contract" in result.stderr
    result, _, _ = run_step(tmp_path, command="contract", baseline="nope.json")
    assert result.returncode == 2 and "baseline 'nope.json' not found" in result.stderr
    result, _, _ = run_step(tmp_path, command="contract", baseline_spec=str(ROOT / "specs" / "togai-ingestion.yaml"))
    assert result.returncode == 2 and "needs command 'run'" in result.stderr


def test_a_baseline_given_to_the_step_turns_known_findings_green(tmp_path: Path) -> None:
    """Adopt with --write-baseline through ``args`` (exit 1), then gate on the file: exit 0, the summary says known."""
    fault = next(fault for fault in FAULTS if fault.name == "text_errors")
    checks = "--checks error_responses --max-examples 1"
    with running_target(TargetConfig(tokens=(SECRET,)), make_app=fault.make_app) as target:
        first, _, outputs = run_step(tmp_path, target.base_url, command="contract",
                                     args=f"{checks} --write-baseline known.json")
        assert first.returncode == 1, first.stdout + first.stderr
        assert (tmp_path / "known.json").is_file() and "exit-code=1" in outputs
        (tmp_path / "summary.md").unlink()
        second, summary, outputs = run_step(tmp_path, target.base_url, command="contract", baseline="known.json",
                                            args=checks)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "exited 0" in summary and "[known]" in summary and "exit-code=0" in outputs
