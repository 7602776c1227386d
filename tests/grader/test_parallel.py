"""Grading a batch in forked worker processes gives exactly the report of one process."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import load_assignment
from spikeset.cli.demo import STYLES, sample_submission
from spikeset.grade.grading import grade
from spikeset.parallel import can_fork, deal, map_forked, undeal, usable_cores
from spikeset.variants.roster import Student
from spikeset.solutions.hh_model import HHParams
from spikeset.solutions.hh_solver import simulate
from spikeset.solutions.hh_stimulus import Stimulus

from grader_helpers import SECRET

needs_fork = pytest.mark.skipif(not can_fork(), reason="forked workers are used on Linux only")

ASSIGNMENT = """id = "par"
title = "Parallel grading"
[[problems]]
family = "nernst"
points = 4
[[problems]]
family = "sim-threshold"
points = 4
[[problems]]
family = "rise-vs-fall"
points = 4
"""


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """12 answer files: every sample style, a broken file, a second file of one student, a copied file."""
    root = tmp_path_factory.mktemp("par")
    path = root / "assignment.toml"
    path.write_text(ASSIGNMENT, encoding="utf-8")
    assignment = load_assignment(path)
    students = [Student(id=f"s{i:02d}") for i in range(10)]
    subs = root / "subs"
    for i, s in enumerate(assemble(assignment, students, SECRET)):
        d = subs / s.student.id
        d.mkdir(parents=True)
        (d / "answers.toml").write_text(sample_submission(s, STYLES[i % len(STYLES)]), encoding="utf-8")
    (subs / "s03" / "answers.toml").write_text("student = \n", encoding="utf-8")
    shutil.copy(subs / "s01" / "answers.toml", subs / "s09" / "answers-2.toml")       # s01's second file
    (subs / "zz").mkdir()
    text = (subs / "s02" / "answers.toml").read_text(encoding="utf-8")
    (subs / "zz" / "answers.toml").write_text(text.replace('"s02"', '"s05"'), encoding="utf-8")  # copied
    return assignment, subs


@needs_fork
def test_forked_workers_give_the_same_report(batch, monkeypatch):
    import spikeset.parallel as parallel

    assignment, subs = batch
    outcomes = []
    real = parallel.map_forked
    monkeypatch.setattr(parallel, "map_forked", lambda *a: outcomes.append(real(*a)) or outcomes[-1])
    # the parent has used the solver's thread pool before forking
    simulate(HHParams(g_Na=[120.0, 110.0]), Stimulus.pulse([10.0, 10.0], 1.0, 1.0), 10.0, n_threads=2)
    one = grade(assignment=assignment, submissions=[subs], secret=SECRET, jobs=1)
    for jobs in (2, 3, 5):
        many = grade(assignment=assignment, submissions=[subs], secret=SECRET, jobs=jobs)
        assert many.to_dict(reveal=True) == one.to_dict(reveal=True)
        assert len(outcomes[-1]) == jobs                # the workers did the grading
    assert len(one.submissions) == 10 and len(one.errors) == 2
    assert any("also submitted" in w for s in one.submissions for w in s.warnings)


def test_default_jobs_grade_a_small_batch_here(batch, monkeypatch):
    """Below MIN_FILES_PER_JOB files per core no worker is started."""
    import spikeset.parallel as parallel

    assignment, subs = batch
    monkeypatch.setattr(parallel, "map_forked", lambda *a: pytest.fail("forked for a small batch"))
    assert len(grade(assignment=assignment, submissions=[subs], secret=SECRET).submissions) == 10


def test_deal_spreads_items_and_undeal_restores_their_order():
    for n in range(0, 30):
        for hands in range(1, 7):
            dealt = deal(list(range(n)), hands)
            assert undeal(dealt) == list(range(n))
            assert sorted(x for h in dealt for x in h) == list(range(n))
            assert len(dealt) == max(1, min(hands, n)) and (all(dealt) or n == 0)
            assert max(map(len, dealt)) - min(map(len, dealt)) <= 1
            assert all(x % len(dealt) == i for i, h in enumerate(dealt) for x in h)


def _fail_on_two(chunk):
    if chunk == [2]:
        raise ValueError("boom")
    return chunk


@needs_fork
def test_map_forked_results_in_order_and_none_on_failure():
    assert map_forked(lambda c: [x * 10 for x in c], [[1], [2, 3], [4]]) == [[10], [20, 30], [40]]
    assert map_forked(_fail_on_two, [[1], [2]]) is None     # failed in a worker
    assert map_forked(_fail_on_two, [[2], [1]]) is None     # failed here
    assert map_forked(lambda c: c, [[1]]) is None          # one chunk: the caller works itself


@needs_fork
def test_workers_share_the_cores_between_their_solvers():
    before = os.environ.get("SPIKESET_THREADS")
    seen = map_forked(lambda c: (os.getpid(), os.environ["SPIKESET_THREADS"]), [[1], [2]])
    assert [threads for _, threads in seen] == [str(max(1, usable_cores() // 2))] * 2
    assert seen[0][0] == os.getpid() != seen[1][0]            # the first chunk runs here
    assert os.environ.get("SPIKESET_THREADS") == before       # restored afterwards


def test_cli_refuses_zero_jobs(batch, tmp_path):
    assignment, subs = batch
    p = subprocess.run([sys.executable, "-m", "spikeset", "grade", str(assignment.source), str(subs),
                        "--jobs", "0"], capture_output=True, text=True,
                       env={**os.environ, "SPIKESET_SECRET": SECRET.decode()})
    assert p.returncode == 2 and "--jobs" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_grading_collects_garbage_rarely_and_restores_the_collector(batch, monkeypatch):
    import gc

    import spikeset.grade.grading as grading

    assignment, subs = batch
    seen = []
    real = grading._grade_files
    monkeypatch.setattr(grading, "_grade_files", lambda *a: seen.append(gc.get_threshold()) or real(*a))
    before = gc.get_threshold()
    grade(assignment=assignment, submissions=[subs], secret=SECRET, jobs=1)
    assert seen[0][0] >= 100_000 and gc.get_threshold() == before


@needs_fork
def test_json_prepared_by_the_workers_is_the_report(batch):
    """Also for a student with two files, whose result gets a warning after the workers are done."""
    from spikeset.grade.report_json import json_text, layered_json

    assignment, subs = batch
    for jobs in (1, 2):
        report = grade(assignment=assignment, submissions=[subs], secret=SECRET, jobs=jobs, prepare_json=True)
        assert json_text(report, reveal=True) == layered_json(report.to_dict(reveal=True), depth=4) + "\n"
        assert any(s.prepared_json is None for s in report.submissions)      # the warned one
