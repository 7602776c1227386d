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

from spikeset.variants.assignment import load_assignment
from grader_helpers import GRADER_ASSIGNMENT
from spikeset.grade.grading import grade
from spikeset.variants.roster import Student
from spikeset.variants.seeding import variant_fingerprint

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
    # hostile submissions added with issue 10: misreadings, isolation, limits (see also EXTRA)
    "43-decimal-comma": ("p1.a", "has a decimal comma; write -66.33 mV, with a decimal point", 6),
    "44-thousands-separator": ("p2.b", "thousands separator; write -32110.07 nA/cm^2", 6),
    "45-space-inside-number": ("p1.a", "has a space inside the number", 6),
    "46-arithmetic-product": ("p2.a", "'2 mV*3' is a calculation", 6),
    "47-arithmetic-division": ("p2.a", "'1e3/2' is a calculation", 6),
    "48-two-numbers": ("p1.a", "holds two numbers", 6),
    "49-times-ten-power": ("p2.b", "write -3.211e1 uA/cm^2", 6),
    "50-lowercase-mv-right": ("p1.a", "Correct.", 6),
    "51-megavolts": ("p1.a", "megavolts (MV)? write mV", 6),
    "52-lowercase-current-density-right": ("p2.b", "Correct.", 6),
    "53-micro-sign-superscript-right": ("p2.b", "Correct.", 6),
    "54-lowercase-mm-concentration-right": ("p1.b", "Correct.", 6),
    "55-quoted-and-dotted-twice": ("p1.a", "answered more than once (lines 6 and 7)", 6),
    "56-inline-table-and-quoted": ("p1.a", "answered more than once (lines 6 and 7)", 6),
    "57-subtable-and-quoted": ("p1.a", "answered more than once (lines 6 and 10)", 6),
    "58-unquoted-value-with-unit": ("p1.a", 'quote a value that has a unit: "p1.a" = "-66.33 mV"', 6),
    "59-unquoted-choice-letter": ("p2.c", 'quote a choice letter: "p2.c" = "c"', 6),
    "60-syntax-error-one-line": ("p2.a", "line 7: malformed TOML (Invalid value)", 7),
    "61-huge-bare-integer": ("p1.a", "line 6: malformed TOML (a number of more than 4300 digits)", 6),
    "62-big-integer-under-limit": ("p1.a", "expected a finite number", 6),
    "63-deep-table-header": ("warning", ":8: malformed TOML (a key of more than 8 parts", None),
    "64-deep-dotted-key": ("warning", ":7: malformed TOML (a key of more than 8 parts", None),
    "65-deep-inline-tables": ("error", "nested too deeply", "1"),
    "66-header-syntax-error": ("error", "malformed TOML (Invalid value); missing 'student'", "1"),
    "67-student-given-twice": ("error", "malformed TOML (Cannot overwrite a value)", "2"),
    "68-percent-on-a-voltage": ("p1.a", "the unit '%' does not fit; the answer is asked in mV", 6),
    "69-unicode-minus-right": ("p1.a", "Correct.", 6),
    "70-fullwidth-digits": ("p1.a", "digits other than 0-9", 6),
    "71-arabic-indic-digits": ("p1.a", "digits other than 0-9", 6),
    "72-bidi-override-in-value": ("p1.a", "got '\\u202e-66.33 mV'", 6),
    "73-zero-width-space": ("p1.a", "got '-66.33\\u200bmV'", 6),
    "74-no-break-space-right": ("p1.a", "Correct.", 6),
    "75-exponent-right": ("p1.a", "Correct.", 6),
    "76-volts-right": ("p1.a", "Correct.", 6),
    "77-leading-plus-right": ("p1.b", "Correct.", 6),
    "78-nan-with-unit": ("p1.a", "expected a number (optionally with a unit), got 'NaN mV'", 6),
    "79-semicolon-two-answers": ("p2.a", "holds two numbers", 6),
    "80-celsius-for-a-voltage": ("p1.a", "the unit '°C' is not a voltage", 6),
    "81-unit-injection": ("p1.a", "expected a number (optionally with a unit)", 6),
    "82-python-expression": ("p1.a", "expected a number (optionally with a unit)", 6),
    "83-long-comment-line": ("p1.a", "Correct.", 6),
    "84-key-with-escape": ("warning", "unknown question id 'p1.a\\x1b[2J'", None),
    "85-array-of-answers-tables": ("error", "answers: expected a table", "answers"),
    "86-trace-subnormal-steps": ("p1.a", "time step of 1e-320 ms", 9),
    "87-trace-underscore-numbers": ("p1.a", "text in a numeric column ('1_0,-60')", 9),
    "88-trace-is-a-folder": ("p1.a", "not a regular file", 9),
    "89-comma-ambiguous": ("p1.b", "write 3.338 mM or 3338 mM, with no comma", 6),
    # generated in tmp_path by the test
    "90-ten-megabytes": ("error", "an answer file is at most 1000000 bytes", None),
    "91-symlinked-answer-file": ("error", "is a symbolic link", None),
    "92-ten-million-row-trace": ("p1.a", "at most 5000000 bytes are read", 8),
    "93-symlinked-trace": ("p1.a", "a symbolic link", 8),
    "94-named-pipe": ("error", "is a named pipe; expected an answer file", None),
    "95-undecodable-\\xff\\xfe-name": ("p1.a", "Correct.", 6),
    "96-control-\\x1b[31m-\\x0a-name": ("p1.a", "Correct.", 6),
}

