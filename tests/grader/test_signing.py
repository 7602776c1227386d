"""Signed variants: grading without the course secret, tampering, and the repository binding."""
from __future__ import annotations

import base64
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from spikeset.variants.registry import get_family

from spikeset.grade.answer_file import blank_answer_file
from spikeset.variants.assemble import assemble
from spikeset.cli.demo import _answer, _toml_value, sample_submission
from spikeset.errors import UsageError
from spikeset.grade.grading import grade
from spikeset.variants.roster import Student, parse_roster
from spikeset.grade.signed_grading import grade_signed, repository_binding
from spikeset.variants.signing import (PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, VARIANT_FILE, canonical_json, variant_payload,
                              load_public_key, load_signing_key, signed_variant_text, write_key_pair)

from grader_helpers import SECRET, make_assignment

BODY = """
[[problems]]
family = "nernst"
points = 6
tolerance = { a = { abs = 0.5 } }

[[problems]]
family = "driving-force"
points = 8

[[problems]]
family = "concepts"
points = 4
params = { n = 4 }
"""
CLASS = (Student(id="s001", name="Ann", github="ann-lee"), Student(id="s002", name="Bo", github="bo"),
         Student(id="s003", name="Cy"))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Keys, the assignment, and each student's Classroom repository (answers.toml filled in
    right, and the signed variant.toml beside it) under repos/ap-sign-<login>/."""
    root = tmp_path_factory.mktemp("course")
    private, public, _ = write_key_pair(root / "keys")
    assignment = make_assignment(BODY, id="ap-sign")
    sets = assemble(assignment, CLASS, SECRET)
    key = load_signing_key(private)
    repos = {}
    for s in sets:
        repo = root / "repos" / f"ap-sign-{s.student.github or s.student.id}"
        repo.mkdir(parents=True)
        (repo / "answers.toml").write_text(filled(s, "right"), encoding="utf-8")
        (repo / VARIANT_FILE).write_text(signed_variant_text(s, key), encoding="utf-8")
        repos[s.student.id] = repo
    return dict(root=root, assignment=assignment, sets=sets, public=load_public_key(public),
                private=private, public_path=public, repos=repos)


def filled(s, style: str) -> str:
    """The student's blank answer file as generated, with an answer after each '='."""
    text = blank_answer_file(s)
    for i, pq in enumerate(s.questions.values()):
        text = text.replace(f'"{pq.id}" = ""', f'"{pq.id}" = {_toml_value(_answer(pq, style, i))}', 1)
    return text


def resigned(s, key, edit) -> str:
    """The variant.toml of ``s`` with its payload edited by ``edit`` and signed again with ``key``
    (what only the instructor can do)."""
    text = signed_variant_text(s, key)
    old_payload = text.split('payload = "')[1].split('"')[0]
    old_signature = text.split('signature = "')[1].split('"')[0]
    payload = json.loads(base64.b64decode(old_payload))
    edit(payload)
    raw = canonical_json(payload)
    return (text.replace(old_payload, base64.b64encode(raw).decode())
            .replace(old_signature, base64.b64encode(key.sign(raw)).decode()))


def in_repo(course, sid):
    login = next(st.github or st.id for st in CLASS if st.id == sid)
    return {"GITHUB_REPOSITORY": f"course-org/ap-sign-{login}", "GITHUB_ACTOR": login}


def points(report):
    return {s.student: [(q.id, q.points, q.status) for q in s.questions] for s in report.submissions}


# ---------------------------------------------------------------- keys

