"""A hostile and a hurried student against the grader: what they found, kept fixed.

See also test_hostile.py, test_corpus.py and test_signing.py (the earlier rounds)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from spikeset.cli.demo import sample_submission
from spikeset.grade.signed_grading import grade_signed
from spikeset.reports.reports import markdown
from spikeset.variants.assemble import assemble
from spikeset.variants.roster import Student
from spikeset.variants.signing import (VARIANT_FILE, load_public_key, load_signing_key, signed_variant_text,
                                       write_key_pair)

from grader_helpers import SECRET, make_assignment

BODY = '[[problems]]\nfamily = "nernst"\npoints = 6\n\n[[problems]]\nfamily = "driving-force"\npoints = 8\n'


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """Two students' signed variants and right answer files, to copy into folders of any name."""
    root = tmp_path_factory.mktemp("signed")
    private, public, _ = write_key_pair(root / "keys")
    assignment = make_assignment(BODY, id="ap-attack")
    sets = assemble(assignment, [Student("s001"), Student("s002")], SECRET)
    key = load_signing_key(private)
    files = {s.student.id: (sample_submission(s, "right"), signed_variant_text(s, key)) for s in sets}
    return dict(assignment=assignment, public=load_public_key(public), files=files)


def _repository(folder: Path, files: tuple[str, str]) -> None:
    folder.mkdir(parents=True)
    (folder / "answers.toml").write_text(files[0], encoding="utf-8")
    (folder / VARIANT_FILE).write_text(files[1], encoding="utf-8")


ODD_FOLDERS = ["ctl\x1b[31mred", "line\nbreak", "rtl\u202etxt", os.fsdecode(b"bytes\xff\xfe"), "L" * 200]


@pytest.mark.parametrize("folder", ODD_FOLDERS, ids=["ansi", "newline", "bidi", "not-utf8", "long-path"])
def test_signed_grading_finds_the_variant_beside_a_file_in_an_oddly_named_folder(signed, tmp_path, folder):
    """The signed variant is looked up beside the file itself, not beside its escaped name
    (which names another folder); every report shows the name escaped."""
    deep = tmp_path / ("d" * 120) / ("e" * 120) / folder if folder.startswith("L") else tmp_path / folder
    _repository(deep, signed["files"]["s001"])
    _repository(tmp_path / "good", signed["files"]["s002"])
    report = grade_signed(assignment=signed["assignment"], submissions=[tmp_path], public_key=signed["public"],
                          environ={})
    assert not report.errors, report.errors
    assert sorted(s.student for s in report.submissions) == ["s001", "s002"]
    assert all(s.score == s.max_score for s in report.submissions)
    text = json.dumps(report.to_dict()) + markdown(report)
    text.encode("utf-8")                                   # no lone surrogate (a JSON report that cannot be written)
    assert not any(ch in text for ch in "\x1b\u202e\udcff")


@pytest.mark.parametrize("folder", ODD_FOLDERS[:4], ids=["ansi", "newline", "bidi", "not-utf8"])
def test_a_file_that_signed_grading_refuses_is_named_escaped(signed, tmp_path, folder):
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "answers.toml").write_text(signed["files"]["s001"][0], encoding="utf-8")  # no variant
    _repository(tmp_path / "good", signed["files"]["s002"])
    report = grade_signed(assignment=signed["assignment"], submissions=[tmp_path], public_key=signed["public"],
                          environ={})
    assert [s.student for s in report.submissions] == ["s002"]
    (error,) = report.errors
    assert "is missing" in error.message and VARIANT_FILE in error.message
    shown = error.file + error.message
    shown.encode("utf-8")
    assert not any(ch in shown for ch in "\x1b\n\u202e")
    json.dumps(report.to_dict()).encode("utf-8")


