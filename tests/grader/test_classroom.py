"""The GitHub Classroom example, run locally: the workflow's grade command, then the result object."""
from __future__ import annotations

import base64
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spikeset.grade.answer_file import parse_answer_text
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import load_assignment
from spikeset.cli.demo import sample_submission
from spikeset.grade.grading import grade_submission
from spikeset.variants.roster import Student
from spikeset.variants.signing import (PUBLIC_KEY_FILE, VARIANT_FILE, load_signing_key, signed_variant_text,
                              write_key_pair)

from grader_helpers import SECRET

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "github-classroom"
WORKFLOW = EXAMPLE / ".github" / "workflows" / "classroom.yml"


def grade_step_command() -> list[str]:
    text = WORKFLOW.read_text(encoding="utf-8")
    step = text[text.index("id: spikeset"):]
    command = re.search(r"^\s*run: (spikeset grade .*)$", step, re.M).group(1)
    return shlex.split(command)


def test_workflow_wires_the_output_to_the_reporter():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "name: Autograding Tests" in text and "run-autograding-tests:" in text
    assert 'SPIKESET_RESULTS: "${{ steps.spikeset.outputs.result }}"' in text
    assert "runners: spikeset" in text
    assert "--github-classroom" in grade_step_command()


def test_workflow_holds_no_secret_and_installs_a_pinned_spikeset():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "secrets." not in text and "SPIKESET_SECRET" not in text
    assert "--public-key" in grade_step_command()
    install = re.search(r"^\s*run: python -m pip install (.*)$", text, re.M).group(1)
    assert re.search(r'"spikeset==\d+\.\d+(\.\d+)?"|@v\d', install), install


@pytest.fixture
def repo(tmp_path):
    """The template repository as octocat's Classroom repository: the instructor's public key in
    .github/spikeset/ and octocat's signed variant.toml at the root (the secret stays outside)."""
    dest = tmp_path / "repo"
    shutil.copytree(EXAMPLE, dest)
    private, public, _ = write_key_pair(tmp_path / "keys")
    shutil.copy(public, dest / ".github" / "spikeset" / PUBLIC_KEY_FILE)
    assignment = load_assignment(dest / ".github/spikeset/assignment.toml")
    student_set = assemble(assignment, [Student(id="octocat")], SECRET)[0]
    (dest / VARIANT_FILE).write_text(signed_variant_text(student_set, load_signing_key(private)))
    return dest


def run_workflow_step(repo: Path, tmp_path: Path):
    output = tmp_path / "github_output"
    summary = tmp_path / "step_summary"
    output.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("SPIKESET_SECRET", "NO_COLOR")}
    env.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary),
               GITHUB_REPOSITORY="course-org/ap-classroom-octocat", GITHUB_ACTOR="octocat")
    argv = grade_step_command()
    assert argv[0] == "spikeset"
    p = subprocess.run([sys.executable, "-m", "spikeset", *argv[1:]], cwd=repo, env=env,
                       capture_output=True, text=True, timeout=120)
    lines = [ln for ln in output.read_text().splitlines() if ln.startswith("result=")]
    result = json.loads(base64.b64decode(lines[-1].split("=", 1)[1])) if lines else None
    return p, result, summary


@pytest.mark.parametrize("style", ["right", "misconception", "units", "partial"])
def test_result_object_matches_the_points(repo, tmp_path, style):
    assignment = load_assignment(repo / ".github/spikeset/assignment.toml")
    student_set = assemble(assignment, [Student(id="octocat")], SECRET)[0]
    text = sample_submission(student_set, style)
    (repo / "answers.toml").write_text(text, encoding="utf-8")
    expected = grade_submission(student_set, parse_answer_text(text))

    p, result, summary = run_workflow_step(repo, tmp_path)
    assert p.returncode == 0
    assert p.stderr == ""
    assert result["version"] == 1
    assert result["max_score"] == pytest.approx(expected.max_score) == pytest.approx(14)
    assert sum(t["score"] for t in result["tests"]) == pytest.approx(expected.score)
    assert [t["name"] for t in result["tests"]] == [q.id for q in expected.questions]
    for t, q in zip(result["tests"], expected.questions):
        assert t["score"] == pytest.approx(q.points) and t["max_score"] == pytest.approx(q.max_points)
        assert t["status"] == ("pass" if q.status == "correct" and q.points == q.max_points else "fail")
        assert {"message", "line_no", "execution_time"} <= set(t)
    assert result["status"] == ("pass" if expected.score == expected.max_score else "fail")
    assert "# Grades" in summary.read_text()


def test_fractional_scores_survive(repo, tmp_path):
    assignment = load_assignment(repo / ".github/spikeset/assignment.toml")
    s = assemble(assignment, [Student(id="octocat")], SECRET)[0]
    text = sample_submission(s, "right").replace('"p1.b" = ', '"p1.b" = 0 # ', 1)
    (repo / "answers.toml").write_text(text, encoding="utf-8")
    p, result, _ = run_workflow_step(repo, tmp_path)
    scores = [t["score"] for t in result["tests"]]
    assert any(x != int(x) for x in scores)            # half points (driving-force: 8 pt over 5 questions)
    assert sum(scores) == pytest.approx(14.0 - s.questions["p1.b"].points)


def test_unfilled_template_is_an_error_result(repo, tmp_path):
    p, result, _ = run_workflow_step(repo, tmp_path)
    assert p.returncode == 1 and result["status"] == "error"
    assert result["tests"][0]["status"] == "error" and "answers.toml" in result["tests"][0]["name"]
    assert "spikeset: note" not in p.stderr


def test_no_secret_note_on_stderr_in_classroom_mode(repo, tmp_path):
    p, result, _ = run_workflow_step(repo, tmp_path)
    assert p.stderr == "" and result["version"] == 1


def test_a_classmates_files_score_zero_in_my_repository(repo, tmp_path):
    assignment = load_assignment(repo / ".github/spikeset/assignment.toml")
    student_set = assemble(assignment, [Student(id="octocat")], SECRET)[0]
    (repo / "answers.toml").write_text(sample_submission(student_set, "right"), encoding="utf-8")
    shutil.move(repo, tmp_path / "ap-classroom-hubot")
    output = tmp_path / "github_output"
    output.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("SPIKESET_SECRET", "NO_COLOR")}
    env.update(GITHUB_OUTPUT=str(output), GITHUB_REPOSITORY="course-org/ap-classroom-hubot", GITHUB_ACTOR="hubot")
    p = subprocess.run([sys.executable, "-m", "spikeset", *grade_step_command()[1:]],
                       cwd=tmp_path / "ap-classroom-hubot", env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    line = [ln for ln in output.read_text().splitlines() if ln.startswith("result=")][-1]
    result = json.loads(base64.b64decode(line.split("=", 1)[1]))
    assert sum(t["score"] for t in result["tests"]) == 0 and result["max_score"] == 14
    assert all("signed for student 'octocat'" in t["message"] for t in result["tests"])
