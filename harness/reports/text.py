"""Small text helpers the renderers share: table cells and excerpts that keep a report readable."""

from __future__ import annotations

from harness.verdicts import Outcome

FINDINGS_SHOWN = 5  # per row, in the console and Markdown; the JSON report has them all
STYLE = {Outcome.PASSED: "green", Outcome.FAILED: "bold red", Outcome.ERROR: "bold red", Outcome.SKIPPED: "yellow"}


def md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