def test_keygen_writes_a_private_file_only_its_owner_reads(tmp_path, capsys):
    from spikeset.cli import main

    assert main(["keygen", "--out", str(tmp_path / "k")]) == 0
    first = capsys.readouterr()
    private, public = tmp_path / "k" / PRIVATE_KEY_FILE, tmp_path / "k" / PUBLIC_KEY_FILE
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "k").iterdir()) == [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]
    seed = private.read_text().split()[-1]
    assert len(base64.b64decode(seed)) == 32 and seed not in first.out + first.err
    assert load_signing_key(private).key_id == load_public_key(public).key_id in first.out
    assert main(["keygen", "--out", str(tmp_path / "k")]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert private.read_text().split()[-1] == seed


def test_key_files_swapped_or_foreign_are_refused_without_echo(tmp_path, course):
    with pytest.raises(UsageError, match="other key of the pair") as exc:
        load_public_key(course["private"])
    assert course["private"].read_text().split()[-1] not in str(exc.value)
    with pytest.raises(UsageError, match="other key of the pair"):
        load_signing_key(course["public_path"])
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("my-course-secret-0123456789\n")
    with pytest.raises(UsageError, match="expected a public key") as exc:
        load_public_key(secret_file)
    assert "my-course-secret" not in str(exc.value)


# ---------------------------------------------------------------- grading without the secret

def test_signed_grading_equals_grading_with_the_secret(course, tmp_path):
    repos = tmp_path / "repos"
    shutil.copytree(course["root"] / "repos", repos)
    for style in ("right", "misconception", "partial", "units"):
        for s in course["sets"]:
            (repos / course["repos"][s.student.id].name / "answers.toml").write_text(filled(s, style),
                                                                                     encoding="utf-8")
        with_secret = grade(assignment=course["assignment"], submissions=[repos], secret=SECRET, roster=CLASS,
                            jobs=1)
        signed = grade_signed(assignment=course["assignment"], submissions=[repos], public_key=course["public"],
                              roster=CLASS, environ={})
        assert not with_secret.errors and not signed.errors
        assert points(signed) == points(with_secret) and len(signed.submissions) == len(CLASS)
        assert [q.feedback for s in signed.submissions for q in s.questions] == \
               [q.feedback for s in with_secret.submissions for q in s.questions]


def test_right_answers_score_full_marks_in_the_students_own_repository(course):
    for sid, repo in course["repos"].items():
        report = grade_signed(assignment=course["assignment"], submissions=[repo / "answers.toml"],
                              public_key=course["public"], environ=in_repo(course, sid))
        (result,) = report.submissions
        assert not report.errors and result.score == result.max_score == 18
        assert result.warnings == ()


def test_an_edited_assignment_file_does_not_change_the_grade(course, tmp_path):
    """The assignment file in a student's repository is theirs to edit: points and tolerances come
    from the signed variant."""
    s = course["sets"][0]
    repo = course["repos"][s.student.id]
    ref = s.questions["p1.a"].reference
    answers = filled(s, "right").replace(f'"p1.a" = {_toml_value(round(ref, 6))}', f'"p1.a" = {ref + 3.0!r}')
    (tmp_path / "answers.toml").write_text(answers, encoding="utf-8")
    (tmp_path / VARIANT_FILE).write_text((repo / VARIANT_FILE).read_text())
    lax = make_assignment(BODY.replace("abs = 0.5", "abs = 50"), id="ap-sign")
    for assignment in (course["assignment"], lax):
        report = grade_signed(assignment=assignment, submissions=[tmp_path / "answers.toml"],
                              public_key=course["public"], environ={})
        q = next(q for q in report.submissions[0].questions if q.id == "p1.a")
        assert (q.status, q.points) == ("incorrect", 0.0)


def test_cli_grades_with_the_public_key_and_no_secret(course):
    repo = course["repos"]["s002"]
    env = {k: v for k, v in os.environ.items() if k != "SPIKESET_SECRET"}
    env.update(in_repo(course, "s002"))
    assignment = course["root"] / "assignment.toml"
    assignment.write_text(f'id = "ap-sign"\ntitle = "Grader test"\n{BODY}', encoding="utf-8")
    probe = ("import sys; from spikeset.cli import main; status = main(sys.argv[1:]); "
             "print(status, *sorted({m.split('.')[0] for m in sys.modules}))")
    out = course["root"] / "s002.json"
    p = subprocess.run([sys.executable, "-c", probe, "grade", str(assignment), "answers.toml", "--public-key",
                        str(course["public_path"]), "--json", str(out), "--quiet"],
                       cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    status, *modules = p.stdout.split()
    assert status == "0" and not {"matplotlib", "weasyprint", "jinja2"} & set(modules)
    result = json.loads(out.read_text())["submissions"][0]
    assert result["student"] == "s002" and result["score"] == 18


# ---------------------------------------------------------------- tampering

def tampered_copy(course, tmp_path, edit_payload=None, edit_file=None):
    s = course["sets"][0]
    repo = course["repos"][s.student.id]
    text = (repo / VARIANT_FILE).read_text()
    if edit_payload:
        b64 = text.split('payload = "')[1].split('"')[0]
        payload = json.loads(base64.b64decode(b64))
        edit_payload(payload)
        text = text.replace(b64, base64.b64encode(canonical_json(payload)).decode())
    if edit_file:
        text = edit_file(text)
    (tmp_path / VARIANT_FILE).write_text(text)
    (tmp_path / "answers.toml").write_text((repo / "answers.toml").read_text())
    return grade_signed(assignment=course["assignment"], submissions=[tmp_path], public_key=course["public"],
                        environ=in_repo(course, s.student.id))


def _set_param(payload):
    payload["problems"][0]["params"]["c_out_mM"] += 1.0


def _more_points(payload):
    payload["problems"][0]["questions"][0]["points"] = 100.0


def _other_student(payload):
    payload["student"] = "s002"


def _flip_signature(text):
    sig = text.split('signature = "')[1].split('"')[0]
    raw = bytearray(base64.b64decode(sig))
    raw[0] ^= 1
    return text.replace(sig, base64.b64encode(bytes(raw)).decode())


@pytest.mark.parametrize("edit_payload, edit_file, reason", [
    (_set_param, None, "signature does not match"),
    (_more_points, None, "signature does not match"),
    (_other_student, None, "signature does not match"),
    (None, _flip_signature, "signature does not match"),
    (None, lambda t: t.replace('signature = "', 'signature = "AAAA'), "signature does not match"),
    (None, lambda t: t.replace("format = 1", "format = 7"), "expected format = 1"),
    (None, lambda t: t.replace('key = "', 'key = "0'), "signed with another key"),
    (None, lambda t: t + "[[[", "unreadable signed variant"),
    (None, lambda t: "\x00\xff", "unreadable signed variant"),
])
def test_a_tampered_variant_is_not_graded(course, tmp_path, edit_payload, edit_file, reason):
    report = tampered_copy(course, tmp_path, edit_payload, edit_file)
    assert report.submissions == () and len(report.errors) == 1
    assert reason in report.errors[0].message and VARIANT_FILE in report.errors[0].message


def test_a_variant_signed_with_another_key_is_refused(course, tmp_path):
    other_private, _, _ = write_key_pair(tmp_path / "other")
    s = course["sets"][0]
    (tmp_path / VARIANT_FILE).write_text(signed_variant_text(s, load_signing_key(other_private)))
    (tmp_path / "answers.toml").write_text(filled(s, "right"))
    report = grade_signed(assignment=course["assignment"], submissions=[tmp_path], public_key=course["public"],
                          environ={})
    assert not report.submissions and "signed with another key" in report.errors[0].message


def test_answer_file_without_its_variant_is_not_graded(course, tmp_path):
    (tmp_path / "answers.toml").write_text(filled(course["sets"][0], "right"))
    report = grade_signed(assignment=course["assignment"], submissions=[tmp_path], public_key=course["public"],
                          environ={})
    assert not report.submissions and f"{VARIANT_FILE}: is missing" in report.errors[0].message


def test_answer_file_and_variant_of_different_students_are_not_graded(course, tmp_path):
    (tmp_path / "answers.toml").write_text(filled(course["sets"][1], "right"))
    (tmp_path / VARIANT_FILE).write_text((course["repos"]["s001"] / VARIANT_FILE).read_text())
    report = grade_signed(assignment=course["assignment"], submissions=[tmp_path], public_key=course["public"],
                          environ={})
    assert not report.submissions
    assert "student is 's002' but the signed variant.toml beside it is for 's001'" in report.errors[0].message


def test_a_variant_for_another_assignment_is_not_graded(course):
    other = make_assignment(BODY, id="ap-other")
    report = grade_signed(assignment=other, submissions=[course["repos"]["s001"]], public_key=course["public"],
                          environ={})
    assert not report.submissions and "assignment is 'ap-sign'" in report.errors[0].message


# ---------------------------------------------------------------- the repository binding

@pytest.mark.parametrize("repository, actor, ok", [
    ("org/ap-sign-ann-lee", "ann-lee", True),
    ("org/ap-sign-Ann-Lee", "ANN-LEE", True),         # logins are case-insensitive
    ("org/ap-sign-ann-lee", "teacher", True),          # a teacher re-running the workflow
    ("org/ap-sign-ann-lee", "", True),
    ("ann-lee/ann-lee", "ann-lee", True),
    ("org/ap-sign-bo", "bo", False),                   # Bo committed Ann's files
    ("org/ap-sign-bo", "ann-lee", False),              # Ann pushed into Bo's repository
    ("org/ap-sign-annlee", "annlee", False),
    ("org/ap-sign-x-ann-lee", "x-ann-lee", False),     # x-ann-lee's repository also ends in -ann-lee
    ("org/ap-sign", "ann-lee", False),
])
def test_repository_binding(repository, actor, ok):
    why = repository_binding("s001", "ann-lee", {"GITHUB_REPOSITORY": repository, "GITHUB_ACTOR": actor})
    assert (why is None) == ok
    if not ok:
        assert "signed for student 's001' (GitHub user 'ann-lee')" in why and repository in why


def test_binding_uses_the_student_id_without_a_github_column_and_nothing_outside_actions():
    assert repository_binding("s003", None, {"GITHUB_REPOSITORY": "org/ap-sign-s003"}) is None
    assert repository_binding("s003", None, {"GITHUB_REPOSITORY": "org/ap-sign-bo"}) is not None
    assert repository_binding("s003", None, {}) is None


def test_a_classmates_files_in_my_repository_score_zero_with_the_reason(course):
    report = grade_signed(assignment=course["assignment"], submissions=[course["repos"]["s001"]],
                          public_key=course["public"], environ=in_repo(course, "s002"))
    (result,) = report.submissions
    assert result.score == 0 and result.max_score == 18
    assert all(q.status == "invalid" and "signed for student 's001'" in q.feedback for q in result.questions)
    assert any("course-org/ap-sign-bo" in w for w in result.warnings)


def test_roster_github_column():
    roster = parse_roster("id,name,github\ns001,Ann,@ann-lee\ns002,Bo,\n")
    assert [s.github for s in roster] == ["ann-lee", ""]
    with pytest.raises(Exception, match=r"<roster>:3: github: expected a GitHub user name"):
        parse_roster("id,github\ns001,ann\ns002,bad--name\n")


def test_the_payload_carries_the_github_login_and_versions(course):
    s = course["sets"][0]
    text = signed_variant_text(s, load_signing_key(course["private"]))
    payload = json.loads(base64.b64decode(text.split('payload = "')[1].split('"')[0]))
    assert payload["github"] == "ann-lee" and payload["student"] == "s001"
    assert payload["variant"] == s.fingerprint and payload["spikeset"]
    assert [(p["family"], p["revision"]) for p in payload["problems"]] == \
           [(f, get_family(f).revision) for f in ("nernst", "driving-force", "concepts")]
    assert all(isinstance(q["options"], list) for q in payload["problems"][2]["questions"])


# ---------------------------------------------------------------- files made before signatures

def test_unsigned_answer_files_grade_with_the_secret_as_before(course, tmp_path):
    """A file as every set so far has it (three header lines, no variant.toml) grades with the
    secret; the same file with the new header lines grades the same."""
    s = course["sets"][0]
    old = tmp_path / "old" / "answers.toml"
    new = tmp_path / "new" / "answers.toml"
    old.parent.mkdir()
    new.parent.mkdir()
    old.write_text(sample_submission(s, "partial"), encoding="utf-8")
    header = "".join(line + "\n" for line in blank_answer_file(s).splitlines()
                     if line.startswith(("spikeset = ", "revisions = ")))
    new.write_text(old.read_text().replace("\n\n[answers]", "\n" + header + "\n[answers]"), encoding="utf-8")
    assert "revisions = " in new.read_text() and "revisions" not in old.read_text()
    reports = [grade(assignment=course["assignment"], submissions=[p], secret=SECRET, jobs=1) for p in (old, new)]
    assert not reports[0].errors and points(reports[0]) == points(reports[1])
    assert 0 < reports[0].submissions[0].score < 18


# ---------------------------------------------------------------- files made by another version

def test_a_file_drawn_by_another_revision_is_reported_as_such(course, tmp_path):
    s = course["sets"][0]
    text = filled(s, "right")
    now = {f: get_family(f).revision for f in ("nernst", "driving-force", "concepts")}
    assert f'revisions = "nernst={now["nernst"]}, driving-force={now["driving-force"]}, concepts={now["concepts"]}"' in text
    other = now["nernst"] + 1
    path = tmp_path / "answers.toml"
    path.write_text(text.replace('spikeset = "', 'spikeset = "0.0.9" #').replace(f"nernst={now['nernst']}", f"nernst={other}"))
    report = grade(assignment=course["assignment"], submissions=[path], secret=SECRET, jobs=1)
    (error,) = report.errors
    assert f"made with spikeset 0.0.9 / family nernst revision {other}" in error.message
    assert "regrade with spikeset 0.0.9" in error.message and "copied" not in error.message
    assert error.place == str(text.splitlines().index(next(line for line in text.splitlines()
                                                            if line.startswith("revisions"))) + 1)


def test_a_signed_variant_of_another_revision_is_reported_as_such(course, tmp_path):
    def older(payload):
        payload["problems"][1]["revision"] = 3
        payload["spikeset"] = "0.0.9"
    private, public, _ = write_key_pair(tmp_path / "keys")
    s = course["sets"][0]
    text = resigned(s, load_signing_key(private), older)
    (tmp_path / VARIANT_FILE).write_text(text)
    (tmp_path / "answers.toml").write_text(filled(s, "right"))
    report = grade_signed(assignment=course["assignment"], submissions=[tmp_path / "answers.toml"],
                          public_key=load_public_key(public), environ={})
    (error,) = report.errors
    assert "drawn by spikeset 0.0.9 with family driving-force revision 3" in error.message
    assert "regrade with spikeset 0.0.9" in error.message


def test_another_version_with_an_unknown_variant_is_not_called_copied(course, tmp_path):
    s = course["sets"][0]
    path = tmp_path / "answers.toml"
    path.write_text(filled(s, "right").replace('spikeset = "', 'spikeset = "9.9" #')
                    .replace(s.fingerprint, "0000-0000"))
    (error,) = grade(assignment=course["assignment"], submissions=[path], secret=SECRET, jobs=1).errors
    assert "made with spikeset 9.9; regrade with that version" in error.message
    assert "copied" not in error.message


def test_generate_writes_the_signed_variant_beside_each_answer_file(course, tmp_path):
    from spikeset.render.generate import generate

    key = load_signing_key(course["private"])
    files = generate(assignment=course["assignment"], students=CLASS[:2], secret=SECRET, out_dir=tmp_path,
                     pdf=False, signing_key=key)
    for s, folder in zip(course["sets"], files.student_dirs):
        assert (folder / VARIANT_FILE).read_text() == signed_variant_text(s, key)  # Ed25519 is deterministic
    report = grade_signed(assignment=course["assignment"], submissions=[tmp_path / "students"],
                          public_key=course["public"], environ={})
    assert not report.errors and [s.student for s in report.submissions] == ["s001", "s002"]
    assert all(q.status == "missing" for s in report.submissions for q in s.questions)


def test_instructor_grades_a_folder_of_cloned_repositories_with_the_secret(course, tmp_path):
    """The high-stakes command of the README: every clone graded with the secret; a classmate's
    answer file in someone's repository is named."""
    clones = tmp_path / "student-repos"
    for sid, repo in course["repos"].items():
        shutil.copytree(repo, clones / repo.name)
        (clones / repo.name / ".github" / "spikeset").mkdir(parents=True)
        (clones / repo.name / ".github" / "spikeset" / "assignment.toml").write_text("id = 'edited'\n")
    shutil.copy(course["repos"]["s001"] / "answers.toml", clones / "ap-sign-bo" / "answers.toml")
    (tmp_path / "roster.csv").write_text("id,name,github\n" + "".join(
        f"{s.id},{s.name},{s.github}\n" for s in CLASS))
    assignment = tmp_path / "assignment.toml"
    assignment.write_text(f'id = "ap-sign"\ntitle = "Grader test"\n{BODY}', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env["SPIKESET_SECRET"] = SECRET.decode()
    p = subprocess.run([sys.executable, "-m", "spikeset", "grade", str(assignment), "student-repos/", "--roster",
                        "roster.csv", "--gradebook", "grades.csv", "--json", "grades.json", "--quiet"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    report = json.loads((tmp_path / "grades.json").read_text())
    by_file = {Path(s["file"]).parent.name: s for s in report["submissions"]}
    assert sorted(by_file) == ["ap-sign-ann-lee", "ap-sign-bo", "ap-sign-s003"] and not report["errors"]
    assert by_file["ap-sign-bo"]["student"] == "s001" and by_file["ap-sign-ann-lee"]["score"] == 18
    assert any("sits in the repository of student 's002' (GitHub user 'bo')" in w
               for w in by_file["ap-sign-bo"]["warnings"])
    assert any("also submitted" in w for s in by_file.values() for w in s["warnings"])
    assert not any("sits in" in w for w in by_file["ap-sign-s003"]["warnings"])


def test_a_named_pipe_as_variant_is_refused_without_blocking(course, tmp_path):
    (tmp_path / "answers.toml").write_text(filled(course["sets"][0], "right"))
    os.mkfifo(tmp_path / VARIANT_FILE)
    report = grade_signed(assignment=course["assignment"], submissions=[tmp_path], public_key=course["public"],
                          environ={})
    assert not report.submissions and "is not a regular file" in report.errors[0].message


def test_a_signed_payload_that_does_not_fit_is_not_graded(course, tmp_path):
    """Signed by the instructor's key, but not a variant this spikeset can use (a question key
    the family does not have): the file is not graded, nothing crashes."""
    def unknown_question(payload):
        payload["problems"][0]["questions"][0]["key"] = "zz"
    s = course["sets"][0]
    text = resigned(s, load_signing_key(course["private"]), unknown_question)
    (tmp_path / VARIANT_FILE).write_text(text)
    (tmp_path / "answers.toml").write_text(filled(s, "right"))
    report = grade_signed(assignment=course["assignment"], submissions=[tmp_path], public_key=course["public"],
                          environ={})
    assert not report.submissions and "does not fit this spikeset (KeyError)" in report.errors[0].message


def test_canonical_json_is_one_text_per_value():
    import numpy as np

    assert canonical_json({"b": np.float64(-70.25), "a": [np.int64(3), (1, 2)], "c": "K+"}) == \
           canonical_json({"c": "K+", "a": [3, [1, 2]], "b": -70.25}) == b'{"a":[3,[1,2]],"b":-70.25,"c":"K+"}'
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})
    with pytest.raises(TypeError, match="not ndarray"):
        canonical_json({"x": np.zeros(2)})


@pytest.mark.parametrize("answers", ['"p1.a" = ' + "9" * 5000, '"p9" = ' + "[" * 1500 + "]" * 1500])
def test_hostile_answer_files_cost_only_themselves(course, tmp_path, answers):
    bad = tmp_path / "bad"
    shutil.copytree(course["repos"]["s001"], bad)
    text = (bad / "answers.toml").read_text().replace("[answers]", "[answers]\n" + answers, 1)
    (bad / "answers.toml").write_text(text)
    shutil.copytree(course["repos"]["s002"], tmp_path / "good")
    report = grade_signed(assignment=course["assignment"], submissions=[tmp_path], public_key=course["public"],
                          environ={})
    good = next(s for s in report.submissions if s.student == "s002")
    assert good.score == 18, "the other student's grade is intact"
    if '"p1.a"' in answers:  # a value that cannot be read costs only its line: the file is graded
        bad_result = next(s for s in report.submissions if s.student == "s001")
        assert next(q for q in bad_result.questions if q.id == "p1.a").status == "invalid"
        assert not report.errors
    else:  # nesting past the limit: the file is refused, with the reason
        assert [s.student for s in report.submissions] == ["s002"]
        assert len(report.errors) == 1 and "bad" in report.errors[0].file


def test_every_family_recomputes_the_same_variant_from_its_signed_payload():
    """For every family, simulations included: the reference answers, tolerances, points and
    option order rebuilt from the payload (JSON round trip) equal those drawn with the secret."""
    from spikeset.variants.assemble import assemble_signed
    from spikeset.variants.registry import all_families

    body = "".join(f'[[problems]]\nfamily = "{fid}"\npoints = 4\n' for fid in sorted(all_families()))
    assignment = make_assignment(body, id="ap-all")
    for s in assemble(assignment, CLASS[:2], SECRET):
        rebuilt = assemble_signed(assignment, json.loads(canonical_json(variant_payload(s))))
        assert rebuilt.fingerprint == s.fingerprint and rebuilt.student.github == s.student.github
        assert list(rebuilt.questions) == list(s.questions)
        for qid, q in s.questions.items():
            r = rebuilt.questions[qid]
            assert (r.reference, r.points, r.type) == (q.reference, q.points, q.type), qid
            assert [(lab, o.id, o.correct) for lab, o in r.labelled] == \
                   [(lab, o.id, o.correct) for lab, o in q.labelled]
            if q.type == "numeric":
                assert r.question.tolerance == q.question.tolerance
                assert r.question.misconceptions == q.question.misconceptions, qid
