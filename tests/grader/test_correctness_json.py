"""The JSON report at feedback level ``correctness``: right or wrong and points, nothing more.

A student who gets the ``--json`` output of a ``correctness`` grading (GitHub Classroom logs,
a shared file) must not learn from it which typical mistake was made, that credit was carried
or why figures cost points, nor any correct value. Its consumers (the class report, ``merge``,
the gradebook) still work on it and say what it lacks.
"""
from __future__ import annotations

import dataclasses
import json
import re

import pytest

from spikeset.cli import main
from spikeset.formatting import plain_feedback
from spikeset.grade.answer_file import parse_answer_text
from spikeset.grade.grading import GradeReport, grade, grade_submission
from spikeset.grade.report_json import json_text
from spikeset.reports.analytics import CORRECTNESS_NOTE, class_stats

from grader_helpers import SECRET, answer_text, demo_batch, fixed, make_assignment, student_set

HEADER = 'id = "levels"\ntitle = "Grader test"\necf_share = 0.5\nsigfig_share = 0.5\n'
BODY = ('[[problems]]\nfamily = "driving-force"\npoints = 8\nparams = { given = "reversal", ion = "K" }\n'
        '[[problems]]\nfamily = "nernst"\npoints = 2\nquestions = ["a"]\ntolerance = { a = { sigfig = 3 } }\n'
        '[[problems]]\nfamily = "nernst"\npoints = 2\nquestions = ["a"]\n')
#: Words only carried-credit, significant-figure and misconception notes use.
NOTES = ("carried forward", "Consistent with your answer", "method is right", "Right value",
         "were asked", "significant figures;")


def _label(s, qid, option_id):
    return next(lab for lab, o in s.questions[qid].labelled if o.id == option_id)