def test_signed_grading_keeps_the_batch_when_grading_one_file_fails(signed, tmp_path, monkeypatch):
    """Any exception while grading one file becomes that file's entry, as with the secret."""
    import spikeset.grade.signed_grading as signed_grading

    real = signed_grading.grade_submission

    def fragile(student_set, answers, **kw):
        if student_set.student.id == "s001":
            raise ZeroDivisionError("boom")
        return real(student_set, answers, **kw)

    monkeypatch.setattr(signed_grading, "grade_submission", fragile)
    _repository(tmp_path / "a", signed["files"]["s001"])
    _repository(tmp_path / "b", signed["files"]["s002"])
    report = grade_signed(assignment=signed["assignment"], submissions=[tmp_path], public_key=signed["public"],
                          environ={})
    assert [s.student for s in report.submissions] == ["s002"]
    (error,) = report.errors
    assert error.internal and "bug of spikeset" in error.message and error.file.endswith("answers.toml")


def test_signed_grading_warns_about_a_student_who_submitted_twice(signed, tmp_path):
    _repository(tmp_path / "a", signed["files"]["s001"])
    _repository(tmp_path / "b", signed["files"]["s001"])
    report = grade_signed(assignment=signed["assignment"], submissions=[tmp_path], public_key=signed["public"],
                          environ={})
    assert [len(s.warnings) for s in report.submissions] == [0, 1]
    assert "also submitted" in report.submissions[1].warnings[0]


# ------------------------------------------------------------------ question ids as typed

from spikeset.grade.answer_file import parse_answer_text  # noqa: E402
from spikeset.grade.grading import grade_submission  # noqa: E402

from grader_helpers import answer_text, student_set  # noqa: E402

IDS = student_set(make_assignment(BODY))


def _graded(lines: list[str]):
    head = answer_text(IDS, {})
    result = grade_submission(IDS, parse_answer_text(head + "\n".join(lines) + "\n"))
    return {q.id: q for q in result.questions}, result.warnings


def _right(qid: str) -> str:
    return repr(IDS.questions[qid].reference)


@pytest.mark.parametrize("key", ['"P1.A"', '"p1.a "', '" p1.a"', '"p1a"', '"P1-A"', '"p1_a"', '"ｐ１.ａ"'])
def test_a_question_id_typed_in_another_case_or_spacing_is_read_as_that_question(key):
    qs, warnings = _graded([f"{key} = {_right('p1.a')}", f'"p1.b" = {_right("p1.b")}'])
    assert qs["p1.a"].status == "correct" and qs["p1.a"].line == 6
    assert qs["p1.b"].status == "correct"
    assert any("read as question p1.a" in w for w in warnings)
    assert not any("unknown question id" in w for w in warnings)


def test_a_question_given_under_two_spellings_is_refused_with_both_lines():
    qs, _ = _graded([f'"p1.a" = {_right("p1.a")}', '"P1.A" = -12.5'])
    assert qs["p1.a"].status == "invalid" and qs["p1.a"].points == 0
    assert "answered more than once (lines 6 and 7" in qs["p1.a"].feedback and "'P1.A'" in qs["p1.a"].feedback


def test_a_blank_line_left_from_the_template_does_not_count_as_an_answer():
    qs, _ = _graded(['"p1.a" = ""', f'"P1.A" = {_right("p1.a")}'])
    assert qs["p1.a"].status == "correct"
    qs, _ = _graded([f'"p1.a" = {_right("p1.a")}', '"P1.A" = ""'])
    assert qs["p1.a"].status == "correct"


def test_a_key_with_a_lookalike_letter_refuses_the_question_and_names_the_letter():
    """"p1.а" (Cyrillic а) looks like p1.a: the question says why it has no answer, with the
    letter escaped, instead of "No answer." beside a line the student wrote."""
    qs, warnings = _graded([f'"p1.\u0430" = {_right("p1.a")}'])
    q = qs["p1.a"]
    assert q.status == "invalid" and q.points == 0 and q.line == 6
    assert "'p1.\\u0430' only looks like p1.a" in q.feedback and '\\u0430 from another alphabet' in q.feedback
    assert not any("unknown question id" in w for w in warnings)


def test_an_unknown_id_is_shown_with_lookalikes_escaped():
    qs, warnings = _graded(['"p9.\u0430" = 1'])
    assert any("unknown question id 'p9.\\u0430'" in w for w in warnings)
    assert qs["p1.a"].status == "missing"


