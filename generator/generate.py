"""``spikeset generate``: every student's problem set (HTML, PDF, blank answer file) and the
instructor's key and worked solutions."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .answer_file import blank_answer_file
from .assemble import StudentSet, assemble
from .assignment import Assignment
from .keyfile import answer_key
from .roster import Student
from .signing import VARIANT_FILE, signed_variant_text


@dataclass(frozen=True)
class GeneratedFiles:
    out_dir: Path
    student_dirs: tuple[Path, ...]
    key: Path
    solutions_html: Path
    solutions_pdf: Path | None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def generate(*, assignment: Assignment, students: Sequence[Student], secret: bytes | None, out_dir: str | Path,
             pdf: bool = True, paper: str = "A4", progress: Callable[[str], None] | None = None,
             jobs: int | None = None, reporter: Callable[[str, int, int], None] | None = None,
             signing_key=None) -> GeneratedFiles:
    """Write ``students/<id>/{problems.html,problems.pdf,answers.toml}`` and
    ``instructor/{key.json,solutions.html,solutions.pdf}`` below ``out_dir``.

    ``jobs``: processes rendering PDFs (default: all cores). ``progress(student_id)`` is called
    once each student's HTML and answer file are written; ``reporter(phase, done, total)``
    follows the phases "problem sets" and "PDFs" (for progress bars).
    """
    from .pdf import write_pdfs
    from .render import render_problem_set, render_solutions

    report = reporter or (lambda phase, done, total: None)
    out = Path(out_dir)
    sets: list[StudentSet] = assemble(assignment, students, secret)
    dirs = []
    documents: list[tuple[str, Path]] = []
    for i, s in enumerate(sets):
        d = out / "students" / s.student.id
        html_text = render_problem_set(s, paper=paper)
        _write(d / "problems.html", html_text)
        _write(d / "answers.toml", blank_answer_file(s))
        if signing_key is not None:  # variant.toml: see spikeset.signing
            _write(d / VARIANT_FILE, signed_variant_text(s, signing_key))
        if pdf:
            documents.append((html_text, d / "problems.pdf"))
        dirs.append(d)
        if progress:
            progress(s.student.id)
        report("problem sets", i + 1, len(sets))
    inst = out / "instructor"
    key_path = inst / "key.json"
    _write(key_path, json.dumps(answer_key(sets), indent=1, sort_keys=False) + "\n")
    solutions = render_solutions(sets, paper=paper)
    _write(inst / "solutions.html", solutions)
    sol_pdf = None
    if pdf:
        sol_pdf = inst / "solutions.pdf"
        documents.append((solutions, sol_pdf))
        count = 0

        def done(path: Path) -> None:
            nonlocal count
            count += 1
            report("PDFs", count, len(documents))

        report("PDFs", 0, len(documents))
        write_pdfs(documents, jobs=jobs, done=done)
    return GeneratedFiles(out_dir=out, student_dirs=tuple(dirs), key=key_path,
                          solutions_html=inst / "solutions.html", solutions_pdf=sol_pdf)