def _answers(s):
    """p1.a wrong, p1.b..d consistent with it (carried credit), p2.a right with too many figures,
    p3.a a typical mistake's value."""
    p = s.problems[0].params
    df, g = p["v_m_mV"] - p["e_rev_mV"], p["g_mS_per_cm2"]
    wrong_df = -df * 1.3
    theirs = "outward" if g * wrong_df > 0 else "inward"
    d_theirs = next(o.id for o in s.questions["p1.d"].question.options if not o.correct)
    mistake = s.questions["p3.a"].question.misconceptions[0]
    return {"p1.a": repr(wrong_df), "p1.b": repr(g * wrong_df),
            "p1.c": f'"{_label(s, "p1.c", theirs)}"', "p1.d": f'"{_label(s, "p1.d", d_theirs)}"',
            "p2.a": fixed(s.questions["p2.a"].reference, 6), "p3.a": repr(mistake.value)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One class graded through the command line at each level: {level: JSON text}, and the set."""
    root = tmp_path_factory.mktemp("levels")
    assignment = make_assignment(BODY, id="levels", extra="ecf_share = 0.5\nsigfig_share = 0.5")
    s = student_set(assignment)
    (root / "assignment.toml").write_text(HEADER + BODY, encoding="utf-8")
    (root / "subs" / "s001").mkdir(parents=True)
    (root / "subs" / "s001" / "answers.toml").write_text(answer_text(s, _answers(s)), encoding="utf-8")
    (root / "secret").write_bytes(SECRET)
    texts = {}
    for level in ("correctness", "misconceptions", "full"):
        out = root / f"{level}.json"
        assert main(["grade", str(root / "assignment.toml"), str(root / "subs"), "--secret-file",
                     str(root / "secret"), "--quiet", "--feedback", level, "--json", str(out)]) == 0
        texts[level] = out.read_text(encoding="utf-8")
    return texts, s, root


def _without_given(text: str) -> str:
    """The JSON with the student's own answers blanked: they are what the student wrote."""
    data = json.loads(text)
    for sub in data["submissions"]:
        for q in sub["questions"]:
            q["given"] = None
    return json.dumps(data, ensure_ascii=False)


def _spellings(x) -> set[str]:
    """The ways a reference value could be written in a report."""
    if isinstance(x, str):     # a choice's right option, as a JSON value
        return {": " + json.dumps(x, ensure_ascii=False)}
    found = {repr(x), f"{x:g}"}
    for digits in range(3, 8):
        found.add(f"{x:.{digits}g}")
    for decimals in range(1, 5):
        found.add(f"{x:.{decimals}f}")
    return {t for t in found if len(t.lstrip("-").replace(".", "").lstrip("0")) >= 3}


def test_the_answers_exercise_every_note(graded):
    texts, _, _ = graded
    full = {q["id"]: q for q in json.loads(texts["full"])["submissions"][0]["questions"]}
    assert [full[i]["ecf"] for i in ("p1.b", "p1.c", "p1.d")] == [True] * 3
    assert full["p2.a"]["sigfig"] == "too-many" and full["p3.a"]["misconception"]
    assert all(q["points"] < q["max_points"] for q in full.values())


def test_a_hostile_student_finds_nothing_but_points_in_the_correctness_json(graded):
    texts, s, _ = graded
    text = _without_given(texts["correctness"])
    leaks = [(qid, t) for qid, pq in s.questions.items() for t in _spellings(pq.reference)
             if re.search(rf"(?<![0-9.]){re.escape(t)}(?![0-9])", text)]
    assert not leaks
    mistakes = [m for pq in s.questions.values() if pq.type == "numeric" for m in pq.question.misconceptions]
    mistakes += [o.misconception for pq in s.questions.values() if pq.type == "choice"
                 for o in pq.question.options if o.misconception]
    assert mistakes
    for m in mistakes:
        assert m.id not in text and plain_feedback(m.feedback) not in text, m.id
        if m.value is not None:
            assert not [t for t in _spellings(m.value) if t in text], m.id
    assert not [n for n in NOTES if n in text]
    data = json.loads(texts["correctness"])
    assert data["feedback"] == "correctness"
    for q in data["submissions"][0]["questions"]:
        assert set(q) == {"id", "points", "max_points", "status", "feedback", "type", "given", "line", "trace"}


def test_misconceptions_json_names_the_mistake_but_no_value(graded):
    texts, s, _ = graded
    text = _without_given(texts["misconceptions"])
    p3 = {q["id"]: q for q in json.loads(text)["submissions"][0]["questions"]}["p3.a"]
    assert p3["misconception"] == s.questions["p3.a"].question.misconceptions[0].id
    assert not [t for pq in s.questions.values() for t in _spellings(pq.reference)
                if re.search(rf"(?<![0-9.]){re.escape(t)}(?![0-9])", text)]
    assert "too high" not in text and "too low" not in text


def test_prepared_json_of_one_level_is_not_reused_at_another():
    a = make_assignment(BODY, id="levels", extra='feedback = "correctness"\necf_share = 0.5\nsigfig_share = 0.5')
    s = student_set(a)
    r = grade_submission(s, parse_answer_text(answer_text(s, _answers(s))))
    from spikeset.grade.report_json import submission_json
    prepared = dataclasses.replace(r, prepared_json=((False, "correctness"), submission_json(r, reveal=False,
                                                                                            feedback="correctness")))
    low = GradeReport(assignment=a, submissions=(prepared,))
    assert json_text(low) == json_text(dataclasses.replace(low, submissions=(r,)))
    high = GradeReport(assignment=dataclasses.replace(a, feedback="full"), submissions=(prepared,))
    assert '"ecf": true' in json_text(high) and '"feedback": "correctness"' not in json_text(high)


def test_class_report_from_a_correctness_json_says_what_it_lacks(graded, capsys):
    texts, _, root = graded
    stats = class_stats(json.loads(texts["correctness"]))
    assert stats.missing_detail == CORRECTNESS_NOTE
    assert all(q.ecf is None and q.wrong == [] for q in stats.questions)
    assert [round(p, 4) for p in stats.percents] == \
           [round(p, 4) for p in class_stats(json.loads(texts["full"])).percents]
    full = class_stats(json.loads(texts["full"]))
    assert full.missing_detail == "" and sum(q.ecf for q in full.questions) == 3
    assert main(["report", str(root / "correctness.json"), "--out", str(root / "report")]) == 0
    assert "feedback level correctness" in capsys.readouterr().err
    assert "feedback level correctness" in (root / "report" / "report.html").read_text(encoding="utf-8")
    rows = (root / "report" / "questions.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].split(",")[11] == "ecf" and all(r.split(",")[11] == "" for r in rows[1:])


def test_merged_correctness_shards_equal_one_run_and_levels_do_not_mix(tmp_path, capsys):
    subs = tmp_path / "subs"
    assignment, _, _, _ = demo_batch(subs, n=4)
    (tmp_path / "secret").write_bytes(SECRET)

    def run(name, *extra):
        return main(["grade", str(assignment), str(subs), "--secret-file", str(tmp_path / "secret"), "--quiet",
                     "--feedback", "correctness", "--json", str(tmp_path / f"{name}.json"), *extra])

    assert run("one", "--gradebook", str(tmp_path / "one.csv")) == 0
    assert run("part1", "--shard", "1/2") == 0 and run("part2", "--shard", "2/2") == 0
    assert main(["merge", "grades", str(tmp_path / "part2.json"), str(tmp_path / "part1.json"), "--json",
                 str(tmp_path / "merged.json"), "--gradebook", str(tmp_path / "merged.csv"),
                 "--assignment", str(assignment)]) == 0
    one = (tmp_path / "one.json").read_bytes()
    assert (tmp_path / "merged.json").read_bytes() == one and b'"ecf"' not in one
    assert (tmp_path / "merged.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert main(["grade", str(assignment), str(subs), "--secret-file", str(tmp_path / "secret"), "--quiet",
                 "--feedback", "full", "--json", str(tmp_path / "full2.json"), "--shard", "2/2"]) == 0
    capsys.readouterr()
    assert main(["merge", "grades", str(tmp_path / "part1.json"), str(tmp_path / "full2.json"),
                 "--json", str(tmp_path / "mixed.json")]) != 0
    err = capsys.readouterr().err
    assert "feedback level" in err and len(err.strip().splitlines()) == 1
