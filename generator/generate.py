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
             pdf: bool = True, paper: str = "A4", progress: Callable[[str], None] | None = None) -> GeneratedFiles:
    """Write ``students/<id>/{problems.html,problems.pdf,answers.toml}`` and
    ``instructor/{key.json,solutions.html,solutions.pdf}`` below ``out_dir``."""
    from .pdf import write_pdf
    from .render import render_problem_set, render_solutions

    out = Path(out_dir)
    sets: list[StudentSet] = assemble(assignment, students, secret)
    dirs = []
    for s in sets:
        d = out / "students" / s.student.id
        html_text = render_problem_set(s, paper=paper)
        _write(d / "problems.html", html_text)
        _write(d / "answers.toml", blank_answer_file(s))
        if pdf:
            write_pdf(html_text, d / "problems.pdf")
        dirs.append(d)
        if progress:
            progress(s.student.id)
    inst = out / "instructor"
    key_path = inst / "key.json"
    _write(key_path, json.dumps(answer_key(sets), indent=1, sort_keys=False) + "\n")
    solutions = render_solutions(sets, paper=paper)
    _write(inst / "solutions.html", solutions)
    sol_pdf = None
    if pdf:
        sol_pdf = inst / "solutions.pdf"
        write_pdf(solutions, sol_pdf)
    return GeneratedFiles(out_dir=out, student_dirs=tuple(dirs), key=key_path,
                          solutions_html=inst / "solutions.html", solutions_pdf=sol_pdf)
