"""Points are printed as a person writes them, the same way everywhere: "0.5 pts", "1 pt",
"2.5 pts" on the page (and so the PDF, printed from it), the solutions, the answer file and the
reports; never "0.50 pt", nor a half point rounded away ("2 pt" for 2.5)."""
from __future__ import annotations

import re

import pytest

from spikeset.formatting import points_number, points_text
from spikeset.grade.answer_file import blank_answer_file
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.roster import Student

SECRET = b"points-text-key-0123456789"
#: nernst: 5 points over its questions (halves); ghk: 2.5 points; concepts: one question of 1 point.
ASSIGNMENT = ('id = "pts"\ntitle = "Points"\n'
              '[[problems]]\nfamily = "nernst"\npoints = 5\n'
              '[[problems]]\nfamily = "ghk"\npoints = 2.5\n'
              '[[problems]]\nfamily = "concepts"\npoints = 1\nquestions = ["a"]\n')


@pytest.mark.parametrize("x, number, text", [
    (0.5, "0.5", "0.5 pts"), (1, "1", "1 pt"), (1.0, "1", "1 pt"), (2, "2", "2 pts"), (2.5, "2.5", "2.5 pts"),
    (0.333333, "0.33", "0.33 pts"), (1.75, "1.75", "1.75 pts"), (0, "0", "0 pts"), (120.0, "120", "120 pts"),
    (0.999999, "1", "1 pt"), (1e-9, "0", "0 pts"),
])
def test_points_as_written(x, number, text):
    assert points_number(x) == number and points_text(x) == text


@pytest.fixture(scope="module")
def student_set():
    return assemble(parse_assignment(ASSIGNMENT), [Student("s1")], SECRET)[0]


def _question_points(student_set):
    return [pq.points for pq in student_set.questions.values()]


def test_the_set_has_half_whole_and_single_points(student_set):
    points = _question_points(student_set)
    assert 0.5 in points or 1.5 in points or 2.5 in points
    assert student_set.problems[2].questions[0].points == 1


def _shown_points(html: str) -> list[str]:
    return re.findall(r"(\d+(?:\.\d+)?)(?:&nbsp;|\u00a0| )(pts?)\b", html)


def test_page_and_solutions_print_points_as_written(student_set):
    from spikeset.render.render import render_problem_set, render_solutions

    for page in (render_problem_set(student_set, drawn={}), render_solutions([student_set], drawn=[{}])):
        shown = _shown_points(page)
        assert shown, "no points printed"
        assert ("2.5", "pts") in shown and ("1", "pt") in shown
        for number, unit in shown:
            assert not re.search(r"\.\d*0$", number), number               # no "0.50"
            assert unit == ("pt" if number == "1" else "pts"), (number, unit)
        problem_heads = re.findall(r'class="points">\(([^)]*)\)', page)
        assert [h.replace("&nbsp;", " ") for h in problem_heads[:3]] == ["5 pts", "2.5 pts", "1 pt"]
        for pq in student_set.questions.values():
            assert points_text(pq.points).replace(" ", "&nbsp;") in page


def test_answer_file_and_reports_print_points_as_written(student_set):
    from spikeset.grade.answer_file import parse_answer_text
    from spikeset.grade.grading import GradeReport, grade_submission
    from spikeset.reports.report_junit import junit_xml
    from spikeset.reports.reports import markdown

    text = blank_answer_file(student_set)
    assert re.findall(r"^# Problem \d\. .*\(([^()]*)\)$", text, re.M) == ["5 pts", "2.5 pts", "1 pt"]
    report = GradeReport(assignment=student_set.assignment,
                         submissions=(grade_submission(student_set, parse_answer_text(text)),))
    junit = junit_xml(report)
    for pq in student_set.questions.values():
        assert f'name="{pq.id} (0/{points_text(pq.points)})"' in junit
        assert f"| `{pq.id}` | 0 / {points_number(pq.points)} |" in markdown(report)
    assert "0.50" not in junit and "0.50" not in markdown(report)
