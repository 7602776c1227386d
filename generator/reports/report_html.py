"""Self-contained feedback pages: one HTML file per student (CSS inlined, no scripts, no links out)."""
from __future__ import annotations

import importlib.resources
import re
from pathlib import Path
from typing import Any, Mapping

from markupsafe import Markup

from ..formatting import formula_html
from ..grade.grading import GradeReport
from .reports import answer_shown, fmt_points, given_shown

TEMPLATE = "feedback.html.j2"
LEVEL_NOTES = {
    "correctness": "This feedback says whether each answer is right and its points.",
    "misconceptions": "This feedback says whether each answer is right, its points, and which typical "
                      "mistake a wrong answer matches.",
    "full": "This feedback says whether each answer is right, its points, which typical mistake a wrong "
            "answer matches, and how far off a wrong number is.",
}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.@+-]")


def _environment():
    import jinja2

    root = importlib.resources.files("spikeset.templates")
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _stylesheet() -> str:
    # The same sheet as spikeset.render.render.stylesheet(), read directly: importing render pulls in matplotlib.
    return (importlib.resources.files("spikeset.templates") / "style.css").read_text(encoding="utf-8")


def feedback_pages(report: GradeReport, *, reveal: bool = False,
                   sets: Mapping[str, Any] | None = None) -> dict[str, str]:
    """File name -> HTML of each student's feedback page.

    With ``sets`` (student id -> StudentSet, see :func:`student_sets`) each row also shows the
    question as the sheet asked it and the text of a chosen option.
    """
    template = _environment().get_template(TEMPLATE)
    css = _stylesheet()
    pages: dict[str, str] = {}
    for s in report.submissions:
        name = _SAFE_NAME.sub("_", s.student).lstrip(".") or "student"
        student_set = (sets or {}).get(s.student)
        placed = student_set.questions if student_set is not None and student_set.fingerprint == s.variant else {}
        pages[f"{name}.html"] = template.render(
            a=report.assignment, s=s, css=css, reveal=reveal, points=fmt_points, given=given_shown,
            answer=answer_shown, file_name=Path(s.file).name, placed=placed, option=_option_text,
            formula=lambda text: Markup(formula_html(text)),
            level_note=_level_note(report.assignment, reveal))
    return pages


def _option_text(pq: Any, label: Any) -> Markup:
    """The text of the option ``label`` of a choice question, as printed (empty if none)."""
    from ..grade.grading import chosen_option

    option = chosen_option(pq, label) if isinstance(label, str) and hasattr(pq, "labelled") else None
    return Markup(option.text) if option is not None else Markup("")


def _level_note(assignment, reveal: bool) -> str:
    note = LEVEL_NOTES.get(getattr(assignment, "feedback", ""), "")
    if reveal:
        return f"{note} The correct values are shown."
    after = getattr(assignment, "reveal_after", None)
    return f"{note} The correct values are shown after {after}." if after else note


def student_sets(report: GradeReport, secret: bytes | None) -> dict[str, Any] | None:
    """The graded students' sets (for the questions' text), or None when they cannot be drawn."""
    from ..variants.assemble import assemble
    from ..errors import SpikesetError
    from ..variants.roster import Student

    ids = sorted({s.student for s in report.submissions})
    if not ids:
        return None
    try:
        return {st.student.id: st for st in assemble(report.assignment, [Student(id=i) for i in ids], secret)}
    except SpikesetError:
        return None


def write_feedback_pages(report: GradeReport, out_dir: Path, *, reveal: bool = False,
                         sets: Mapping[str, Any] | None = None) -> list[Path]:
    from ..atomic_write import write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in feedback_pages(report, reveal=reveal, sets=sets).items():
        path = out_dir / name
        write_atomic(path, text, fsync=False)
        written.append(path)
    return written
