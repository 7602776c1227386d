"""Report formats: terminal, JSON, Markdown (+ job summary), JUnit XML, gradebook CSV, HTML."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spikeset.grade.grading import grade
from spikeset.reports.report_gradebook import gradebook_csv
from spikeset.reports.report_html import feedback_pages
from spikeset.reports.report_junit import junit_xml
from spikeset.reports.reports import json_text, layered_json, markdown, print_summary

from grader_helpers import SECRET, demo_batch


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("subs")
    path, assignment, students, sets = demo_batch(folder, 5)
    (folder / "broken").mkdir()
    (folder / "broken" / "answers.toml").write_text("student = \n", encoding="utf-8")
    report = grade(assignment=assignment, submissions=[folder], secret=SECRET, roster=students)
    return path, folder, report, sets


def test_json_keeps_the_contract(batch):
    _, _, report, _ = batch
    d = json.loads(json.dumps(report.to_dict()))
    assert d["assignment"] == "ap-demo"
    for s in d["submissions"]:
        assert {"file", "student", "score", "max_score", "questions"} <= set(s)
        for q in s["questions"]:
            assert {"id", "points", "max_points", "status", "feedback", "misconception", "ecf"} <= set(q)
            assert q["status"] in ("correct", "incorrect", "missing", "invalid")
            assert "answer" not in q
    assert d["errors"] and {"file", "message"} <= set(d["errors"][0])
    revealed = report.to_dict(reveal=True)["submissions"][0]["questions"][0]
    assert isinstance(revealed["answer"], float) and revealed["unit"] == "mV"


def test_json_text_is_the_report_one_question_per_line(batch):
    _, _, report, _ = batch
    for reveal in (False, True):
        text = json_text(report, reveal=reveal)
        assert json.loads(text) == json.loads(json.dumps(report.to_dict(reveal=reveal)))
        question_lines = [line for line in text.splitlines() if line.lstrip().startswith('{"id": ')]
        assert len(question_lines) == sum(len(s.questions) for s in report.submissions)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                    max_leaves=12),
       st.integers(0, 5))
def test_layered_json_round_trips(value, depth):
    assert json.loads(layered_json(value, depth=depth)) == value


def test_markdown_and_reveal(batch):
    _, _, report, sets = batch
    text = markdown(report)
    assert "## Student 1 (`s001`): 14 / 14" in text and "Files that could not be graded" in text
    ref = sets[0].questions["p1.a"].reference
    assert f"{ref:.4g}" not in text
    assert f"{ref:.4g}" in markdown(report, reveal=True)


def test_terminal_summary_is_plain_when_not_a_terminal(batch):
    _, _, report, _ = batch
    out = io.StringIO()
    print_summary(report, stream=out)
    text = out.getvalue()
    assert "\x1b[" not in text and "s001" in text and "not graded" in text


def test_terminal_summary_uses_rich_on_a_terminal(batch):
    _, _, report, _ = batch

    class Tty(io.StringIO):
        def isatty(self):
            return True
    out = Tty()
    print_summary(report, stream=out)
    assert "s001" in out.getvalue() and "┃" in out.getvalue()


def test_junit_schema(batch):
    _, _, report, _ = batch
    root = ET.fromstring(junit_xml(report))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    graded = [s for s in suites if not s.get("name").endswith("not-graded")]
    assert len(graded) == 5
    for suite in graded:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases) == 6
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        for case in cases:
            props = {p.get("name"): p.get("value") for p in case.findall("properties/property")}
            assert {"points", "max_points", "status"} <= set(props)
            failure = case.find("failure")
            assert (failure is not None) == (props["status"] != "correct")
            if failure is not None:
                assert failure.get("type") == props["status"] and failure.get("message")
    errors = [s for s in suites if s.get("name").endswith("not-graded")][0]
    assert errors.find("testcase/error").get("message")
    assert int(root.get("tests")) == 31


def test_gradebook_csv_canvas_layout(batch):
    _, _, report, _ = batch
    rows = [row[:-1] for row in csv.reader(io.StringIO(gradebook_csv(report, questions=True)))]
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert len(rows[0]) == 5 + 6 + 1 and rows[0][-1] == "How the action potential is made (ap-demo)"
    assert rows[1][0] == "Points Possible" and rows[1][-1] == "14"
    assert len(rows) == 2 + 5
    first = rows[2]
    assert first[:5] == ["Student 1", "", "s001", "", "A"] and first[-1] == "14"
    for row in rows[2:]:
        assert float(row[-1]) == pytest.approx(sum(float(x) for x in row[5:-1]))


def test_html_pages_are_self_contained(batch, tmp_path):
    _, _, report, sets = batch
    pages = feedback_pages(report)
    assert sorted(pages) == [f"s00{i}.html" for i in range(1, 6)]
    page = pages["s002.html"]
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "--accent" in page
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")
    assert "Student 2" in page and "status-incorrect" in page
    ref = sets[1].questions["p1.a"].reference
    assert f"{ref:.4g}" not in page and f"{ref:.4g}" in feedback_pages(report, reveal=True)["s002.html"]


def test_html_escapes_student_text(tmp_path):
    from spikeset.grade.grading import GradeReport
    from spikeset.variants.assignment import parse_assignment
    a = parse_assignment('id = "x"\ntitle = "T"\n[[problems]]\nfamily = "driving-force"\npoints = 1\n')
    from spikeset.grade.grading import QuestionResult, SubmissionResult
    q = QuestionResult(id="p1.a", points=0, max_points=1, status="invalid", feedback="<script>x</script>",
                       given="<b>")
    r = GradeReport(assignment=a, submissions=(SubmissionResult("f", "s1", "v", (q,)),))
    page = feedback_pages(r)["s1.html"]
    assert "<script>x" not in page and "&lt;script&gt;" in page


def run_cli(*args, env=None, cwd=None):
    import os
    e = {**os.environ, "SPIKESET_SECRET": SECRET.decode()}
    e.pop("GITHUB_STEP_SUMMARY", None)
    e.pop("GITHUB_OUTPUT", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "spikeset", "grade", *map(str, args)], capture_output=True,
                          text=True, env=e, cwd=cwd, timeout=120)


def test_cli_writes_every_report(batch, tmp_path):
    path, folder, _, _ = batch
    summary = tmp_path / "summary.md"
    summary.write_text("before\n")
    p = run_cli(path, folder, "--json", tmp_path / "r.json", "--markdown", tmp_path / "r.md",
                "--junit", tmp_path / "r.xml", "--gradebook", tmp_path / "g.csv", "--html", tmp_path / "html",
                "--reveal", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert p.returncode == 1, p.stderr  # the broken file
    d = json.loads((tmp_path / "r.json").read_text())
    assert len(d["submissions"]) == 5 and "answer" in d["submissions"][0]["questions"][0]
    assert summary.read_text().startswith("before\n# Grades")
    assert (tmp_path / "r.md").read_text() in summary.read_text()
    ET.parse(tmp_path / "r.xml")
    assert len(list((tmp_path / "html").glob("*.html"))) == 5
    assert (tmp_path / "g.csv").read_text().count("\n") == 7


def test_cli_exit_codes(batch, tmp_path):
    path, folder, _, _ = batch
    assert run_cli(path, folder / "s001" / "answers.toml").returncode == 0
    assert run_cli(path, folder / "s001" / "answers.toml", "--fail-under", "100").returncode == 0
    assert run_cli(path, folder / "s002" / "answers.toml", "--fail-under", "50").returncode == 1
    assert run_cli(path, folder / "nope.toml").returncode == 1
    assert run_cli(tmp_path / "missing.toml", folder).returncode == 2
    assert run_cli(path, folder, "--sigfig-share", "3").returncode == 2


@pytest.mark.parametrize("reveal", [False, True])
def test_prepared_json_gives_the_same_text(batch, reveal):
    """Results whose JSON was encoded where they were graded give the report's text exactly;
    one prepared for the other reveal setting is not used."""
    from spikeset.grade.grading import grade as grade_again

    path, folder, report, sets = batch
    prepared = grade_again(assignment=report.assignment, submissions=[folder], secret=SECRET,
                           roster=[s.student for s in sets], prepare_json=reveal)
    level = "full" if reveal else report.assignment.feedback
    assert all(s.prepared_json and s.prepared_json[0] == (reveal, level) for s in prepared.submissions)
    expected = layered_json(report.to_dict(reveal=reveal), depth=4) + "\n"
    assert json_text(report, reveal=reveal) == expected
    assert json_text(prepared, reveal=reveal) == expected
    assert json_text(prepared, reveal=not reveal) == layered_json(report.to_dict(reveal=not reveal), depth=4) + "\n"
    assert prepared.to_dict(reveal=reveal) == report.to_dict(reveal=reveal)
