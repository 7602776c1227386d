"""The gradebook CSV (Canvas import layout): the total by default, per question on request,
every roster student listed, and why an ungraded one has no grade."""
from __future__ import annotations

import csv
import io

import pytest

from spikeset.grade.grading import grade
from spikeset.reports.report_gradebook import NOTE_COLUMN, READ_ONLY, gradebook_csv
from spikeset.variants.roster import Student

from grader_helpers import SECRET, demo_batch

TOTAL = "How the action potential is made (ap-demo)"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("subs")
    path, assignment, students, sets = demo_batch(folder, 4)
    (folder / "s003" / "answers.toml").write_text("student = \n", encoding="utf-8")   # broken: not graded
    (folder / "s004" / "answers.toml").unlink()                                      # no file
    roster = (*students, Student(id="s005", name="=cmd|' /C calc'!A0", section="B"))
    report = grade(assignment=assignment, submissions=[folder], secret=SECRET, roster=roster)
    return report, roster


def _rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_total_only_by_default(batch):
    report, _ = batch
    rows = _rows(gradebook_csv(report))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", TOTAL, NOTE_COLUMN]
    assert rows[1] == ["Points Possible", "", "", "", "", "14", READ_ONLY]
    graded = {s.student: s for s in report.submissions}
    assert [r[2] for r in rows[2:]] == sorted(graded)
    for r in rows[2:]:
        assert float(r[5]) == pytest.approx(graded[r[2]].score) and r[6] == ""


def test_question_columns_on_request(batch):
    report, _ = batch
    rows = _rows(gradebook_csv(report, questions=True))
    n = len(report.submissions[0].questions)
    assert len(rows[0]) == 5 + n + 2 and rows[0][-2] == TOTAL and rows[0][-1] == NOTE_COLUMN
    assert all(" p" in h and h.endswith("(ap-demo)") for h in rows[0][5:5 + n])
    for r in rows[2:]:
        assert float(r[-2]) == pytest.approx(sum(float(x) for x in r[5:5 + n]))


def test_every_roster_student_is_listed(batch):
    report, roster = batch
    rows = {r[2]: r for r in _rows(gradebook_csv(report, roster=roster))[2:]}
    assert list(rows) == [s.id for s in roster]
    assert rows["s001"][5] and rows["s001"][6] == ""
    assert rows["s003"][5] == "" and rows["s003"][6].startswith("not graded: ")
    assert rows["s004"][5] == "" and rows["s004"][6] == "no file"
    assert rows["s005"][5] == "" and rows["s005"][6] == "no file"
    assert rows["s005"][0].startswith("'=")          # a name is never a spreadsheet formula
    assert rows["s005"][4] == "B"


def test_grade_command_writes_the_roster_gradebook(batch, tmp_path):
    from spikeset.cli import main

    folder = tmp_path / "subs"
    path, assignment, students, _ = demo_batch(folder, 2)
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,section\ns001,A,1\ns002,B,1\ns003,C,2\n", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    out = tmp_path / "g.csv"
    main(["grade", str(path), str(folder), "--secret-file", str(secret), "--roster", str(roster),
          "--gradebook", str(out), "--quiet"])
    rows = _rows(out.read_text(encoding="utf-8"))
    assert [r[2] for r in rows[2:]] == ["s001", "s002", "s003"] and rows[-1][-1] == "no file"
    main(["grade", str(path), str(folder), "--secret-file", str(secret), "--gradebook", str(out),
          "--gradebook-questions", "--quiet"])
    assert len(_rows(out.read_text(encoding="utf-8"))[0]) > 7


def test_an_error_is_matched_to_its_student_by_folder():
    from spikeset.grade.grading import GradeError
    from spikeset.reports.report_gradebook import _error_student

    assert _error_student(GradeError("subs/s003/answers.toml", "x"), "s003")
    assert _error_student(GradeError("repos/ap-week3-s003/answers.toml", "x"), "s003")
    assert _error_student(GradeError("subs/s003.toml", "x"), "s003")
    assert not _error_student(GradeError("subs/s0031/answers.toml", "x"), "s003")
    assert not _error_student(GradeError("subs/s001/answers.toml", "x"), "s003")
