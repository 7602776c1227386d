"""Grading with the instructor's public key instead of the course secret (``grade --public-key``).

Each answer file needs its signed ``variant.toml`` beside it. The signature is checked, the
variant is recomputed from the signed parameters (:func:`spikeset.variants.assemble.assemble_signed`), and
in GitHub Actions the variant must belong to the repository's owner (:func:`repository_binding`).
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Mapping, Sequence

from .answer_file import read_answer_file
from ..variants.assemble import assemble_signed
from ..variants.assignment import Assignment
from ..errors import AnswerFileError, SpikesetError
from .grading import (GradeReport, QuestionResult, SubmissionResult, _not_graded,
                      find_answer_files, grade_submission, mark_duplicates)
from ..safe_text import safe_name
from ..variants.roster import STUDENT_ID, Student
from ..variants.signing import VARIANT_FILE, PublicKey, read_signed_variant


def repository_binding(student: str, github: str | None, environ: Mapping[str, str]) -> str | None:
    """Why a variant signed for ``student`` (GitHub user ``github``; the student id when the
    roster had no ``github`` column) must not be graded in this repository, or None when it may.

    Outside GitHub Actions (no ``GITHUB_REPOSITORY``) nothing is checked. In Actions the
    repository name (after ``owner/``) must be the login or end with ``-<login>`` (GitHub
    Classroom names repositories ``<assignment>-<login>``), case-insensitively; and when the
    person who started the run (``GITHUB_ACTOR``) is someone else whose own login also ends the
    repository name, the repository is theirs: refused. A teacher re-running a student's workflow
    passes (their login does not end the repository name).
    """
    repository = environ.get("GITHUB_REPOSITORY", "").strip()
    if not repository:
        return None
    login = (github or student).lower()
    name = repository.rsplit("/", 1)[-1].lower()
    actor = environ.get("GITHUB_ACTOR", "").strip().lower()
    shown = repository[:100].encode("ascii", "backslashreplace").decode("ascii")
    owns = name == login or name.endswith("-" + login)
    actor_owns = bool(actor) and actor != login and (name == actor or name.endswith("-" + actor))
    if owns and not (actor_owns and len(actor) > len(login)):
        return None
    return (f"this variant was signed for student {student!r} (GitHub user {login!r}), but this is the "
            f"repository {shown!r}: an answer file made for another student scores 0")


def grade_signed(*, assignment: Assignment, submissions: Sequence[str | Path], public_key: PublicKey,
                 roster: Sequence[Student] | None = None, sigfig_share: float | None = None,
                 environ: Mapping[str, str] | None = None) -> GradeReport:
    """Grade answer files, each against the signed variant beside it (no secret needed)."""
    env = os.environ if environ is None else environ
    files, errors = find_answer_files(submissions)
    results: list[SubmissionResult] = []
    roster_by_id = {s.id: s for s in roster} if roster is not None else None
    for path in files:
        try:
            results.append(_grade_one(path, assignment, public_key, roster_by_id, sigfig_share, env))
        except Exception as exc:  # whatever one file causes costs only that file (a bug: exit status 3)
            errors.append(_not_graded(path, exc, "grading it"))
    return GradeReport(assignment=assignment, submissions=tuple(mark_duplicates(results)), errors=tuple(errors))


def _grade_one(path: Path, assignment: Assignment, public_key: PublicKey,
               roster_by_id: dict[str, Student] | None, sigfig_share: float | None,
               env: Mapping[str, str]) -> SubmissionResult:
    try:
        af = read_answer_file(path)
    except SpikesetError:
        raise
    except (ValueError, RecursionError, MemoryError, OSError) as exc:  # hostile input the reader let through
        raise AnswerFileError(f"cannot be read as an answer file ({exc.__class__.__name__})",
                              file=safe_name(path)) from None
    if af.assignment != assignment.id:
        raise AnswerFileError(f"assignment is {af.assignment[:60]!r}; expected {assignment.id!r}", file=af.path,
                              place=str(af.lines.get("assignment", "assignment")))
    payload = read_signed_variant(Path(af.source_path or path).parent / VARIANT_FILE, public_key)
    student = payload.get("student")
    if not isinstance(student, str) or not STUDENT_ID.match(student):
        raise AnswerFileError(f"{VARIANT_FILE}: signed, but without a valid student id", file=af.path)
    for field, signed in (("assignment", payload.get("assignment")), ("student", student),
                          ("variant", payload.get("variant"))):
        if getattr(af, field) != signed:
            raise AnswerFileError(f"{field} is {getattr(af, field)[:60]!r} but the signed {VARIANT_FILE} beside it "
                                  f"is for {str(signed)[:60]!r}: keep the answer file and the variant of one "
                                  f"problem set together", file=af.path, place=str(af.lines.get(field, field)))
    if roster_by_id is not None and student not in roster_by_id:
        raise AnswerFileError(f"student {student!r} is not on the roster", file=af.path,
                              place=str(af.lines.get("student", "student")))
    try:
        student_set = assemble_signed(assignment, payload)
    except SpikesetError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise AnswerFileError(f"{VARIANT_FILE}: signed, but its variant does not fit this spikeset "
                              f"({exc.__class__.__name__}); regrade with spikeset {payload.get('spikeset')}",
                              file=af.path) from None
    if roster_by_id is not None:
        known = roster_by_id[student]
        student_set = replace(student_set, student=replace(known, github=student_set.student.github
                                                           or known.github))
    result = grade_submission(student_set, af, sigfig_share=sigfig_share)
    why_not = repository_binding(student, payload.get("github"), env)
    return _zeroed(result, why_not) if why_not else result


def _zeroed(result: SubmissionResult, reason: str) -> SubmissionResult:
    """Every question at 0 points, the reason as feedback and as a warning."""
    questions = tuple(QuestionResult(id=q.id, points=0.0, max_points=q.max_points, status="invalid",
                                     feedback=f"Not counted: {reason}.", given=q.given, unit=q.unit,
                                     type=q.type, line=q.line, reference=q.reference)
                      for q in result.questions)
    return replace(result, questions=questions, warnings=result.warnings + (f"{result.file}: {reason}",),
                   prepared_json=None)


def foreign_repository_warnings(report: GradeReport, roster: Sequence[Student]) -> GradeReport:
    """Grading clones of the students' repositories with the secret: warn about an answer file
    that sits in another student's repository: the nearest of its three enclosing folders named
    ``<login>`` or ``<prefix>-<login>`` after a roster student's ``github`` column (rosters without
    that column are not checked). The instructor-side view of the repository binding."""
    owners = {s.github.lower(): s for s in roster if s.github}
    if not owners:
        return report
    results = []
    for result in report.submissions:
        owner = _repository_owner(Path(result.file).parent, owners)
        if owner is not None and owner.id != result.student:
            result = replace(result, prepared_json=None, warnings=result.warnings + (
                f"{result.file}: the answer file of student {result.student!r} sits in the repository of "
                f"student {owner.id!r} (GitHub user {owner.github!r})",))
        results.append(result)
    return replace(report, submissions=tuple(results))


def _repository_owner(folder: Path, owners: Mapping[str, Student]) -> Student | None:
    """The student whose login names the nearest enclosing folder (the longest matching suffix)."""
    for name in (folder, *folder.parents)[:3]:
        parts = name.name.lower().split("-")
        for i in range(len(parts)):
            owner = owners.get("-".join(parts[i:]))
            if owner is not None:
                return owner
    return None
