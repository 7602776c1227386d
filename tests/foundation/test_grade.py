"""`spikeset grade`: key answers score 100 %, wrong ones lose their points, bad files are reported."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support import write_roster
from spikeset.variants.assignment import load_assignment
from spikeset.render.generate import generate
from spikeset.grade.grading import grade
from spikeset.variants.roster import load_roster


def _filled(header_from: Path, answers: dict) -> str:
    head = [line for line in header_from.read_text().splitlines()
            if line.startswith(("student", "assignment", "variant"))]
    body = [f'"{qid}" = {json.dumps(v)}' for qid, v in answers.items()]
    return "\n".join(head + ["", "[answers]"] + body) + "\n"


@pytest.fixture(scope="module")
def class_of_50(tmp_path_factory):
    from support import FOUNDATION_ASSIGNMENT

    root = tmp_path_factory.mktemp("class50")
    (root / "assignment.toml").write_text(FOUNDATION_ASSIGNMENT)
    roster = write_roster(root / "roster.csv", 50)
    secret = b"fifty-students-secret"
    generate(assignment=load_assignment(root / "assignment.toml"), students=load_roster(roster),
             secret=secret, out_dir=root / "out", pdf=False)
    key = json.loads((root / "out" / "instructor" / "key.json").read_text())
    return root, secret, key


def test_key_answers_score_full_and_5_percent_off_loses_points(class_of_50):
    root, secret, key = class_of_50
    assignment = load_assignment(root / "assignment.toml")
    subs = root / "subs"
    for sid, entry in key["students"].items():
        blank = root / "out" / "students" / sid / "answers.toml"
        answers = {qid: q["answer"] for qid, q in entry["questions"].items()}
        (subs / sid).mkdir(parents=True)
        (subs / sid / "answers.toml").write_text(_filled(blank, answers))
    report = grade(assignment=assignment, submissions=[subs], secret=secret,
                   roster=load_roster(root / "roster.csv"))
    assert not report.errors
    assert len(report.submissions) == 50
    for s in report.submissions:
        assert s.score == pytest.approx(s.max_score) == pytest.approx(14), s.student

    # Every numeric answer moved 5 % off, one at a time, loses exactly that question's points.
    for sid, entry in list(key["students"].items())[:50]:
        blank = root / "out" / "students" / sid / "answers.toml"
        for qid, q in entry["questions"].items():
            if q["type"] != "numeric":
                continue
            answers = {k: v["answer"] for k, v in entry["questions"].items()}
            answers[qid] = q["answer"] * 1.05
            f = root / "off" / sid / qid / "answers.toml"
            f.parent.mkdir(parents=True)
            f.write_text(_filled(blank, answers))
    report = grade(assignment=assignment, submissions=[root / "off"], secret=secret)
    assert not report.errors
    n_numeric = sum(q["type"] == "numeric" for q in key["students"]["st001"]["questions"].values())
    assert n_numeric == 4
    assert len(report.submissions) == 50 * n_numeric
    for s in report.submissions:
        qid = Path(s.file).parent.name
        lost = {q.id: q.max_points - q.points for q in s.questions if q.points < q.max_points}
        # A follow-on part built on the moved answer may keep its points (error carried forward).
        assert qid in lost and lost[qid] == pytest.approx(key["students"][s.student]["questions"][qid]["points"])
        assert s.score == pytest.approx(14 - lost[qid])


def test_wrong_choice_loses_points(class_of_50):
    root, secret, key = class_of_50
    entry = key["students"]["st001"]
    answers = {k: v["answer"] for k, v in entry["questions"].items()}
    answers["p2.c"] = next(l for l in "abc" if l != answers["p2.c"])
    f = root / "choice" / "answers.toml"
    f.parent.mkdir()
    f.write_text(_filled(root / "out" / "students" / "st001" / "answers.toml", answers))
    report = grade(assignment=load_assignment(root / "assignment.toml"), submissions=[f], secret=secret)
    (s,) = report.submissions
    by_id = {q.id: q for q in s.questions}
    assert by_id["p2.c"].status == "incorrect" and by_id["p2.c"].points == 0
    assert s.score == pytest.approx(14 - entry["questions"]["p2.c"]["points"])


BAD_FILES = {
    "malformed.toml": ('student = "st001"\n[answers\n', ":2: malformed TOML"),
    "empty.toml": ("", ":1: the file is empty"),
    "json.toml": ('{"student": "st001", "answers": {}}', ":1: this looks like JSON; expected TOML"),
    "noheader.toml": ('[answers]\n"p1.a" = 1\n', "missing 'student'"),
    "binary.toml": (b"\x00\x01\x02garbage", "binary data"),
}


def test_bad_answer_files_are_reported_and_batch_goes_on(class_of_50, tmp_path):
    root, secret, key = class_of_50
    assignment = load_assignment(root / "assignment.toml")
    batch = tmp_path / "batch"
    batch.mkdir()
    for name, (content, _) in BAD_FILES.items():
        path = batch / name.replace(".toml", "_answers.toml")
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    big = batch / "big_answers.toml"
    big.write_text("# padding\n" * 120_000)
    good_entry = key["students"]["st004"]
    good = _filled(root / "out" / "students" / "st004" / "answers.toml",
                   {k: v["answer"] for k, v in good_entry["questions"].items()})
    (batch / "good_answers.toml").write_text(good)
    # Another student's file, relabelled as st005: the fingerprint gives it away.
    (batch / "copied_answers.toml").write_text(good.replace('student = "st004"', 'student = "st005"'))
    # A wrong fingerprint without a roster match.
    (batch / "fp_answers.toml").write_text(good.replace(good_entry["variant"], "0000-0000"))
    # Unknown question id, non-numeric value, NaN and infinity: graded with clear feedback.
    odd = good.replace('"p1.a" = ', '"p9.z" = 3\n"p1.a" = ').replace(
        f'"p1.b" = {json.dumps(good_entry["questions"]["p1.b"]["answer"])}', '"p1.b" = "lots"')
    odd = odd.replace(f'"p2.a" = {json.dumps(good_entry["questions"]["p2.a"]["answer"])}', '"p2.a" = nan')
    odd = odd.replace(f'"p2.b" = {json.dumps(good_entry["questions"]["p2.b"]["answer"])}', '"p2.b" = inf')
    (batch / "odd" ).mkdir()
    (batch / "odd" / "answers.toml").write_text(odd)

    report = grade(assignment=assignment, submissions=[batch], secret=secret,
                   roster=load_roster(root / "roster.csv"))
    errors = {Path(e.file).name: e.message for e in report.errors}
    for name, (_, expected) in BAD_FILES.items():
        message = errors[name.replace(".toml", "_answers.toml")]
        assert expected in message and "\n" not in message
    assert "at most 1000000 bytes" in errors["big_answers.toml"]
    assert "it is the variant of student 'st004': an answer file copied from another student" in errors["copied_answers.toml"]
    assert "does not match student 'st004'" in errors["fp_answers.toml"]
    for message in errors.values():
        assert message.startswith(str(batch))
    graded = {Path(s.file).parent.name if s.file.endswith("/answers.toml") else Path(s.file).name: s
              for s in report.submissions}
    assert graded["good_answers.toml"].score == pytest.approx(14)
    odd_result = graded["odd"]
    by_id = {q.id: q for q in odd_result.questions}
    assert by_id["p1.b"].status == "invalid" and "expected a number in mM" in by_id["p1.b"].feedback
    assert by_id["p2.a"].status == "invalid" and "finite" in by_id["p2.a"].feedback
    assert by_id["p2.b"].status == "invalid" and "finite" in by_id["p2.b"].feedback
    assert any("unknown question id 'p9.z'" in w and ":" in w for w in odd_result.warnings)


def _cli(*args, env=None, cwd=None):
    import os
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "spikeset", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=120)


def test_cli_exit_codes(class_of_50, tmp_path):
    root, secret, key = class_of_50
    env = {"SPIKESET_SECRET": secret.decode()}
    entry = key["students"]["st001"]
    good = tmp_path / "good_answers.toml"
    good.write_text(_filled(root / "out" / "students" / "st001" / "answers.toml",
                            {k: v["answer"] for k, v in entry["questions"].items()}))
    out_json = tmp_path / "g.json"
    r = _cli("grade", str(root / "assignment.toml"), str(good), "--json", str(out_json), env=env)
    assert r.returncode == 0, r.stderr
    data = json.loads(out_json.read_text())
    assert data["assignment"] == "week1" and data["errors"] == []
    (sub,) = data["submissions"]
    assert sub["score"] == pytest.approx(14) and sub["student"] == "st001"
    assert {"id", "points", "max_points", "status", "feedback"} <= set(sub["questions"][0])
    assert "answer" not in sub["questions"][0]

    bad = tmp_path / "bad_answers.toml"
    bad.write_text("student = \n")
    r = _cli("grade", str(root / "assignment.toml"), str(good), str(bad), env=env)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout

    r = _cli("grade", str(tmp_path / "missing.toml"), str(good), env=env)
    assert r.returncode == 2 and "no such file" in r.stderr and len(r.stderr.strip().splitlines()) == 1

    r = _cli("grade", str(root / "assignment.toml"), str(good), "--fail-under", "101", env=env)
    assert r.returncode == 1
    r = _cli("grade", str(root / "assignment.toml"), str(good), "--reveal", "--json", "-", env=env)
    assert "answer" in json.loads(r.stdout[: r.stdout.rindex("}") + 1])["submissions"][0]["questions"][0]


def test_no_secret_note_is_printed_once(class_of_50, tmp_path):
    root, _, _ = class_of_50
    env = {"SPIKESET_SECRET": ""}
    r = _cli("generate", str(root / "assignment.toml"), "--roster", str(root / "roster.csv"),
             "--out", str(tmp_path / "o"), "--no-pdf", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("variants are predictable") == 1