def test_thousands_of_unknown_keys_do_not_flood_the_reports():
    """A 1 MB file of unknown keys once made 50,000 warnings (13 MB in every report): the first
    few are named, the rest counted in one line."""
    from spikeset.grade.grading import MAX_UNKNOWN_KEYS_NAMED

    qs, warnings = _graded([f'"p1.z{i}" = {i}' for i in range(500)] + [f'"p1.a" = {_right("p1.a")}'])
    assert qs["p1.a"].status == "correct"
    unknown = [w for w in warnings if "unknown question id" in w]
    assert len(unknown) == MAX_UNKNOWN_KEYS_NAMED + 1
    assert "'p1.z0'" in unknown[0] and unknown[-1].endswith(f"and {500 - MAX_UNKNOWN_KEYS_NAMED} more unknown "
                                                             f"question ids (not shown)")


# ------------------------------------------------------------------ numbers outside the grammar

@pytest.mark.parametrize("token, base", [("0x36", "hexadecimal"), ("0o66", "octal"), ("0b110110", "binary")])
def test_a_bare_hexadecimal_octal_or_binary_number_is_refused_not_converted(token, base):
    """TOML reads 0x36 as 54; the answer grammar has decimal digits only, so it is refused
    (a string "0x1A" always was)."""
    qs, _ = _graded([f'"p1.a" = {token}', f'"p1.b" = {_right("p1.b")}'])
    assert qs["p1.a"].status == "invalid" and qs["p1.a"].points == 0
    assert f"{token} is a {base} number; write it with the digits 0-9" in qs["p1.a"].feedback
    assert "(line 6)" in qs["p1.a"].feedback
    assert qs["p1.b"].status == "correct"


# ------------------------------------------------------------------ units

from spikeset.grade.units import AnswerValueError, to_unit  # noqa: E402


@pytest.mark.parametrize("text, unit, kind", [
    ("37 C", "°C", "temperature"), ("2 mM", "mm", "length"), ("3 mV", "MΩ", "resistance"),
    ("20 ms", "m/s", "speed"), ("5 pV", "pC", "charge"), ("5 mm", "uM", None), ("2 uA/cm2", "uA/cm^2/ms", None),
])
def test_a_unit_of_the_wrong_kind_names_the_kind_asked(text, unit, kind):
    """Every unit the built-in families ask in has a name in the message ("not a temperature"),
    not "not a quantity of that kind"."""
    if kind is None:  # 5 mm on a question in uM: read as mM (a course on membranes asks no lengths there)
        try:
            to_unit(text, unit)
        except AnswerValueError as exc:
            assert "quantity of that kind" not in str(exc)
        return
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, unit)
    assert f"is not a {kind}; the answer is asked in {unit}" in str(info.value)


@pytest.mark.parametrize("text, expected", [("37 ℃", 37.0), ("37 °C", 37.0), ("37\u00a0℃", 37.0)])
def test_the_degree_celsius_sign_reads_as_degrees_celsius(text, expected):
    assert to_unit(text, "°C") == pytest.approx(expected)


# ------------------------------------------------------------------ reports

