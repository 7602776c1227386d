"""A gradebook CSV that Canvas imports: one row per student, the assignment's total by default.

Layout of Canvas's own gradebook export: ``Student, ID, SIS User ID, SIS Login ID, Section``,
then one column per assignment; the first data row is "Points Possible". Canvas matches
students by ID, SIS User ID or SIS Login ID: we fill SIS User ID with the roster id.

* Default: one grade column, the assignment (``"<title> (<id>)"``, worth its total points), so
  an import creates or updates one assignment. ``questions=True`` adds one column per question
  before it (an import then creates one assignment per question).
* With a roster, every roster student has a row; one without a graded file has an empty grade
  (Canvas leaves an empty cell as it is) and says why in the last column, ``spikeset note``
  ("no file", "not graded: <reason>").
* Canvas's importer (``GradebookImporter``) would take any other column for an assignment;
  the note column's "Points Possible" cell reads ``(read only)``, as Canvas's own read-only
  columns do, so an import skips it.
"""
from __future__ import annotations

import csv
import io
from pathlib import PurePath
from typing import Sequence

from ..grade.grading import GradeError, GradeReport, SubmissionResult
from .reports import fmt_points
from ..variants.roster import Student

IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
NOTE_COLUMN = "spikeset note"
READ_ONLY = "(read only)"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def gradebook_csv(report: GradeReport, *, roster: Sequence[Student] | None = None,
                  questions: bool = False) -> str:
    """The CSV text; see the module docstring for the layout."""
    a = report.assignment
    qids: list[str] = []
    max_points: dict[str, float] = {}
    if questions:
        for s in report.submissions:
            for q in s.questions:
                if q.id not in max_points:
                    qids.append(q.id)
                    max_points[q.id] = q.max_points
    columns = [f"{a.title} {qid} ({a.id})" for qid in qids] + [f"{a.title} ({a.id})"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([*IDENTITY, *columns, NOTE_COLUMN])
    w.writerow(["Points Possible", "", "", "", "", *(fmt_points(max_points[q]) for q in qids),
                fmt_points(a.total_points), READ_ONLY])
    best: dict[str, SubmissionResult] = {}
    for s in report.submissions:  # a student who submitted twice: the last file wins, as Canvas does
        best[s.student] = s
    for row in _rows(best, report.errors, roster):
        student, s, note = row
        if s is None:
            w.writerow([_cell(student.display_name), "", _cell(student.id), "", _cell(student.section),
                        *("" for _ in qids), "", _cell(note)])
            continue
        points = {q.id: q.points for q in s.questions}
        w.writerow([_cell(s.name or s.student), "", _cell(s.student), "", _cell(s.section),
                    *(fmt_points(points[q]) if q in points else "" for q in qids), fmt_points(s.score),
                    _cell(note)])
    return out.getvalue()


def _rows(best: dict[str, SubmissionResult], errors: Sequence[GradeError],
          roster: Sequence[Student] | None) -> list[tuple[Student, SubmissionResult | None, str]]:
    """(student, result or None, note) per row: the roster's students in its order, then anyone
    graded who is not on it; without a roster, the graded students by id."""
    if roster is None:
        return [(Student(id=sid), best[sid], "") for sid in sorted(best)]
    rows = []
    on_roster = set()
    for student in roster:
        on_roster.add(student.id)
        if student.id in best:
            rows.append((student, best[student.id], ""))
            continue
        why = [e for e in errors if _error_student(e, student.id)]
        note = "; ".join(f"not graded: {_one_line(e.message)}" for e in why) if why else "no file"
        rows.append((student, None, note))
    rows += [(Student(id=sid), best[sid], "not on the roster") for sid in sorted(best) if sid not in on_roster]
    return rows


def _error_student(error: GradeError, student_id: str) -> bool:
    """Whether a file that could not be graded is this student's: the error names the student,
    or the file lies in a folder named after their id (``s001/``, or ``<assignment>-s001/`` as
    GitHub Classroom names cloned repositories), or is named after it (``s001.toml``)."""
    named = getattr(error, "student", None)
    if named:
        return named == student_id
    path = PurePath(error.file)
    return (path.stem == student_id
            or any(part == student_id or part.endswith(f"-{student_id}") for part in path.parts[:-1]))


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 200 else text[:197] + "..."


def _cell(text: str) -> str:
    """Spreadsheet programs run cells starting with = + - @ as formulas; quote them as text."""
    text = "".join(ch for ch in str(text) if ch >= " " or ch == "\t")
    return "'" + text if text.startswith(_FORMULA_START) else text


def gradebook_from_args(report: GradeReport, args) -> str:
    """The gradebook as ``spikeset grade --gradebook`` writes it (``--roster``, ``--gradebook-questions``)."""
    roster = None
    if getattr(args, "roster", None):
        from ..variants.roster import load_roster
        roster = load_roster(args.roster)
    return gradebook_csv(report, roster=roster, questions=bool(getattr(args, "gradebook_questions", False)))
