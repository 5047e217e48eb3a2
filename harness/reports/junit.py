"""``<engine>-junit.xml``: one test case per row, for CI's test reporters.

Rows quote what targets sent, and a target can send any bytes. XML 1.0 forbids
most control characters even escaped, and one of them makes CI's JUnit
readers reject the whole file, so each is written visibly as ``\\xNN`` instead.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.reports import report_format
from harness.verdicts import Outcome, Report

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold shown as ``\\xNN`` (or ``\\uNNNN``)."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


@report_format("junit")
def write(report: Report, directory: Path) -> Path:
    suite = report.engine
    counts = {"tests": str(len(report.rows)), "failures": str(report.count(Outcome.FAILED)),
              "errors": str(report.count(Outcome.ERROR)), "skipped": str(report.count(Outcome.SKIPPED)),
              "time": f"{report.seconds:.3f}"}
    root = ET.Element("testsuites", name=suite, **counts)
    element = ET.SubElement(root, "testsuite", name=suite, **counts)
    for row in report.rows:
        node = ET.SubElement(element, "testcase", classname=xml_text(f"{suite}.{row.group or suite}"),
                             name=xml_text(row.label), time="0.000")
        message = xml_text(row.message[:1000])
        if row.outcome is Outcome.FAILED:
            ET.SubElement(node, "failure", message=message).text = xml_text(row.text())
        elif row.outcome is Outcome.ERROR:
            ET.SubElement(node, "error", message=message).text = xml_text(row.message)
        elif row.outcome is Outcome.SKIPPED:
            ET.SubElement(node, "skipped", message=message)
    ET.indent(root)
    path = directory / f"{suite}-junit.xml"
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
