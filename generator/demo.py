"""``spikeset demo``: the whole job on a built-in assignment and a 30-student roster.

Generates every set, writes sample submissions (right ones, ones with typical mistakes,
a malformed one), grades them and says where everything is.
"""
from __future__ import annotations

import importlib.resources
import math
import shutil
from pathlib import Path

from .assemble import PlacedQuestion, StudentSet, assemble
from .assignment import load_assignment
from .roster import load_roster

DEMO_SECRET = b"spikeset-demo-secret (use your own: SPIKESET_SECRET)"


def _data(name: str) -> Path:
    return Path(str(importlib.resources.files("spikeset") / "data" / name))


def default_files() -> tuple[Path, Path]:
    """The built-in problem set and roster."""
    return _data("default_assignment.toml"), _data("default_roster.csv")


def default_quiz() -> Path:
    """The built-in conceptual quiz."""
    return _data("default_quiz.toml")


def _toml_value(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(float(value)) if isinstance(value, float) else str(value)


def _answer(pq: PlacedQuestion, style: str, i: int):
    """A sample answer for ``pq`` in the given style (right, mistaken, sloppy...)."""
    ref = pq.reference
    if pq.type == "choice":
        if style == "misconception":
            wrong = [lab for lab, opt in pq.labelled if not opt.correct]
            return wrong[i % len(wrong)]
        return ref
    q = pq.question
    if style == "misconception" and q.misconceptions:
        return round(q.misconceptions[i % len(q.misconceptions)].value, 6)
    if style == "off" and i % 2 == 0:
        return round(ref * 1.05, 6)
    if style == "units" and pq.unit == "mV":
        return f"{ref / 1000:.6g} V"
    if style == "units" and pq.unit == "uA/cm^2":
        return f"{ref:.6g} µA/cm²"
    return round(ref, 6) if math.isfinite(ref) else ref


def sample_submission(s: StudentSet, style: str) -> str:
    lines = [f'student = "{s.student.id}"', f'assignment = "{s.assignment.id}"', f'variant = "{s.fingerprint}"',
             "", "[answers]"]
    for i, pq in enumerate(s.questions.values()):
        if style == "partial" and i % 3 == 2:
            continue
        lines.append(f'"{pq.id}" = {_toml_value(_answer(pq, style, i))}')
    return "\n".join(lines) + "\n"


STYLES = ("right", "misconception", "off", "units", "partial")


def generate_and_grade_samples(assignment_path: Path, students, out_dir: Path, *, pdf: bool):
    """Generate, write sample submissions, grade; return (files, report)."""
    from .atomic_write import write_atomic
    from .generate import generate
    from .grading import grade
    from .reports import json_text, markdown

    from .progress import progress_reporter

    assignment = load_assignment(assignment_path)
    with progress_reporter() as report:
        files = generate(assignment=assignment, students=students, secret=DEMO_SECRET, out_dir=out_dir, pdf=pdf,
                         reporter=report)
    shutil.copy(assignment_path, out_dir / "assignment.toml")
    subs = out_dir / "submissions"
    sets = assemble(assignment, students, DEMO_SECRET)
    for i, s in enumerate(sets):
        d = subs / s.student.id
        d.mkdir(parents=True, exist_ok=True)
        (d / "answers.toml").write_text(sample_submission(s, STYLES[i % len(STYLES)]), encoding="utf-8")
    broken = subs / sets[-1].student.id / "answers.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("[answers]", "[answers"), encoding="utf-8")
    report = grade(assignment=assignment, submissions=[subs], secret=DEMO_SECRET, roster=students)
    write_atomic(out_dir / "grades.md", markdown(report))
    write_atomic(out_dir / "grades.json", json_text(report))
    return files, report


def run_demo(*, out_dir: Path, pdf: bool = True) -> int:
    from .reports import print_summary

    assignment_path, roster_path = default_files()
    students = load_roster(roster_path)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    shutil.copy(roster_path, out_dir / "roster.csv")
    summary = []
    for label, path, folder in (("problem set", assignment_path, out_dir), ("quiz", default_quiz(), out_dir / "quiz")):
        assignment = load_assignment(path)
        print(f"spikeset demo: {label} {assignment.title!r}: {len(assignment.problems)} problems, "
              f"{len(students)} students" + (" (PDFs take a few minutes on 2 cores)" if pdf else "") + " ...",
              flush=True)
        files, report = generate_and_grade_samples(path, students, folder, pdf=pdf)
        print_summary(report)
        print()
        summary.append((label, folder, files))
    print(f"Outputs in {out_dir}/:")
    for label, folder, files in summary:
        print(f"  {label}:")
        print(f"    student sets   {folder}/students/<id>/problems.html" + (", problems.pdf" if pdf else "")
              + ", answers.toml")
        print(f"    instructor     {files.key}, {files.solutions_html}" + (f", {files.solutions_pdf}" if pdf else ""))
        print(f"    submissions    {folder}/submissions/<id>/answers.toml (samples: right, typical mistakes, one malformed)")
        print(f"    grades         {folder}/grades.md, {folder}/grades.json")
    print(f"  open first:      {summary[0][2].student_dirs[0] / 'problems.html'}")
    print(f"  regrade:         SPIKESET_SECRET='{DEMO_SECRET.decode()}' \\")
    print(f"                   spikeset grade {out_dir}/assignment.toml {out_dir}/submissions --roster {out_dir}/roster.csv")
    return 0
