"""Students' simulated traces: the feature measured on them, and every refusal."""
from __future__ import annotations

import os
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from spikeset.grade.answer_file import read_answer_file
from spikeset.variants.assemble import ProblemInstance, StudentSet
from spikeset.errors import AnswerFileError
from spikeset.grade.grading import grade_submission
from spikeset.model import Tolerance
from spikeset.variants.roster import Student
from spikeset.grade.traces import MAX_TRACE_BYTES, read_trace

from grader_helpers import make_assignment, numeric


@dataclass(frozen=True)
class FakeFeatures:
    n_spikes: int
    firing_rate: float
    peak: float | None
    spike_times: tuple


def fake_spike_features(t_ms, v_mV):
    up = np.flatnonzero((v_mV[:-1] < 0) & (v_mV[1:] >= 0))
    times = tuple(t_ms[up + 1])
    rate = 1000.0 * len(times) / (t_ms[-1] - t_ms[0])
    return FakeFeatures(len(times), rate, float(v_mV.max()) if len(times) else None, times)


@pytest.fixture(autouse=True)
def features(monkeypatch):
    """spike_features is written elsewhere; a stand-in with the same call keeps these tests about the grader."""
    module = types.ModuleType("spikeset.solutions.spike_features")
    module.spike_features = fake_spike_features
    monkeypatch.setitem(sys.modules, "spikeset.solutions.spike_features", module)


def spikes_csv(n: int, duration: float = 100.0, header: bool = True) -> str:
    t = np.arange(0, duration, 0.1)
    v = -65 + 100 * (np.sin(2 * np.pi * n * t / duration - np.pi / 2) > 0.99)
    rows = [f"{a:.1f},{b:.1f}" for a, b in zip(t, v)]
    return ("t_ms,v_mV\n" if header else "") + "\n".join(rows) + "\n"


def one_question_set(feature="n_spikes", answer=5.0, unit=None, tol=Tolerance("abs", 0.5)):
    a = make_assignment('[[problems]]\nfamily = "nernst"\npoints = 2\n')
    pq = numeric(answer, unit=unit, tolerance=tol, points=2.0, trace_feature=feature)
    spec = a.problems[0]
    problem = ProblemInstance(spec=spec, family=None, params={}, solution={}, questions=(pq,))
    return StudentSet(assignment=a, student=Student("s001"), fingerprint="v", problems=(problem,))


def answers(folder: Path, value: str = '""', trace: str | None = "traces/p1.csv") -> Path:
    text = 'student = "s001"\nassignment = "t-grade"\nvariant = "v"\n\n[answers]\n"p1.a" = ' + value + "\n"
    if trace is not None:
        text += f'\n[traces]\n"p1.a" = "{trace}"\n'
    path = folder / "answers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def grade_one(folder, value='""', trace="traces/p1.csv", **kw):
    s = one_question_set(**kw)
    return grade_submission(s, read_answer_file(answers(folder, value, trace))).questions[0]


def test_trace_alone_is_graded(write, tmp_path):
    write("traces/p1.csv", spikes_csv(5))
    q = grade_one(tmp_path)
    assert q.status == "correct" and q.points == 2 and q.trace == "correct"
    assert "from your trace traces/p1.csv" in q.feedback and "n spikes" in q.feedback


def test_wrong_trace_alone(write, tmp_path):
    write("traces/p1.csv", spikes_csv(3, header=False))
    q = grade_one(tmp_path)
    assert q.status == "incorrect" and q.points == 0 and "(3)" in q.feedback


def test_wrong_number_right_trace_says_so(write, tmp_path):
    write("traces/p1.csv", spikes_csv(5))
    q = grade_one(tmp_path, value="7")
    assert q.status == "incorrect" and q.trace == "correct"
    assert "trace traces/p1.csv is right" in q.feedback


def test_right_number_and_trace(write, tmp_path):
    write("traces/p1.csv", spikes_csv(5))
    q = grade_one(tmp_path, value="5")
    assert q.status == "correct" and q.trace == "correct"


def test_rate_feature_with_unit(write, tmp_path):
    write("traces/p1.csv", spikes_csv(4, duration=200.0))
    q = grade_one(tmp_path, feature="firing_rate", answer=20.0, unit="Hz", tol=Tolerance("rel", 0.05))
    assert q.status == "correct", q.feedback