@pytest.mark.parametrize("via_link", [False, True], ids=["fifo", "link-to-fifo"])
def test_a_report_written_to_a_pipe_or_device_goes_into_it_and_leaves_it_in_place(tmp_path, via_link):
    """`--json /dev/null` or `--json /dev/stdout` (a link to a pipe) once renamed a temporary file
    over the device node (as root: /dev/null became a regular file). A pipe or a character
    device is written into, not replaced."""
    import stat

    from spikeset.reports.reports import emit

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = fifo
    if via_link:
        target = tmp_path / "stdout"
        target.symlink_to(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        emit(str(target), '{"ok": true}\n')
        assert os.read(reader, 1000) == b'{"ok": true}\n'
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and (not via_link or target.is_symlink())
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# ------------------------------------------------------------------ resources

def test_a_large_file_of_broken_lines_is_not_parsed_over_and_over(monkeypatch):
    """Each broken line costs one more parse of the whole file: 20 broken lines after 650 KB
    of keys took 8 s of CPU (twenty-one 650 KB parses). Past a budget of text parsed, the
    file is refused with its first broken line, as a file with too many broken lines is."""
    import tomllib

    import spikeset.grade.answer_file as answer_file
    from spikeset.errors import AnswerFileError

    parsed = []
    real = tomllib.loads

    def counting(text, **kw):
        parsed.append(len(text))
        return real(text, **kw)

    monkeypatch.setattr(answer_file.tomllib, "loads", counting)
    monkeypatch.setattr(answer_file, "MAX_REPARSED_CHARS", 200_000)  # the test at a fifth of the scale
    head = answer_text(IDS, {"p1.a": _right("p1.a")})
    keys = 9000
    body = "\n".join(f"k{i} = {i}" for i in range(keys))
    text = head + body + "\n" + "\n".join("x = = 1" for _ in range(20)) + "\n"
    with pytest.raises(AnswerFileError) as info:
        parse_answer_text(text)
    assert sum(parsed) <= answer_file.MAX_REPARSED_CHARS + 2 * len(text)
    assert "malformed TOML" in str(info.value) and f":{head.count(chr(10)) + keys + 1}:" in str(info.value)
    parsed.clear()
    small = parse_answer_text(head + "\n".join(f'"p2.{k}" = = 1' for k in "abcd") + "\n")
    assert len(parsed) == 5 and set(small.refused) == {"p2.a", "p2.b", "p2.c", "p2.d"}
    early = parse_answer_text(head + "\n".join(f'"p2.{k}" = = 1' for k in "abcd") + "\n" + body + "\n")
    assert set(early.refused) == {"p2.a", "p2.b", "p2.c", "p2.d"}      # broken lines near the top: cheap


def test_a_trace_named_by_several_questions_is_read_and_measured_once(tmp_path, monkeypatch):
    """Seven simulation questions may name one 5 MB trace: it was read and measured once per
    question (seconds each). It is read once per answer file, and a refusal is given for each
    question that names it."""
    import types

    import numpy as np

    import spikeset.grade.traces as traces
    from spikeset.grade.answer_file import read_answer_file
    from spikeset.model import Tolerance
    from spikeset.variants.assemble import ProblemInstance, StudentSet

    from grader_helpers import numeric

    measured = []

    def spike_features(t_ms, v_mV):
        measured.append(len(t_ms))
        return types.SimpleNamespace(spike_count=3.0, firing_rate_hz=30.0)

    module = types.ModuleType("spikeset.solutions.spike_features")
    module.spike_features = spike_features
    monkeypatch.setitem(__import__("sys").modules, "spikeset.solutions.spike_features", module)
    reads = []
    real_read = traces.read_trace
    monkeypatch.setattr(traces, "read_trace", lambda path, **kw: reads.append(path) or real_read(path, **kw))

    a = make_assignment('[[problems]]\nfamily = "nernst"\npoints = 2\n')
    questions = (numeric(3.0, unit=None, tolerance=Tolerance("abs", 0.5), key="a", trace_feature="spike_count"),
                 numeric(30.0, unit="Hz", tolerance=Tolerance("rel", 0.05), key="b", trace_feature="firing_rate_hz"),
                 numeric(3.0, unit=None, tolerance=Tolerance("abs", 0.5), key="c", trace_feature="spike_count"))
    problem = ProblemInstance(spec=a.problems[0], family=None, params={}, solution={}, questions=questions)
    sset = StudentSet(assignment=a, student=Student("s001"), fingerprint="v", problems=(problem,))
    (tmp_path / "t.csv").write_text("t,v\n" + "\n".join(f"{i * 0.1:.1f},{-65 + (i % 50 == 0) * 100}"
                                                         for i in range(3000)) + "\n")
    (tmp_path / "bad.csv").write_text("t,v\n0,1\n1,2\n1,3\n")
    (tmp_path / "answers.toml").write_text(
        'student = "s001"\nassignment = "t-grade"\nvariant = "v"\n\n[answers]\n"p1.a" = ""\n"p1.b" = "30 Hz"\n'
        '"p1.c" = ""\n\n[traces]\n"p1.a" = "t.csv"\n"p1.b" = "./t.csv"\n"p1.c" = "bad.csv"\n')
    result = grade_submission(sset, read_answer_file(tmp_path / "answers.toml"))
    qs = {q.id: q for q in result.questions}
    assert qs["p1.a"].status == "correct" and qs["p1.a"].trace == "correct"
    assert qs["p1.b"].status == "correct" and qs["p1.b"].trace == "correct"
    assert qs["p1.c"].status == "invalid" and "time is not increasing" in qs["p1.c"].feedback
    assert len(reads) == 2 and measured == [3000]
    reads.clear()
    result = grade_submission(sset, read_answer_file(tmp_path / "answers.toml"))   # another file: read again
    assert len(reads) == 2


@pytest.mark.parametrize("text", ["10.0x0 mV", "10 s0 mV", "10 mV kg^0", "10 mV^0 V", "10 foo0 mV", "10 mV/s^-0",
                                  "10 mV^00"])
def test_a_unit_factor_to_the_power_zero_is_refused_not_dropped(text):
    """"10.0x0 mV" (a typo inside the number) was read as 10.0 mV: x^0 is 1. Found by
    test_hostile's hypothesis test; a factor to the power 0 is refused."""
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, "mV")
    assert "to the power 0" in str(info.value) and "mV" in str(info.value)


