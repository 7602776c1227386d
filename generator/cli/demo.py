"""``spikeset demo``: the whole job on a built-in problem set and quiz for a small class.

Generates every set (PDFs for the first few students), writes sample submissions (right ones,
ones with typical mistakes, a malformed one), grades them and says where everything is. The
quiz needs no simulation, so it is rendered first while a second process compiles (or loads)
the HH solver for the problem set.
"""
from __future__ import annotations

import importlib.resources
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from ..variants.assemble import PlacedQuestion, StudentSet, assemble
from ..variants.assignment import load_assignment
from ..variants.roster import load_roster

DEMO_SECRET = b"spikeset-demo-secret (use your own: SPIKESET_SECRET)"
#: Students of the demo (the first of the built-in roster): every sample style twice.
DEMO_STUDENTS = 10
#: Students whose sets and solutions the demo also prints to PDF (a PDF costs about as much
#: as the HTML of the whole demo class).
DEMO_PDFS = 1


def _data(name: str) -> Path:
    return Path(str(importlib.resources.files("spikeset") / "data" / name))


def default_files() -> tuple[Path, Path]:
    """The built-in problem set and roster."""
    return _data("default_assignment.toml"), _data("default_roster.csv")


def default_quiz() -> Path:
    """The built-in conceptual quiz."""
    return _data("default_quiz.toml")


def default_extended() -> Path:
    """The second built-in set: passive membrane, GHK current, gate kinetics, voltage clamp,
    strength-duration, cable, f-I curve."""
    return _data("default_extended.toml")


#: Students of the demo who also get the extended set (HTML only: it has two figures each).
DEMO_EXTENDED_STUDENTS = 3


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


