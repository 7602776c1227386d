"""Grade reports: the terminal summary, JSON and Markdown; other formats live in ``report_*``.

Each writer is imported only when its option is given, so a plain ``spikeset grade`` stays light.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..atomic_write import write_atomic
from ..grade.grading import STATUSES, GradeReport
from ..formatting import points_number
from ..safe_text import safe_name, safe_text
from ..grade.report_json import json_text, layered_json  # noqa: F401  (the JSON writer, re-exported)

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def write_reports(report: GradeReport, args: argparse.Namespace) -> list[str]:
    """Write every report asked for; each is written whole or not at all (a temporary file
    renamed over the target). A writer that fails does not stop the others: returns one line per
    failure (the caller reports them and sets the exit status)."""
    reveal = bool(getattr(args, "reveal", False))
    failures: list[str] = []

    def attempt(option: str, target: str, write) -> None:
        try:
            write()
        except OSError as exc:
            failures.append(f"{option} {safe_name(target)}: cannot write: {exc.strerror or exc.__class__.__name__}")
        except Exception as exc:  # a bug of spikeset: the other reports are still written
            failures.append(f"{option} {safe_name(target)}: internal error: {exc.__class__.__name__}: "
                            f"{safe_text(exc, 200)}")

    if getattr(args, "json", None):
        attempt("--json", args.json, lambda: emit(args.json, json_text(report, reveal=reveal)))
    if getattr(args, "markdown", None) or getattr(args, "github_classroom", False):
        def write_markdown() -> None:
            text = markdown(report, reveal=reveal)
            if getattr(args, "markdown", None):
                emit(args.markdown, text)
            append_step_summary(text)
        attempt("--markdown", getattr(args, "markdown", None) or STEP_SUMMARY_ENV, write_markdown)
    if getattr(args, "junit", None):
        def write_junit() -> None:
            from .report_junit import junit_xml
            emit(args.junit, junit_xml(report, reveal=reveal))
        attempt("--junit", args.junit, write_junit)
    if getattr(args, "gradebook", None):
        def write_gradebook() -> None:
            from .report_gradebook import gradebook_from_args
            emit(args.gradebook, gradebook_from_args(report, args))
        attempt("--gradebook", args.gradebook, write_gradebook)
    if getattr(args, "html", None):
        def write_html() -> None:
            from .report_html import student_sets, write_feedback_pages
            # The question texts come from the students' sets, drawn again with the secret; a
            # report graded from signed variants (--public-key) has no secret: no texts then.
            sets = None if getattr(args, "public_key", None) else student_sets(report, _secret(args))
            write_feedback_pages(report, Path(args.html), reveal=reveal, sets=sets)
        attempt("--html", args.html, write_html)
    return failures


def _secret(args: argparse.Namespace) -> bytes | None:
    """The course secret (``--secret-file`` or $SPIKESET_SECRET), read without a note: the
    command already said so if there is none."""
    from ..variants.seeding import read_secret
    return read_secret(getattr(args, "secret_file", None))


def emit(target: str, text: str) -> None:
    """``text`` to stdout (``-``) or to a file, atomically (a killed run leaves the previous file)."""
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(target, text)


def append_step_summary(text: str) -> None:
    """Add the Markdown to the GitHub Actions job summary when running there."""
    target = os.environ.get(STEP_SUMMARY_ENV)
    if not target:
        return
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")


def fmt_points(x: float) -> str:
    """Points without their unit, as every output writes them (``0.5``, ``1``, ``2.75``)."""
    return points_number(x)


_fmt_points = fmt_points


def answer_shown(q) -> str:
    """The reference answer as reports show it (``--reveal``)."""
    if q.reference is None:
        return ""
    if isinstance(q.reference, float):
        return f"{q.reference:.4g} {q.unit or ''}".strip()
    return f"({q.reference})" if q.type == "choice" else str(q.reference)


def given_shown(q) -> str:
    """What the student wrote, shown safely (control and bidi characters escaped), cut to 40 characters."""
    if q.given is None or q.status == "missing":
        return ""
    return safe_text(q.given if isinstance(q.given, str) else repr(q.given), 40)


def _md(text: str) -> str:
    """Student text as Markdown shows it: no table cell broken, no code span, tag, link or image."""
    return (safe_text(text, 2000).replace("|", "\\|").replace("`", "\\`").replace("<", "&lt;")
            .replace("[", "\\[").replace("]", "\\]"))


def markdown(report: GradeReport, *, reveal: bool = False) -> str:
    lines = [f"# Grades: {report.assignment.title} (`{report.assignment.id}`)", ""]
    if report.submissions:
        lines += ["| Student | Score | % |", "|---|---:|---:|"]
        for s in report.submissions:
            lines.append(f"| {_md(s.student)} | {fmt_points(s.score)} / {fmt_points(s.max_score)} | {s.percent:.0f} |")
        lines.append("")
    for s in report.submissions:
        lines += [f"## {_md(s.name or s.student)} (`{s.student}`): {fmt_points(s.score)} / {fmt_points(s.max_score)}", ""]
        head = "| Question | Points | Status | Your answer | Feedback |" + (" Answer |" if reveal else "")
        lines += [head, "|---|---:|---|---|---|" + ("---|" if reveal else "")]
        for q in s.questions:
            row = (f"| `{q.id}` | {fmt_points(q.points)} / {fmt_points(q.max_points)} | {q.status} | "
                   f"{_md(given_shown(q))} | {_md(q.feedback)} |")
            if reveal:
                row += f" {_md(answer_shown(q))} |"
            lines.append(row)
        for w in s.warnings:
            lines.append(f"\n> warning: {_md(w)}")
        lines.append("")
    if report.errors:
        lines += ["## Files that could not be graded", ""]
        lines += [f"- {_md(e.file)}: {_md(e.message)}" for e in report.errors]
        lines.append("")
    return "\n".join(lines)


def _counts(s) -> list[int]:
    return [sum(q.status == st for q in s.questions) for st in STATUSES]


def print_summary(report: GradeReport, *, reveal: bool = False, stream=None) -> None:
    """A table of scores: drawn with rich (in colour) on a terminal, plain text otherwise."""
    stream = stream or sys.stdout
    if _is_terminal(stream):
        _rich_summary(report, stream)
    else:
        _plain_summary(report, stream)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _plain_summary(report: GradeReport, stream) -> None:
    width = max([len(s.student) for s in report.submissions] + [7])
    print(f"{report.assignment.title} ({report.assignment.id}): {len(report.submissions)} graded, "
          f"{len(report.errors)} not graded", file=stream)
    if report.submissions:
        print(f"{'student':<{width}}  {'score':>13}  {'%':>5}  correct/incorrect/missing/invalid", file=stream)
        for s in report.submissions:
            print(f"{s.student:<{width}}  {fmt_points(s.score):>6} / {fmt_points(s.max_score):<4}  "
                  f"{s.percent:5.1f}  {'/'.join(map(str, _counts(s)))}", file=stream)
            for w in s.warnings:
                print(f"  warning: {safe_text(w, 2000)}", file=stream)
    for e in report.errors:
        print(f"not graded: {safe_text(e.message, 2000)}", file=stream)


def _rich_summary(report: GradeReport, stream) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=stream, highlight=False)
    table = Table(title=f"{escape(report.assignment.title)} ({escape(report.assignment.id)}): "
                        f"{len(report.submissions)} graded, {len(report.errors)} not graded")
    for name, justify in (("student", "left"), ("score", "right"), ("%", "right"), ("correct", "right"),
                          ("incorrect", "right"), ("missing", "right"), ("invalid", "right")):
        table.add_column(name, justify=justify)
    for s in report.submissions:
        colour = "green" if s.percent >= 80 else "yellow" if s.percent >= 50 else "red"
        table.add_row(escape(s.student), f"{fmt_points(s.score)} / {fmt_points(s.max_score)}",
                      f"[{colour}]{s.percent:.1f}[/]", *map(str, _counts(s)))
    if report.submissions:
        console.print(table)
    else:
        console.print(table.title)
    for s in report.submissions:
        for w in s.warnings:
            console.print(f"[yellow]warning:[/] {escape(safe_text(w, 2000))}")
    for e in report.errors:
        console.print(f"[red]not graded:[/] {escape(safe_text(e.message, 2000))}")
