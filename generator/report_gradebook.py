"""A gradebook CSV that Canvas imports: one row per student, one column per question and the total.

Layout of Canvas's own gradebook export: ``Student, ID, SIS User ID, SIS Login ID, Section``,
then one column per assignment; the first data row is "Points Possible". Canvas matches
students by ID, SIS User ID or SIS Login ID: we fill SIS User ID with the roster id.
"""
from __future__ import annotations

import csv
import io

from .grading import GradeReport
from .reports import fmt_points

IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def gradebook_csv(report: GradeReport) -> str:
    a = report.assignment
    qids: list[str] = []
    max_points: dict[str, float] = {}
    for s in report.submissions:
        for q in s.questions:
            if q.id not in max_points:
                qids.append(q.id)
                max_points[q.id] = q.max_points
    columns = [f"{a.title} {qid} ({a.id})" for qid in qids] + [f"{a.title} ({a.id})"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([*IDENTITY, *columns])
    w.writerow(["Points Possible", "", "", "", "", *(fmt_points(max_points[q]) for q in qids),
                fmt_points(a.total_points)])
    best: dict[str, object] = {}
    for s in report.submissions:  # a student who submitted twice: the last file wins, as Canvas does
        best[s.student] = s
    for student, s in sorted(best.items()):
        points = {q.id: q.points for q in s.questions}
        w.writerow([_cell(s.name or s.student), "", _cell(s.student), "", _cell(s.section),
                    *(fmt_points(points[q]) if q in points else "" for q in qids), fmt_points(s.score)])
    return out.getvalue()


def _cell(text: str) -> str:
    """Spreadsheet programs run cells starting with = + - @ as formulas; quote them as text."""
    return "'" + text if text.startswith(_FORMULA_START) else text
