"""Issue 10: no lost batch, no misread answer, safe outputs (see also test_corpus.py)."""
from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from spikeset.grade.answer_file import parse_answer_text
from spikeset.errors import AnswerFileError
from spikeset.grade.grading import grade, grade_numeric, grade_submission
from spikeset.safe_text import safe_name
from spikeset.grade.units import ANSWER, AnswerValueError, to_unit

from grader_helpers import GRADER_ASSIGNMENT, SECRET, answer_text, make_assignment, numeric, student_set

CORPUS = Path(__file__).parent / "corpus"
ROOT = Path(__file__).parents[2]


# ------------------------------------------------------------------ never misread

@pytest.mark.parametrize("text, hint", [
    ("-26,90 mV", "write -26.90 mV, with a decimal point"),
    ("147,866.1 nA/cm^2", "write 147866.1 nA/cm^2, without the separator"),
    ("1 000 mV", "write 1000 mV, without the separator"),
    ("1,234 mV", "write 1.234 mV or 1234 mV, with no comma"),
    ("-7 6.67 mV", "space inside the number"),
    ("2 mV*3", "is a calculation"),
    ("1e3/2", "is a calculation"),
    ("-70 - 5", "is a calculation"),
    ("1.2×10^-3 V", "write 1.2e-3 V"),
    ("-70 -65 mV", "holds two numbers"),
    ("-70 mV, -65 mV", "holds two numbers"),
    ("٧٠ mV", "digits other than 0-9"),
])
def test_what_is_not_one_number_is_refused_with_how_to_write_it(text, hint):
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, "mV")
    assert hint in str(info.value) and info.value.kind == "format"


@pytest.mark.parametrize("text, unit, expected", [
    ("-89.1 mv", "mV", -89.1), ("-89.1 MV", "mV", -89.1e9), ("3 ua/cm2", "uA/cm^2", 3.0),
    ("3 uA/cm2", "uA/cm^2", 3.0), ("3 µA/cm²", "uA/cm^2", 3.0), ("3 UA/CM2", "uA/cm^2", None),
    ("5 mm", "mM", 5.0), ("5 MM", "mM", 5e9), ("5 Mm", "mM", 5e9), ("2 ms/cm2", "mS/cm^2", 2.0),
    ("2 MS/cm2", "mS/cm^2", 2e9), ("12 hz", "Hz", 12.0), ("12 KHZ", "Hz", None), ("0.5 S", "ms", 500.0),
    ("58.36 %", "%", 58.36), ("58.36", "%", 58.36), ("58 %", None, 0.58), ("-89.1\u00a0mV", "mV", -89.1),
])
def test_unit_spellings_read_per_dimension(text, unit, expected):
    if expected is None:
        with pytest.raises(AnswerValueError):
            to_unit(text, unit)
    else:
        assert to_unit(text, unit) == pytest.approx(expected, rel=1e-12)


def test_megavolts_are_named_in_the_feedback():
    result, _ = grade_numeric(numeric(), "-89.137 MV", {}, 1.0)
    assert result.status == "incorrect"
    sset = student_set(make_assignment('[[problems]]\nfamily = "nernst"\npoints = 2\n'))
    ref = sset.questions["p1.a"].reference
    af = parse_answer_text(answer_text(sset, {"p1.a": f'"{ref:.4f} MV"'}))
    q = grade_submission(sset, af).questions[0]
    assert q.status == "incorrect" and "megavolts (MV)? write mV" in q.feedback


def test_a_right_percentage_is_right_on_every_variant():
    """refractory p1.b is asked "(in %)": "58.36 %" is 58.36, not 0.5836 (all 50 variants)."""
    from spikeset.variants.assemble import assemble
    from spikeset.variants.roster import Student

    a = make_assignment('[[problems]]\nfamily = "refractory"\npoints = 4\n')
    sets = assemble(a, [Student(f"s{i:03d}") for i in range(50)], SECRET)
    for s in sets:
        pq = s.questions["p1.b"]
        assert "(in %)" in pq.question.prompt
        for typed in (f'"{pq.reference:.2f} %"', f'"{pq.reference:.2f}%"', f"{pq.reference:.2f}"):
            q = next(q for q in grade_submission(s, parse_answer_text(answer_text(s, {"p1.b": typed}))).questions
                     if q.id == "p1.b")
            assert q.status == "correct", (typed, q.feedback)
        hundredths = next(q for q in grade_submission(s, parse_answer_text(answer_text(
            s, {"p1.b": f"{pq.reference / 100:.4f}"}))).questions if q.id == "p1.b")
        assert hundredths.status == "incorrect"                     # 0.5836 is not 58.36 %


_numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda x: abs(x) > 1e-6)


