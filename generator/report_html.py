"""Self-contained feedback pages: one HTML file per student (CSS inlined, no scripts, no links out)."""
from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

from .grading import GradeReport
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
    # The same sheet as spikeset.render.stylesheet(), read directly: importing render pulls in matplotlib.
    return (importlib.resources.files("spikeset.templates") / "style.css").read_text(encoding="utf-8")


def feedback_pages(report: GradeReport, *, reveal: bool = False) -> dict[str, str]:
    """File name -> HTML of each student's feedback page."""
    template = _environment().get_template(TEMPLATE)
    css = _stylesheet()
    pages: dict[str, str] = {}
    for s in report.submissions:
        name = _SAFE_NAME.sub("_", s.student).lstrip(".") or "student"
        pages[f"{name}.html"] = template.render(
            a=report.assignment, s=s, css=css, reveal=reveal, points=fmt_points, given=given_shown,
            answer=answer_shown, file_name=Path(s.file).name, level_note=_level_note(report.assignment, reveal))
    return pages


def _level_note(assignment, reveal: bool) -> str:
    note = LEVEL_NOTES.get(getattr(assignment, "feedback", ""), "")
    if reveal:
        return f"{note} The correct values are shown."
    after = getattr(assignment, "reveal_after", None)
    return f"{note} The correct values are shown after {after}." if after else note


def write_feedback_pages(report: GradeReport, out_dir: Path, *, reveal: bool = False) -> list[Path]:
    from .atomic_write import write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in feedback_pages(report, reveal=reveal).items():
        path = out_dir / name
        write_atomic(path, text, fsync=False)
        written.append(path)
    return written
