"""JUnit XML: one test suite per submission, one test case per question.

CI systems read ``tests``/``failures``/``errors`` counts and a ``<failure>`` per test case;
the points go in ``<properties>`` and in the test-case name so they show in any viewer.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..grade.grading import GradeReport
from ..formatting import points_text
from .reports import answer_shown, fmt_points


def junit_xml(report: GradeReport, *, reveal: bool = False) -> str:
    a = report.assignment
    root = ET.Element("testsuites", name=f"spikeset {a.id}")
    total = failures = errors = 0
    for s in report.submissions:
        suite = ET.SubElement(root, "testsuite", name=f"{a.id}.{s.student}", file=_clean(s.file))
        props = ET.SubElement(suite, "properties")
        for name, value in (("student", s.student), ("score", fmt_points(s.score)),
                            ("max_score", fmt_points(s.max_score)), ("percent", f"{s.percent:.1f}")):
            ET.SubElement(props, "property", name=name, value=value)
        n_fail = 0
        for q in s.questions:
            case = ET.SubElement(suite, "testcase", classname=f"{a.id}.{s.student}",
                                 name=f"{q.id} ({fmt_points(q.points)}/{points_text(q.max_points)})", time="0")
            cprops = ET.SubElement(case, "properties")
            ET.SubElement(cprops, "property", name="points", value=fmt_points(q.points))
            ET.SubElement(cprops, "property", name="max_points", value=fmt_points(q.max_points))
            ET.SubElement(cprops, "property", name="status", value=q.status)
            if q.misconception:
                ET.SubElement(cprops, "property", name="misconception", value=q.misconception)
            if q.status != "correct":
                n_fail += 1
                failure = ET.SubElement(case, "failure", type=q.status, message=_clean(q.feedback))
                failure.text = _clean(q.feedback) + (f"\nAnswer: {answer_shown(q)}" if reveal else "")
            elif q.points < q.max_points:
                ET.SubElement(case, "system-out").text = _clean(q.feedback)
        suite.set("tests", str(len(s.questions)))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
        total += len(s.questions)
        failures += n_fail
    if report.errors:
        suite = ET.SubElement(root, "testsuite", name=f"{a.id}.not-graded", tests=str(len(report.errors)),
                              failures="0", errors=str(len(report.errors)), skipped="0", time="0")
        for e in report.errors:
            case = ET.SubElement(suite, "testcase", classname=f"{a.id}.not-graded", name=_clean(e.file), time="0")
            ET.SubElement(case, "error", type="not-graded", message=_clean(e.message)).text = _clean(e.message)
        total += len(report.errors)
        errors += len(report.errors)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped."""
    return "".join(ch for ch in str(text) if ch in "\t\n\r" or ord(ch) >= 0x20 and ch not in "\ufffe\uffff")