@settings(max_examples=100, deadline=None)
@given(_numbers, st.sampled_from([("mV", 1.0), ("mv", 1.0), ("V", 1e3), ("v", 1e3), ("uV", 1e-3), ("µV", 1e-3),
                                  ("kV", 1e6), ("", 1.0)]),
       st.sampled_from(["", " ", "  ", "\t"]), st.sampled_from(["", "\u2212"]))
def test_a_number_with_a_unit_reads_exactly_as_typed(x, unit, space, minus):
    text = repr(x) if not minus else repr(x).replace("-", minus)
    spelled, factor = unit
    assert to_unit(f"{text}{space if spelled else ''}{spelled}", "mV") == pytest.approx(x * factor, rel=1e-12)


@settings(max_examples=120, deadline=None)
@given(st.from_regex(r"-?[1-9][0-9]{1,6}\.[0-9]{1,4}", fullmatch=True), st.data(),
       st.sampled_from([",", " ", "*", "/", "+", "-", "'", "x", "\u200b", "\u202e", "\x00", "\n", "_", "."]),
       st.sampled_from(["", " mV", "mV"]))
def test_a_number_broken_inside_is_refused_never_misread(number, data, inserted, unit):
    digits = [i for i in range(1, len(number)) if number[i - 1].isdigit() and number[i].isdigit()]
    i = data.draw(st.sampled_from(digits))
    text = number[:i] + inserted + number[i:] + unit
    if inserted == "." and "." not in number[:i]:
        return  # "12.3.4" is tested below; "1.23" would be a number
    with pytest.raises(AnswerValueError):
        to_unit(text, "mV")


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(whitelist_categories=("Cc", "Cf", "Co", "Zl", "Zp", "Nd", "Sm", "So", "Lm"),
                             blacklist_characters="0123456789"), min_size=1, max_size=3), st.sampled_from(["-89.1", "-89.1 mV"]), st.booleans())
def test_odd_unicode_inside_an_answer_is_refused(odd, number, before):
    text = odd + number if before else number.replace(" ", odd) if " " in number else number + odd + "mV"
    if text.strip() != text.translate({0xA0: 32, 0x2009: 32, 0x202F: 32, 0x2007: 32}).strip():
        return
    try:
        x = to_unit(text, "mV")
    except AnswerValueError:
        return
    assert x == pytest.approx(-89.1)       # read at all, then exactly (e.g. a stripped control character)
    assert ANSWER.fullmatch(text.strip().replace("\u2212", "-"))


SET = student_set(make_assignment('[[problems]]\nfamily = "driving-force"\npoints = 8\n'))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=6000), st.sampled_from(["", "-", "+"]))
def test_huge_integers_cost_one_question(digits, sign):
    text = answer_text(SET, {"p1.a": sign + "9" * digits, "p1.c": '"a"'})
    result = grade_submission(SET, parse_answer_text(text))
    qs = {q.id: q for q in result.questions}
    assert qs["p1.a"].status in ("invalid", "incorrect") and qs["p1.a"].points == 0
    assert qs["p1.a"].line == 6
    assert qs["p1.c"].status in ("correct", "incorrect")      # the other answer is read


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=3000),
       st.sampled_from(["array", "inline", "header", "dotted", "answers-header", "answers-dotted"]))
def test_deep_nesting_never_escapes(depth, shape):
    body = {"array": "x = " + "[" * depth + "]" * depth,
            "inline": "x = " + "{a=" * depth + "1" + "}" * depth,
            "header": "[" + ".".join(["a"] * depth) + "]\nb = 1",
            "dotted": ".".join(["a"] * depth) + " = 1",
            "answers-header": "[answers." + ".".join(["p1"] * depth) + "]\nb = 1",
            "answers-dotted": "[answers]\n" + ".".join(["p1"] * depth) + " = 1"}[shape]
    text = answer_text(SET, {"p1.a": "-5"}) + body + "\n"
    try:
        af = parse_answer_text(text, source="deep.toml")
    except AnswerFileError as exc:
        assert "nested too deeply" in exc.message and exc.file == "deep.toml"
        return
    result = grade_submission(SET, af)
    json.dumps(result.to_dict(reveal=True))
    assert all(len(w) < 1000 for w in result.warnings)


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.sampled_from(["p1.a", "p1.b"]), _numbers, min_size=1),
       st.sampled_from(["quoted", "bare", "dotted", "inline", "string-with-unit"]))