def test_feature_absent(write, tmp_path):
    write("traces/p1.csv", "0,-65\n1,-65\n2,-65\n")
    q = grade_one(tmp_path, feature="peak", answer=30.0, unit="mV")
    assert q.status == "invalid" and "no peak" in q.feedback


@pytest.mark.parametrize("ref, message", [
    ("../p1.csv", "climbs out"),
    ("traces/../../p1.csv", "climbs out"),
    ("/etc/passwd", "absolute path"),
    ("C:\\\\x.csv", "absolute path"),
    ("traces/none.csv", "no such file"),
    ("traces", "not a regular file"),
])
def test_refused_paths(write, tmp_path, ref, message):
    write("traces/p1.csv", spikes_csv(5))
    q = grade_one(tmp_path, trace=ref)
    assert q.status == "invalid" and message in q.feedback
    assert "answers.toml:" in q.feedback  # file and line named


def test_symlinks_are_refused(write, tmp_path):
    target = write("elsewhere.csv", spikes_csv(5))
    (tmp_path / "traces").mkdir()
    os.symlink(target, tmp_path / "traces" / "p1.csv")
    q = grade_one(tmp_path)
    assert q.status == "invalid" and "symbolic link" in q.feedback
    os.symlink(tmp_path / "traces", tmp_path / "linked")
    q = grade_one(tmp_path, trace="linked/p1.csv")
    assert "symbolic link" in q.feedback


@pytest.mark.parametrize("content, message, line", [
    ("t,v\n0,-65\n1,oops\n2,-65\n", "text in a numeric column", "3"),
    ("0,-65\n1,-65\n1,-64\n2,-65\n", "time is not increasing", "3"),
    ("0,-65\n2,-65\n1,-64\n", "time is not increasing", "3"),
    ("0,-65\n1,nan\n2,-65\n", "not a finite number", "2"),
    ("0,-65,3\n1,-65,3\n", "expected two columns", "1"),
    ("0,-65\n", "only 1 data rows", ""),
    ("", "only 0 data rows", ""),
    ("\x00\x01\x02", "binary data", "1"),
])
def test_bad_csv(write, tmp_path, content, message, line):
    path = write("t.csv", content)
    with pytest.raises(AnswerFileError) as info:
        read_trace(path, shown="sub/t.csv")
    assert message in info.value.message and info.value.file == "sub/t.csv"
    assert info.value.place == line


def test_header_and_separators(write):
    path = write("t.csv", "# from my simulation\ntime (ms); V (mV)\n0; -65\n0.5; -64.5\n1.0; -64\n")
    tr = read_trace(path, shown="t.csv")
    assert list(tr.t_ms) == [0, 0.5, 1.0] and list(tr.v_mV) == [-65, -64.5, -64]


def test_oversized_trace_refused_without_loading(tmp_path):
    path = tmp_path / "big.csv"
    row = b"0.001,-65.000\n"
    with open(path, "wb") as fh:
        for _ in range(100):
            fh.write(row * 100_000)  # 10 million rows, 140 MB
    start = time.perf_counter()
    with pytest.raises(AnswerFileError) as info:
        read_trace(path, shown="big.csv")
    assert time.perf_counter() - start < 0.5
    assert f"at most {MAX_TRACE_BYTES} bytes" in info.value.message


def test_too_many_rows_refused(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"1,1\n" * 1_100_000)  # 4.4 MB: under the size limit
    with pytest.raises(AnswerFileError) as info:
        read_trace(path, shown="rows.csv")
    assert "at most 1000000" in info.value.message


def test_trace_for_a_question_without_trace_is_a_warning(write, tmp_path):
    a = make_assignment('[[problems]]\nfamily = "driving-force"\npoints = 8\n')
    from spikeset.variants.assemble import assemble
    s = assemble(a, [Student("s001")], None)[0]
    path = write("answers.toml", f'student = "s001"\nassignment = "t-grade"\nvariant = "{s.fingerprint}"\n'
                                 f'[answers]\n[traces]\n"p1.a" = "x.csv"\n')
    r = grade_submission(s, read_answer_file(path))
    assert any("takes no trace" in w and ":6:" in w for w in r.warnings)