@pytest.mark.parametrize("text, expected", [("10 mV^1", 10.0), ("10 mV", 10.0), ("1e0 V", 1000.0), ("10.0 mV", 10.0)])
def test_powers_other_than_zero_still_read(text, expected):
    assert to_unit(text, "mV") == pytest.approx(expected)


# ------------------------------------------------------------------ significant figures

@pytest.mark.parametrize("reference, typed, points", [
    (1.1697767, "1.17", 2.0), (1.1697767, "1.2", 1.0), (1.1697767, "1", 1.0), (1.1697767, "1e0", 1.0),
    (1.1697767, "0.5", 0.0), (1.1697767, "0.7", 0.0), (1.1697767, "0.9", 0.0), (1.1697767, "5e-1", 0.0),
    (1.1697767, "1.3", 0.0), (1.0004, "0.96", 0.0), (1.0004, "1.0", 1.0), (0.9996, "1", 1.0), (0.9996, "1.0", 1.0),
    (0.9996, "0.9", 0.0), (1.25, "1.3", 1.0), (1.25, "1.2", 1.0), (1234.5, "1200", 1.0), (1234.5, "1000", 1.0),
    (1234.5, "1300", 0.0), (-1.1697767, "-0.6", 0.0), (-1.1697767, "-1", 1.0),
])
def test_a_right_value_with_fewer_figures_is_the_reference_rounded_at_the_figures_typed(reference, typed, points):
    """Asked to 3 significant figures, 1.1697767: "1" and "1.2" are the value with fewer figures
    (half the points), "0.5" to "0.9" are not, though they lie within half a unit of the
    reference's first figure (they were given half the points)."""
    from spikeset.grade.grading import grade_numeric
    from spikeset.model import Tolerance

    from grader_helpers import numeric

    pq = numeric(reference, unit="ms", tolerance=Tolerance("sigfig", 3), points=2.0)
    result, _ = grade_numeric(pq, float(typed), {}, 1.0, raw=typed, sigfig_share=0.5)
    assert result.points == points, (typed, result.feedback)


# ------------------------------------------------------------------ finding the files

from spikeset.grade.grading import find_answer_files  # noqa: E402