def test_answers_in_every_key_spelling_are_read_as_written(answers, spelling):
    lines = []
    for qid, x in answers.items():
        key = {"quoted": f'"{qid}"', "bare": f'"{qid}"', "dotted": qid, "inline": None,
               "string-with-unit": f'"{qid}"'}[spelling]
        value = f'"{x!r} mV"' if spelling == "string-with-unit" else repr(x)
        lines.append(f"{key} = {value}" if key else f"p1 = {{ {qid[3:]} = {value} }}")
    if spelling == "inline":
        lines = ["p1 = { " + ", ".join(f"{qid[3:]} = {x!r}" for qid, x in answers.items()) + " }"]
    text = answer_text(SET, {}) + "\n".join(lines) + "\n"
    af = parse_answer_text(text)
    assert not af.refused
    for qid, x in answers.items():
        assert to_unit(af.answers[qid], "mV") == x


@pytest.mark.parametrize("second", ['p1.a = -70', 'p1 = { a = -70 }', '"p1.a" = "-70 mV"', "'p1.a' = -70"])
def test_a_question_answered_twice_in_any_spelling_is_refused(second):
    text = answer_text(SET, {"p1.a": "-5", "p1.c": '"a"'}) + second + "\n"
    result = grade_submission(SET, parse_answer_text(text))
    qs = {q.id: q for q in result.questions}
    assert qs["p1.a"].status == "invalid" and "answered more than once (lines 6 and 8)" in qs["p1.a"].feedback
    assert qs["p1.c"].status != "invalid"


# ------------------------------------------------------------------ isolation

def test_names_are_shown_escaped():
    assert safe_name(os.fsdecode(b"a\xff.toml")) == "a\\xff.toml"
    assert safe_name("x\x1b[31m\n\u202e.toml") == "x\\x1b[31m\\x0a\\u202e.toml"
    assert safe_name(b"caf\xc3\xa9") == "café"


def test_a_file_that_vanishes_or_is_a_device_is_not_graded(tmp_path, monkeypatch):
    from spikeset.grade import grading
    from spikeset.variants.assignment import load_assignment

    a = load_assignment(GRADER_ASSIGNMENT)
    gone = tmp_path / "gone.answers.toml"
    out = grading._grade_files([gone, Path("/dev/null")], a, SECRET, None, None)
    assert "gone.answers.toml: cannot read: No such file" in out[0].message
    assert "/dev/null: is a device" in out[1].message and not out[1].internal


def test_any_exception_becomes_that_files_entry(monkeypatch):
    """A bug met on one file (here a TypeError) costs that file only, marked internal."""
    from spikeset.grade import grading
    from spikeset.variants.assignment import load_assignment

    real = grading.grade_submission

    def flaky(sset, answers, **kw):
        if "50-lowercase" in answers.path:
            raise TypeError("boom")
        if "69-unicode" in answers.path:
            raise RecursionError()
        return real(sset, answers, **kw)
    monkeypatch.setattr(grading, "grade_submission", flaky)
    files = [CORPUS / n for n in ("50-lowercase-mv-right.answers.toml", "69-unicode-minus-right.answers.toml",
                                  "75-exponent-right.answers.toml")]
    report = grade(assignment=load_assignment(GRADER_ASSIGNMENT), submissions=files, secret=SECRET, jobs=1)
    assert [Path(s.file).name for s in report.submissions] == ["75-exponent-right.answers.toml"]
    bug, deep = report.errors
    assert bug.internal and "not graded: TypeError: boom while grading it" in bug.message
    assert "50-lowercase" in bug.message
    assert not deep.internal and "nested too deeply" in deep.message


def test_a_bug_exits_3_after_writing_every_report(tmp_path, monkeypatch, capsys):
    from spikeset.grade import grading
    from spikeset.cli import main

    real = grading.grade_submission
    monkeypatch.setattr(grading, "grade_submission", lambda s, a, **kw: (_ for _ in ()).throw(KeyError("x"))
                        if "50-" in a.path else real(s, a, **kw))
    monkeypatch.setenv("SPIKESET_SECRET", SECRET.decode())
    status = main(["grade", str(GRADER_ASSIGNMENT), str(CORPUS / "50-lowercase-mv-right.answers.toml"),
                   str(CORPUS / "75-exponent-right.answers.toml"), "--json", str(tmp_path / "r.json"),
                   "--junit", str(tmp_path / "r.xml"), "--quiet"])
    assert status == 3
    d = json.loads((tmp_path / "r.json").read_text())
    assert len(d["submissions"]) == 1 and d["errors"][0]["internal"] is True
    assert (tmp_path / "r.xml").read_text().count("<testcase") == 7


# ------------------------------------------------------------------ safe outputs