#: Other answers of some files: graded as if the broken line were not there (status by question).
EXTRA = {
    "43-decimal-comma": {"p2.c": "correct"},
    "55-quoted-and-dotted-twice": {"p2.c": "correct"},
    "57-subtable-and-quoted": {"p2.c": "correct"},
    "58-unquoted-value-with-unit": {"p2.c": "correct"},
    "59-unquoted-choice-letter": {"p1.a": "correct"},
    "60-syntax-error-one-line": {"p1.a": "correct", "p2.c": "correct"},
    "61-huge-bare-integer": {"p2.c": "correct"},
    "63-deep-table-header": {"p1.a": "correct"},
    "64-deep-dotted-key": {"p1.a": "correct"},
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
    hostile_names(folder)
    return folder


def hostile_names(folder: Path) -> Path:
    """A named pipe, a name that is not UTF-8 and one with control characters, all called answers."""
    right = (CORPUS / "69-unicode-minus-right.answers.toml").read_bytes()
    os.mkfifo(folder / "94-named-pipe.answers.toml")
    with open(os.path.join(os.fsencode(folder), b"95-undecodable-\xff\xfe-name.answers.toml"), "wb") as fh:
        fh.write(right)
    (folder / "96-control-\x1b[31m-\n-name.answers.toml").write_bytes(right)
    return folder


def test_whole_corpus_in_one_batch(tmp_path, trace_question):
    assert len(list(CORPUS.glob("*.toml"))) >= 89
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
        if text == "Correct.":
            assert q.status == "correct" and q.points == q.max_points, (name, q.feedback)
        elif name >= "43":
            assert q.status in ("invalid", "incorrect") and q.points == 0, (name, q.status)
        for qid, status in EXTRA.get(name, {}).items():
            other = next(o for o in s.questions if o.id == qid)
            assert other.status == status, (name, qid, other.feedback)
    for text in [e.file + e.message for e in report.errors] + [s.file + " ".join(s.warnings) for s in subs.values()]:
        assert text.isprintable(), text   # names and messages escaped: no control, bidi or surrogate characters


def outcome(report):
    """What a one-file report says: the error, or each question's status, points, feedback and line."""
    if report.errors:
        (e,) = report.errors
        return e.message, e.place
    (s,) = report.submissions
    return [(q.id, q.status, q.points, q.feedback, q.line) for q in s.questions]


def test_each_new_file_alone_as_in_the_batch(trace_question):
    """Isolation: a file graded alone gets exactly what it gets among all the others."""
    assignment = load_assignment(GRADER_ASSIGNMENT)
    files = sorted(p for p in CORPUS.glob("*.toml") if p.name >= "43")
    assert len(files) >= 47
    batch = grade(assignment=assignment, submissions=files, secret=SECRET, roster=ROSTER, jobs=1)
    by_file = {e.file: ("error", e) for e in batch.errors} | {s.file: ("sub", s) for s in batch.submissions}
    assert len(by_file) == len(files)
    for path in files:
        alone = grade(assignment=assignment, submissions=[path], secret=SECRET, roster=ROSTER, jobs=1)
        kind, item = by_file[str(path)]
        together = outcome(dataclasses.replace(batch, errors=(item,), submissions=()) if kind == "error"
                           else dataclasses.replace(batch, errors=(), submissions=(item,)))
        assert outcome(alone) == together, path.name


def test_cli_survives_the_corpus(tmp_path):
    import json
    import subprocess
    import xml.etree.ElementTree as ET

    (tmp_path / "hostile").mkdir()
    hostile = hostile_names(tmp_path / "hostile")
    out = tmp_path / "out"
    env = {**os.environ, "SPIKESET_SECRET": SECRET.decode(), "GITHUB_OUTPUT": str(tmp_path / "gh-output")}
    p = subprocess.run([sys.executable, "-m", "spikeset", "grade", str(GRADER_ASSIGNMENT), str(CORPUS), str(hostile),
                        "--json", str(out / "r.json"), "--junit", str(out / "r.xml"),
                        "--html", str(out / "html"), "--gradebook", str(out / "g.csv"),
                        "--markdown", str(out / "r.md"), "--github-classroom"],
                       capture_output=True, env=env, timeout=120)
    stdout, stderr = p.stdout.decode(), p.stderr.decode()
    assert p.returncode == 1 and "Traceback" not in stderr + stdout and stderr == ""
    d = json.loads((out / "r.json").read_text())
    assert len(d["errors"]) >= 20 and len(d["submissions"]) >= 50
    assert len(d["errors"]) + len(d["submissions"]) == len(list(CORPUS.glob("*.toml"))) + 3   # every file
    ET.parse(out / "r.xml")                                                                    # valid XML
    for path in [*out.rglob("*"), tmp_path / "gh-output"]:
        if path.is_file():
            text = path.read_bytes().decode("utf-8")                                           # valid UTF-8
            assert "\x1b" not in text and "\u202e" not in text, (path, text[text.find("\x1b") - 200:][:300])
    assert "\x1b" not in stdout
    assert "95-undecodable-\\xff\\xfe-name" in stdout and "96-control-\\x1b[31m-\\x0a-name" in stdout


def test_json_to_stdout_is_only_json(tmp_path):
    import json
    import subprocess

    env = {**os.environ, "SPIKESET_SECRET": SECRET.decode()}
    p = subprocess.run([sys.executable, "-m", "spikeset", "grade", str(GRADER_ASSIGNMENT),
                        str(CORPUS / "50-lowercase-mv-right.answers.toml"), str(CORPUS / "19-empty-file.answers.toml"),
                        "--json", "-"], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 1
    assert len(json.loads(p.stdout)["submissions"]) == 1        # stdout: the JSON and nothing else
    assert "1 graded, 1 not graded" in p.stderr                 # the table went to stderr
