"""Malformed submissions: every one gets a clear message naming file and place; the batch goes on."""
from __future__ import annotations

import dataclasses
import os
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

from spikeset.assignment import load_assignment
from grader_helpers import GRADER_ASSIGNMENT
from spikeset.grading import grade
from spikeset.roster import Student
from spikeset.seeding import variant_fingerprint

from grader_helpers import SECRET

CORPUS = Path(__file__).parent / "corpus"
ROSTER = [Student(f"s00{i}") for i in range(1, 6)]

# file -> (where the message is: "error" or a question id or "warning", text it must contain, line)
EXPECTED = {
    "01-broken-toml": ("error", "malformed TOML (Expected ']'", "5"),
    "02-json-instead-of-toml": ("error", "looks like JSON; expected TOML", "1"),
    "03-duplicate-key": ("p1.a", "answered more than once (lines 6 and 7)", 6),
    "04-student-not-a-string": ("error", "student: expected a non-empty string, got 42", "1"),
    "05-nan": ("p1.a", "expected a finite number, got nan", 6),
    "06-inf": ("p1.a", "expected a finite number, got -inf", 6),
    "07-overflow": ("p2.a", "expected a finite number, got '1e308 V'", 7),
    "08-empty-strings": ("p1.b", "No answer.", 7),
    "09-binary-junk": ("error", "binary data (NUL bytes)", "1"),
    "10-not-utf8": ("error", "not UTF-8 text", "6"),
    "11-other-students-file": ("error", "it is the variant of student 's002'", "3"),
    "12-missing-variant": ("error", "missing 'variant'", "variant"),
    "13-wrong-assignment": ("error", "assignment is 'ap-other'; expected 'ap-demo'", "2"),
    "14-unknown-question": ("warning", ":6: unknown question id 'p9.z'", None),
    "15-nested-tables": ("warning", ":6: unknown question id 'p1.a.x'", None),
    "16-array-answer": ("p1.a", "expected a number, got an array", 6),
    "17-huge-number-string": ("p1.a", "expected a finite number, got '9999", 6),
    "18-huge-garbage-string": ("p1.a", "expected a number (optionally with a unit), got 'xxx", 6),
    "19-empty-file": ("error", "the file is empty", "1"),
    "20-only-a-comment": ("error", "missing 'student'", "student"),
    "21-answers-not-a-table": ("error", "answers: expected a table, got 5", "4"),
    "22-no-answers-table": ("error", "missing the [answers] table", "[answers]"),
    "23-date-answer": ("p1.a", "expected a number, got a date", 6),
    "24-boolean-answer": ("p1.a", "expected a number, got true", 6),
    "25-number-for-a-choice": ("p2.c", "expected the letter of an option", 6),
    "26-unknown-letter": ("p2.c", "expected one of the letters", 6),
    "27-wrong-unit": ("p1.a", "the unit 'mS' is not a voltage; the answer is asked in mV", 6),
    "28-unknown-unit": ("p1.a", "unknown unit 'blorps'", 6),
    "29-bad-student-id": ("error", "student: expected a student id", "1"),
    "30-trace-with-text": ("p1.a", "text in a numeric column", 8),
    "31-trace-climbs-out": ("p1.a", "climbs out of the submission folder", 8),
    "32-trace-absolute": ("p1.a", "an absolute path", 8),
    "33-traces-not-a-table": ("error", "traces: expected a table", "4"),
    "34-inline-table": ("p1.a", "got 'minus ninety'", 6),
    "35-deeply-nested-array": ("error", "nested too deeply", "1"),
    "36-huge-variant": ("error", "variant: 1000 characters", "3"),
    "37-multiline-string": ("p1.a", "", 6),
    "38-unicode-lookalike-key": ("warning", "unknown question id 'p1.a\\u202e'", None),
    "39-trace-non-monotonic": ("p1.a", "time is not increasing", 8),
    "40-trace-not-a-string": ("p1.a", "expected a relative path", 8),
    "41-header-is-a-table": ("error", "student: expected a non-empty string", "1"),
    "42-crlf-bom-valid": ("p1.a", "Not within the accepted tolerance", 6),
    # generated in tmp_path by the test
    "90-ten-megabytes": ("error", "an answer file is at most 1000000 bytes", None),
    "91-symlinked-answer-file": ("error", "is a symbolic link", None),
    "92-ten-million-row-trace": ("p1.a", "at most 5000000 bytes are read", 8),
    "93-symlinked-trace": ("p1.a", "a symbolic link", 8),
}