def test_an_answer_file_saved_with_a_wrong_extension_is_reported_not_skipped(tmp_path):
    """Notepad saves "answers.toml" as "answers.toml.txt" (the extension hidden): the folder
    seemed to hold no answer file and the student was silently absent. It is named, with the
    fix; an upper-case ".TOML" is an answer file."""
    for folder, name in [("a", "answers.toml.txt"), ("b", "Answers.TOML"), ("c", "answers.txt"), ("d", "answers.toml"),
                         ("d", "answers.toml.txt"), ("e", "answers.toml~"), ("f", "notes.txt")]:
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text("x")
    files, errors = find_answer_files([tmp_path])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in files) == ["b/Answers.TOML", "d/answers.toml"]
    messages = sorted(e.message for e in errors)
    assert len(messages) == 3, messages            # a/ and c/ hold only a misnamed file; e/ an editor's backup
    assert any("a/answers.toml.txt" in m and "ends in .txt" in m and "rename it answers.toml" in m for m in messages)
    assert any("c/answers.txt" in m and "rename it answers.toml" in m for m in messages)
    assert any("e/answers.toml~" in m for m in messages)
    assert all("\n" not in m for m in messages)


@pytest.mark.parametrize("text, unit", [
    ("12.5 L01", None), ("12.5 s02", None), ("12.5 m002", None), ("12.5 A01", None),
])
def test_a_power_with_a_leading_zero_is_read_as_its_value_not_dropped(text, unit):
    """pint read "L^01" as dimensionless: "12.5 L01" on a pure-number question was 12.5."""
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, unit)
    assert "does not fit: the answer is a pure number" in str(info.value)


@pytest.mark.parametrize("text, expected", [("3 uA/cm02", 3.0), ("3 uA cm-02", 3.0), ("3 uA/cm^02", 3.0)])
def test_a_power_with_a_leading_zero_reads_as_that_power(text, expected):
    assert to_unit(text, "uA/cm^2") == pytest.approx(expected)


@pytest.mark.parametrize("text, unit", [
    ("12.5 °", None), ("12.5 °2", None), ("12.5 deg", None), ("12.5 rad", None), ("12.5 turn", None),
    ("12.5 cycle", None), ("12.5 dB", None), ("12.5 Np", None), ("12.5 B", None), ("12.5 bit", None),
    ("12.5 arcmin", None), ("12.5 Tmas^-1", None), ("12.5 V/°2", "mV"), ("12.5 mV/rad", "mV"), ("12.5 count", None),
])
def test_angles_logarithmic_and_information_units_are_refused(text, unit):
    """pint holds them dimensionless: "12.5 °" on a pure-number question read as 0.218 (radians),
    "12.5 B" as 100 (bytes in bits), "12.5 dB" as 17.8. No question of this course asks in them."""
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, unit)
    assert info.value.kind == "unit" and "not a unit this course asks in" in str(info.value)


@pytest.mark.parametrize("text, unit, expected", [
    ("37 °C", "°C", 37.0), ("310.15 K", "°C", 37.0), ("98.6 °F", "°C", 37.0), ("5 mV/mV", None, 5.0),
    ("12.5 %", None, 0.125), ("12.5", None, 12.5),
])
def test_temperatures_ratios_and_percent_still_read(text, unit, expected):
    assert to_unit(text, unit) == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [("37 ° C", 37.0), ("37 deg C", 37.0), ("310.15 ° K", 37.0), ("98.6 ° F", 37.0)])
def test_a_degree_sign_spaced_from_its_letter_is_a_temperature(text, expected):
    assert to_unit(text, "°C") == pytest.approx(expected)


def test_a_unit_on_a_pure_number_question_says_that_no_unit_is_asked():
    with pytest.raises(AnswerValueError) as info:
        to_unit("3 mV", None)
    assert "the unit 'mV' does not fit: the answer is a pure number (no unit, or %)" in str(info.value)


def test_student_text_makes_no_link_or_image_in_the_markdown_report(tmp_path):
    """A file name or an answer such as "[Grade: 100 %](https://evil)" or "![](https://x/p.png)"
    rendered as a link or an image in the instructor's Markdown and the Actions job summary."""
    from spikeset.grade.grading import grade

    sset = IDS
    folder = tmp_path / "[Grade 100 %](https:evil.example) ![](x.png)"
    folder.mkdir()
    (folder / "answers.toml").write_text(answer_text(sset, {"p1.a": '"[click](https://evil.example) mV"'}))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "answers.toml").write_text(answer_text(sset, {}, variant="0000-0000"))
    (folder / "answers2.toml").write_text(answer_text(sset, {}))
    report = grade(assignment=sset.assignment, submissions=[tmp_path], secret=SECRET, jobs=1)
    text = markdown(report)
    assert "Grade 100" in text and "click" in text                  # shown, as text
    assert "](" not in text.replace("\\](", "") and "![" not in text