def generate_and_grade_samples(assignment_path: Path, students, out_dir: Path, *, pdf: bool | int,
                               first: "Callable[[Path], None] | None" = None):
    """Generate, write sample submissions, grade; return (files, report).

    ``pdf``: True for every student's PDFs, a number for the first that many students only.
    ``first(path)`` is called once, when the first student's page is written."""
    from ..atomic_write import write_atomic
    from ..render.generate import generate, student_paths
    from ..grade.grading import grade
    from ..reports.reports import json_text, markdown
    from .progress import progress_reporter

    assignment = load_assignment(assignment_path)
    announced = []

    def progress(student_id: str) -> None:
        if first and not announced:
            announced.append(student_id)
            first(student_paths(out_dir, student_id)["html"])

    with progress_reporter() as report:
        files = generate(assignment=assignment, students=students, secret=DEMO_SECRET, out_dir=out_dir,
                         pdf=pdf is True, reporter=report, progress=progress)
    if pdf is not True and pdf:
        from ..render.pdf import write_pdfs

        documents = []
        for student in students[:int(pdf)]:
            paths = student_paths(out_dir, student.id)
            documents += [(paths["html"].read_text(encoding="utf-8"), paths["pdf"]),
                          (paths["solutions"].read_text(encoding="utf-8"), paths["solutions_pdf"])]
        write_pdfs(documents)  # side by side on several cores
    shutil.copy(assignment_path, out_dir / "assignment.toml")
    subs = out_dir / "submissions"
    sets = assemble(assignment, students, DEMO_SECRET)
    for i, s in enumerate(sets):
        write_atomic(subs / s.student.id / "answers.toml", sample_submission(s, STYLES[i % len(STYLES)]), fsync=False)
    broken = subs / sets[-1].student.id / "answers.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("[answers]", "[answers"), encoding="utf-8")
    report = grade(assignment=assignment, submissions=[subs], secret=DEMO_SECRET, roster=students)
    write_atomic(out_dir / "grades.md", markdown(report))
    write_atomic(out_dir / "grades.json", json_text(report))
    return files, report


def warm_solver() -> None:
    """Compile the HH solver's kernels into numba's cache (a one-student problem set)."""
    from ..variants.roster import Student

    assignment_path, _ = default_files()
    assemble(load_assignment(assignment_path), [Student("warm-up")], DEMO_SECRET)


def _start_solver_warmup() -> subprocess.Popen | None:
    """Run :func:`warm_solver` in a second process (the first compile takes ~15 s; later runs
    load the cache in a fraction of a second)."""
    if "spikeset.solutions.hh_solver" in sys.modules:
        return None
    try:
        return subprocess.Popen([sys.executable, "-c", "from spikeset.cli.demo import warm_solver; warm_solver()"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def command_name(argv0: str | None = None) -> str:
    """How to type ``spikeset`` in this shell: ``spikeset`` when that is on the PATH and is this
    program, else the path it was started by (``.venv/bin/spikeset`` after ``make demo``)."""
    import os

    argv0 = argv0 if argv0 is not None else sys.argv[0]
    if Path(argv0).name != "spikeset":
        return "spikeset"   # python -m spikeset.cli, a test: nothing better to say
    on_path = shutil.which("spikeset")
    try:
        if on_path and os.path.samefile(on_path, argv0):
            return "spikeset"
    except OSError:
        pass
    absolute = os.path.abspath(argv0)
    try:
        shown = os.path.relpath(absolute)
    except ValueError:   # another drive (Windows)
        return absolute
    # a path with a separator runs as typed; one that climbs out of here reads better whole
    return absolute if shown.startswith("..") else shown if os.sep in shown else os.path.join(".", shown)


#: The file that marks a folder as the demo's own, which the next demo run may replace whole.
DEMO_MARKER = ".spikeset-demo"
#: What a demo folder written before the marker existed holds (so that it is replaced too).
OLD_DEMO_LAYOUT = {"assignment.toml", "roster.csv", "students", "instructor", "submissions", "quiz"}


def prepare_out_dir(out_dir: Path) -> None:
    """Empty ``out_dir`` for the demo: a folder of an earlier demo is replaced whole; any other
    folder that holds files is refused (``--out .`` or a class's build folder must never be
    deleted)."""
    from ..errors import UsageError

    if out_dir.exists() or out_dir.is_symlink():
        if not out_dir.is_dir() or out_dir.is_symlink():
            raise UsageError(f"--out {out_dir}: not a folder; the demo writes a folder of its own")
        names = {entry.name for entry in out_dir.iterdir()}
        if (out_dir / DEMO_MARKER).is_file() or OLD_DEMO_LAYOUT <= names:
            shutil.rmtree(out_dir)
        elif names:
            raise UsageError(f"--out {out_dir}: the folder holds files that the demo did not write, and the "
                             f"demo replaces its folder whole; give a new or empty folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / DEMO_MARKER).write_text("Written by `spikeset demo`, which replaces this folder whole on its "
                                       "next run.\n", encoding="utf-8")


def run_demo(*, out_dir: Path, pdf: bool = True, students: int = DEMO_STUDENTS) -> int:
    from ..reports.reports import print_summary

    started = time.perf_counter()
    assignment_path, roster_path = default_files()
    roster = load_roster(roster_path)[:students]
    prepare_out_dir(out_dir)
    (out_dir / "roster.csv").write_text(
        "".join(roster_path.read_text(encoding="utf-8").splitlines(keepends=True)[:len(roster) + 1]), encoding="utf-8")
    warmup = _start_solver_warmup()
    pdfs = DEMO_PDFS if pdf else False

    def first(path: Path) -> None:
        print(f"  first set written after {time.perf_counter() - started:.1f} s: {path}", flush=True)

    summary = {}
    try:
        for label, path, folder in (("quiz", default_quiz(), out_dir / "quiz"),
                                    ("problem set", assignment_path, out_dir),
                                    ("extended set", default_extended(), out_dir / "extended")):
            assignment = load_assignment(path)
            if label == "problem set" and warmup is not None:
                warmup.wait()
            who = roster[:DEMO_EXTENDED_STUDENTS] if label == "extended set" else roster
            with_pdfs = pdfs if label != "extended set" else False
            print(f"spikeset demo: {label} {assignment.title!r}: {len(assignment.problems)} problems, "
                  f"{len(who)} students" + (f" (PDFs for {DEMO_PDFS})" if with_pdfs else "") + " ...",
                  flush=True)
            files, report = generate_and_grade_samples(path, who, folder, pdf=with_pdfs, first=first)
            first = None  # type: ignore[assignment]
            print_summary(report)
            print()
            summary[label] = (folder, files)
    finally:
        if warmup is not None and warmup.poll() is None:
            warmup.kill()
    print(f"Done in {time.perf_counter() - started:.0f} s. Outputs in {out_dir}/:")
    for label in ("problem set", "quiz", "extended set"):
        folder, files = summary[label]
        with_pdfs = pdf and label != "extended set"
        some = f" (PDFs for the first {DEMO_PDFS})" if with_pdfs else ""
        print(f"  {label}:")
        print(f"    student sets   {folder}/students/<id>/problems.html" + (", problems.pdf" if with_pdfs else "")
              + f", answers.toml{some}")
        print(f"    instructor     {files.key}, {files.key_csv},")
        print(f"                   {files.solutions_dir}/<id>.html" + (", <id>.pdf" if with_pdfs else "")
              + f" (index: {files.solutions_index})")
        print(f"    submissions    {folder}/submissions/<id>/answers.toml (samples: right, typical mistakes, one malformed)")
        print(f"    grades         {folder}/grades.md, {folder}/grades.json")
    print(f"  open first:      {summary['problem set'][1].student_dirs[0] / 'problems.html'}")
    command = command_name()
    print(f"  regrade:         SPIKESET_SECRET='{DEMO_SECRET.decode()}' \\")
    print(f"                   {command} grade {out_dir}/assignment.toml {out_dir}/submissions --roster {out_dir}/roster.csv")
    print(f"  whole class:     {command} generate {assignment_path} --roster {roster_path} --out class-out")
    return 0