@pytest.fixture
def trace_question(monkeypatch):
    """p1.a (nernst) accepts a trace in these tests; the feature extractor is a stand-in."""
    import spikeset.problems.nernst.problem as nernst

    original = nernst.questions

    def questions(params, solution):
        return [dataclasses.replace(q, trace_feature="peak") if q.key == "a" else q
                for q in original(params, solution)]
    monkeypatch.setattr(nernst, "questions", questions)
    module = types.ModuleType("spikeset.solutions.spike_features")
    module.spike_features = lambda t, v: types.SimpleNamespace(peak=float(np.max(v)))
    monkeypatch.setitem(sys.modules, "spikeset.solutions.spike_features", module)


def generated(tmp_path: Path) -> Path:
    folder = tmp_path / "generated"
    (folder / "traces").mkdir(parents=True)
    head = f'student = "s001"\nassignment = "ap-demo"\nvariant = "{variant_fingerprint(SECRET, "ap-demo", "s001")}"\n'
    with open(folder / "90-ten-megabytes.answers.toml", "w") as fh:
        fh.write(head + "[answers]\n")
        fh.write(("# padding " + "x" * 90 + "\n") * 100_000)
    os.symlink(CORPUS / "42-crlf-bom-valid.answers.toml", folder / "91-symlinked-answer-file.answers.toml")
    with open(folder / "traces" / "huge.csv", "wb") as fh:
        for _ in range(100):
            fh.write(b"0.001,-65.000\n" * 100_000)
    trace = '\n[answers]\n"p1.a" = ""\n[traces]\n"p1.a" = "traces/{}"\n'
    (folder / "92-ten-million-row-trace.answers.toml").write_text(head + trace.format("huge.csv"))
    os.symlink(CORPUS / "traces" / "text.csv", folder / "traces" / "link.csv")
    (folder / "93-symlinked-trace.answers.toml").write_text(head + trace.format("link.csv"))
    return folder


def test_whole_corpus_in_one_batch(tmp_path, trace_question):
    assert len(list(CORPUS.glob("*.toml"))) >= 30
    assignment = load_assignment(GRADER_ASSIGNMENT)
    start = time.perf_counter()
    report = grade(assignment=assignment, submissions=[CORPUS, generated(tmp_path)], secret=SECRET, roster=ROSTER)
    assert time.perf_counter() - start < 20
    errors = {Path(e.file).name.split(".")[0]: e for e in report.errors}
    subs = {Path(s.file).name.split(".")[0]: s for s in report.submissions}
    assert set(errors) | set(subs) == set(EXPECTED)
    assert not set(errors) & set(subs)
    for name, (where, text, line) in EXPECTED.items():
        if where == "error":
            assert name in errors, f"{name} should not be graded"
            e = errors[name]
            assert text in e.message and name in e.message, (name, e.message)
            if line is not None:
                assert e.place == line, (name, e.place)
            assert len(e.message) < 400
            continue
        assert name in subs, f"{name} should be graded: {errors.get(name)}"
        s = subs[name]
        if where == "warning":
            assert any(text in w and name in w for w in s.warnings), (name, s.warnings)
            continue
        q = next(q for q in s.questions if q.id == where)
        assert text in q.feedback, (name, q.feedback)
        assert q.line == line, (name, q.line)
        assert len(q.feedback) < 400
        if "trace" in name:
            assert q.status == "invalid" and (name in q.feedback or ".csv:" in q.feedback)  # file named


def test_cli_survives_the_corpus(tmp_path):
    import subprocess
    env = {**os.environ, "SPIKESET_SECRET": SECRET.decode()}
    p = subprocess.run([sys.executable, "-m", "spikeset", "grade", str(GRADER_ASSIGNMENT), str(CORPUS),
                        "--json", str(tmp_path / "r.json"), "--junit", str(tmp_path / "r.xml"),
                        "--html", str(tmp_path / "html"), "--gradebook", str(tmp_path / "g.csv"),
                        "--markdown", str(tmp_path / "r.md")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 1 and "Traceback" not in p.stderr + p.stdout and p.stderr == ""
    import json
    d = json.loads((tmp_path / "r.json").read_text())
    assert len(d["errors"]) >= 15 and len(d["submissions"]) >= 15