# ------------------------------------------------------------------ copied files

def test_a_copied_file_is_named_as_copied_even_when_its_recorded_revision_is_edited(tmp_path):
    """A classmate's file with the student id changed was called copied; with its `revisions`
    line edited too it was reported as "made with another revision; regrade with that version",
    hiding the copy. The variant fingerprint does not depend on the revision: it decides."""
    from spikeset.grade.grading import grade

    a = IDS.assignment
    sets = assemble(a, [Student("s001"), Student("s002")], SECRET)
    text = answer_text(sets[0], {}, student="s002").replace('[answers]', 'revisions = "nernst=99"\n\n[answers]')
    (tmp_path / "answers.toml").write_text(text)
    report = grade(assignment=a, submissions=[tmp_path], secret=SECRET, roster=[Student("s001"), Student("s002")],
                   jobs=1)
    (error,) = report.errors
    assert "it is the variant of student 's001'" in error.message, error.message
    own = answer_text(sets[1], {}).replace('[answers]', 'revisions = "nernst=99"\n\n[answers]')
    (tmp_path / "answers.toml").write_text(own)      # the student's own file of another revision: said so
    report = grade(assignment=a, submissions=[tmp_path], secret=SECRET, roster=[Student("s001"), Student("s002")],
                   jobs=1)
    assert "regrade with" in report.errors[0].message


# ------------------------------------------------------------------ hints for what is not one number

@pytest.mark.parametrize("text, hint", [
    ("≈ 60", "write the number alone, without '≈'"), ("~60 mV", "write the number alone, without '~'"),
    ("ca. 60 mV", "write the number alone, without 'ca.'"), ("about 60", "write the number alone, without 'about'"),
    ("60±2", "write the number alone, without the uncertainty '±2'"),
    ("60 ± 2 mV", "write the number alone, without the uncertainty '± 2'"),
    ("60 +/- 2 mV", "write the number alone, without the uncertainty '+/- 2'"),
    ("55-60", "is a range or a calculation; write one number"),
    ("55 to 60 mV", "is a range; write one number"),
])
def test_approximate_values_uncertainties_and_ranges_are_refused_with_a_hint(text, hint):
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, "mV")
    assert hint in str(info.value) and info.value.kind == "format"


@pytest.mark.parametrize("text, hint", [("- 89.1 mV", "write the sign next to the number: -89.1 mV"),
                                        ("+ 60", "write the sign next to the number: +60 mV"),
                                        ("\u2212 89.1 mV", "write the sign next to the number: -89.1 mV")])
def test_a_sign_apart_from_its_number_is_refused_with_a_hint(text, hint):
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, "mV")
    assert hint in str(info.value)


# ------------------------------------------------------------------ choices

@pytest.mark.parametrize("typed, status", [('"c."', "correct"), ('"ｃ"', "correct"), ('"(C)."', "correct"),
                                           ('"c,"', "invalid"), ('"\u0441"', "invalid")])
def test_a_choice_letter_with_a_full_stop_or_in_fullwidth_is_read(typed, status):
    right = IDS.questions["p2.c"].correct_label
    qs, _ = _graded([f'"p2.c" = {typed.replace("c", right).replace("C", right.upper()).replace("ｃ", chr(0xFF41 + ord(right) - 97))}'])
    assert qs["p2.c"].status == status, qs["p2.c"].feedback


def test_a_lookalike_choice_letter_is_shown_escaped():
    """"с" (Cyrillic) read "expected one of the letters a, b, c, got 'с'": the same glyph."""
    qs, _ = _graded(['"p2.c" = "\u0441"'])
    assert qs["p2.c"].status == "invalid" and "got '\\u0441'" in qs["p2.c"].feedback


