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