_KILL_MID_WRITE = """
import os, sys, time
from spikeset import atomic_write
real_fdopen = os.fdopen

class HalfWriter:
    def __init__(self, fh): self.fh = fh
    def __enter__(self): return self
    def __exit__(self, *a): return self.fh.__exit__(*a)
    def fileno(self): return self.fh.fileno()
    def flush(self): self.fh.flush()
    def write(self, data):
        if len(data) > 10000:                     # the big report: half of it, then wait to be killed
            self.fh.write(data[: len(data) // 2]); self.fh.flush()
            open(sys.argv[1], "w").close()
            time.sleep(60)
        return self.fh.write(data)

atomic_write.os.fdopen = lambda *a, **k: HalfWriter(real_fdopen(*a, **k))
from spikeset.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_run_killed_while_writing_leaves_the_previous_report(tmp_path):
    """...and its temporary file, which a write of the report by another process leaves alone
    while the writer lives and the next run removes once it is dead."""
    from spikeset.atomic_write import write_atomic

    report = tmp_path / "grades.json"
    report.write_text('{"previous": "report"}\n')
    marker = tmp_path / "writing"
    env = {**os.environ, "SPIKESET_SECRET": SECRET.decode()}
    files = [str(f) for f in sorted(CORPUS.glob("*.toml"))[42:62]]    # 20 graded files: a big report
    p = subprocess.Popen([sys.executable, "-c", _KILL_MID_WRITE, str(marker), "grade", str(GRADER_ASSIGNMENT),
                          *files, "--json", str(report), "--quiet"], env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert p.poll() is None and time.monotonic() < deadline, "never reached the write"
            time.sleep(0.05)
        half = [f for f in tmp_path.iterdir() if f.name.startswith(".grades.json.")]
        assert len(half) == 1 and half[0].stat().st_size > 10000        # really killed mid-write
        assert f".{p.pid}-" in half[0].name
        write_atomic(report, '{"previous": "report"}\n')     # another writer, while this one lives
        assert half[0].exists()
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    assert report.read_text() == '{"previous": "report"}\n'
    assert half[0].exists()                                  # left behind by the killed run
    done = subprocess.run([sys.executable, "-m", "spikeset", "grade", str(GRADER_ASSIGNMENT), files[0],
                           "--json", str(report), "--quiet"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(report.read_text())["assignment"]
    assert sorted(f.name for f in tmp_path.iterdir()) == ["grades.json", "writing"]


def _kill_self_in_a_worker(parent: int):
    def task(chunk):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return [x * 2 for x in chunk]
    return task


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers on Linux only")
def test_a_worker_that_dies_loses_nothing(monkeypatch):
    from spikeset import parallel
    from spikeset.grade import grading
    from spikeset.variants.assignment import load_assignment

    assert parallel.map_forked(_kill_self_in_a_worker(os.getpid()), [[1], [2]]) is None   # no hang
    real = grading._grade_files
    parent = os.getpid()

    def dying(files, *args):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(files, *args)
    monkeypatch.setattr(grading, "_grade_files", dying)
    files = sorted(CORPUS.glob("*.toml"))
    report = grade(assignment=load_assignment(GRADER_ASSIGNMENT), submissions=files, secret=SECRET, jobs=2)
    assert len(report.submissions) + len(report.errors) == len(files)


_ORPHAN = """
import os, sys, time
from spikeset.parallel import map_forked
def task(chunk):
    if chunk == [2]:
        open(sys.argv[1], "w").write(str(os.getpid()))
        time.sleep(60)
    else:
        time.sleep(60)
    return chunk
map_forked(task, [[1], [2]])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_their_parent(tmp_path):
    pid_file = tmp_path / "worker.pid"
    p = subprocess.Popen([sys.executable, "-c", _ORPHAN, str(pid_file)])
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        worker = int(pid_file.read_text())
    finally:
        p.kill()
        p.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        if Path(f"/proc/{worker}/stat").exists() and Path(f"/proc/{worker}/stat").read_text().split()[2] == "Z":
            return  # dead, waiting for init to reap it
        time.sleep(0.05)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived its parent")


def test_traces_with_subnormal_steps_print_no_warning(tmp_path, monkeypatch):
    from spikeset.grade.traces import measure, read_trace

    path = tmp_path / "t.csv"
    path.write_text("0,-65\n1e-320,-60\n2e-320,40\n3e-320,-65\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            with pytest.raises(AnswerFileError, match="time step of 1e-320 ms"):
                read_trace(path, shown="t.csv")
            path.write_text("0,-65\n1,-60\n2,40\n3,-65\n")
            trace = read_trace(path, shown="t.csv")
            import types
            monkeypatch.setitem(sys.modules, "spikeset.solutions.spike_features", types.SimpleNamespace(
                spike_features=lambda t, v: types.SimpleNamespace(peak=float(np.max(v) / np.float64(0.0) * 0))))
            with pytest.raises(AnswerFileError, match="no finite peak"):
                measure(trace, "peak")             # 40/0*0 = nan: no RuntimeWarning escapes
    assert math.isfinite(trace.t_ms[-1])