def test_a_folder_named_like_an_answer_file_is_reported(tmp_path):
    (tmp_path / "s001" / "answers.toml").mkdir(parents=True)
    (tmp_path / "s002").mkdir()
    (tmp_path / "s002" / "answers.toml").write_text("x")
    files, errors = find_answer_files([tmp_path])
    assert [p.parent.name for p in files] == ["s002"]
    (error,) = errors
    assert "s001/answers.toml" in error.file and "is a folder; expected an answer file" in error.message


def test_a_misnamed_copy_beside_or_below_a_real_answer_file_is_not_reported(tmp_path):
    (tmp_path / "s001" / "old").mkdir(parents=True)
    (tmp_path / "s001" / "answers.toml").write_text("x")
    (tmp_path / "s001" / "old" / "answers.toml.bak").write_text("x")
    (tmp_path / "s001" / "answers.toml~").write_text("x")
    (tmp_path / "s002" / "sub").mkdir(parents=True)
    (tmp_path / "s002" / "answers.toml.txt").write_text("x")
    (tmp_path / "s002" / "sub" / "answers.toml").write_text("x")
    files, errors = find_answer_files([tmp_path])
    assert len(files) == 2 and not errors, errors


def test_with_no_sigfig_share_at_correctness_fewer_figures_read_as_any_miss():
    """Part credit for the right value with fewer figures lets a script find a sig-fig answer
    digit by digit (about 30 submissions for 3 figures); with sigfig_share = 0 at the
    correctness level (README: Feedback levels) "1.2" for 1.1697767 reads exactly as "1.3"."""
    from spikeset.grade.grading import grade_numeric
    from spikeset.model import Tolerance

    from grader_helpers import numeric

    pq = numeric(1.1697767, unit="ms", tolerance=Tolerance("sigfig", 3), points=2.0)
    seen = []
    for typed in ("1.2", "1.3", "1", "2"):
        result, _ = grade_numeric(pq, float(typed), {}, 1.0, raw=typed, sigfig_share=0.0, feedback="correctness")
        seen.append((result.points, result.status, result.feedback))
    assert len(set(seen)) == 1, seen


def test_a_trace_key_typed_in_another_case_names_its_question():
    from spikeset.grade.question_ids import resolve_question_ids

    af = parse_answer_text(answer_text(IDS, {"p1.a": '""'}, traces={"P1.A": "t.csv", "p9.z": "u.csv"}))
    resolved = resolve_question_ids(af, IDS.questions)
    assert resolved.traces == {"p1.a": "t.csv", "p9.z": "u.csv"}
    assert resolved.trace_lines["p1.a"] == af.trace_lines["P1.A"]


def test_one_file_named_several_ways_is_graded_once(tmp_path, monkeypatch):
    """`spikeset grade a.toml subs/ subs/s001/answers.toml` graded the file twice and warned that
    the student "also submitted" the very same file."""
    (tmp_path / "s001").mkdir()
    (tmp_path / "s001" / "answers.toml").write_text("x")
    monkeypatch.chdir(tmp_path)
    files, errors = find_answer_files(["s001", "s001/answers.toml", "./s001/answers.toml", str(tmp_path / "s001")])
    assert [str(p) for p in files] == ["s001/answers.toml"] and not errors


@pytest.mark.parametrize("text, unit", [
    ("12e", "pC"), ("3a", "ms"), ("5d", "ms"), ("2 yr", "ms"), ("1 in", "mm"), ("5 mph", "m/s"), ("5 pc", "pC"),
    ("5 angstrom", "mm"), ("5 ppm", None), ("5 mmol/gal", "mM"),
])
def test_a_unit_only_pint_knows_is_refused_not_read(text, unit):
    """Found by the form's agreement table: pint read "12e" on a pC question as 12 elementary
    charges, "3a" as 3 years and "5d" as 5 days (typos, read as something else). Units outside SI
    (and the minute, hour and day) are refused as unknown, as the page's form refuses them."""
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, unit)
    assert info.value.kind == "unit" and str(info.value).startswith("unknown unit")
