"""Report files every command writes the same way: JSON for machines, JUnit XML for CI, Markdown for people.

A command turns its results into ``Case`` rows (one per check, SLO or SDK
cell); this module writes them. Nothing here sees a credential: findings
are recorded redacted before they reach a report.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Case:
    """One JUnit test case: ``outcome`` is passed, failed or skipped; ``details`` the failure's text."""

    suite: str
    name: str
    outcome: str
    message: str = ""
    details: str = ""
    seconds: float = 0.0


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def write_junit(path: Path, suite: str, cases: Sequence[Case], seconds: float = 0.0) -> Path:
    failures = sum(case.outcome == "failed" for case in cases)
    skipped = sum(case.outcome == "skipped" for case in cases)
    root = ET.Element("testsuites", name=suite, tests=str(len(cases)), failures=str(failures),
                      skipped=str(skipped), time=f"{seconds:.3f}")
    element = ET.SubElement(root, "testsuite", name=suite, tests=str(len(cases)), failures=str(failures),
                            skipped=str(skipped), errors="0", time=f"{seconds:.3f}")
    for case in cases:
        node = ET.SubElement(element, "testcase", classname=f"{suite}.{case.suite}", name=case.name,
                             time=f"{case.seconds:.3f}")
        if case.outcome == "failed":
            failure = ET.SubElement(node, "failure", message=case.message[:1000])
            failure.text = case.details
        elif case.outcome == "skipped":
            ET.SubElement(node, "skipped", message=case.message[:1000])
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def write_markdown(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
