"""``harness run --quick`` end to end, and its index.html opened in headless Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import needs_chromium, opened

SECRET = "run-token-5e1f0c3a-never-shown"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    cwd = tmp_path_factory.mktemp("run")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    result = subprocess.run([sys.executable, "-m", "harness", "run", "--quick", "--report-dir", "reports"],
                            cwd=cwd, env={**environment, "HARNESS_TOKEN": SECRET}, capture_output=True, text=True,
                            timeout=300, check=False)
    return result, cwd / "reports"


def test_quick_run_passes_every_stage_and_never_shows_the_token(
        quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, reports = quick_run
    assert result.returncode == 0, result.stdout + result.stderr
    for stage in ("spec lint", "contract", "load-throughput", "load-throttle", "sdk (our client)"):
        assert stage in result.stdout
    texts = [p.read_text(errors="replace") for p in reports.rglob("*") if p.suffix in (".html", ".json", ".md",
                                                                                        ".xml", ".csv")]
    assert len(texts) > 10
    assert all(SECRET not in text for text in [result.stdout, result.stderr, *texts])


@needs_chromium
def test_index_renders_summary_and_charts_without_console_errors(
        quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, reports = quick_run
    with opened(reports / "index.html") as (page, errors):
        rows = page.locator("#summary tbody tr")
        assert rows.count() == 5
        assert "passed" in rows.nth(1).inner_text()
        charts = page.locator(".charts img")
        assert charts.count() >= 3  # the throttle curve and two latency charts
        widths = [charts.nth(i).evaluate("image => image.naturalWidth") for i in range(charts.count())]
    assert all(width > 100 for width in widths), widths
    assert errors == []
