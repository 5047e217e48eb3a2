"""``<engine>-junit.xml``: one test case per row, for CI's test reporters.

Rows quote what targets sent, and a target can send any bytes. XML 1.0 forbids
most control characters even escaped, and one of them makes CI's JUnit
readers reject the whole file: ``write_all`` hands every writer a report made
:func:`~harness.reports.text.printable` first (each such character shown as
``\\xNN``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.reports import report_format
from harness.verdicts import Outcome, Report


@report_format("junit")
def write(report: Report, directory: Path) -> Path:
    suite = report.engine
    counts = {"tests": str(len(report.rows)), "failures": str(report.count(Outcome.FAILED)),
              "errors": str(report.count(Outcome.ERROR)),
              "skipped": str(sum(report.count(each) for each in (Outcome.SKIPPED, Outcome.KNOWN, Outcome.WARNED))),
              "time": f"{report.seconds:.3f}"}
    root = ET.Element("testsuites", name=suite, **counts)
    element = ET.SubElement(root, "testsuite", name=suite, **counts)
    ET.SubElement(ET.SubElement(element, "properties"), "property", name="run_id", value=report.run_id)
    for row in report.rows:
        node = ET.SubElement(element, "testcase", classname=f"{suite}.{row.group or suite}",
                             name=row.label, time="0.000")
        message = row.message[:1000]
        if row.outcome is Outcome.FAILED:
            ET.SubElement(node, "failure", message=message).text = row.text()
        elif row.outcome is Outcome.ERROR:
            ET.SubElement(node, "error", message=message).text = row.message
        elif row.outcome is Outcome.SKIPPED:
            ET.SubElement(node, "skipped", message=message)
        elif row.outcome in (Outcome.KNOWN, Outcome.WARNED):  # shown, not failing CI
            ET.SubElement(node, "skipped", message=message, type=row.outcome.value).text = row.text()
    ET.indent(root)
    path = directory / f"{suite}-junit.xml"
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
