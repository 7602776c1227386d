"""Grade reports: the terminal summary, JSON and Markdown."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .grading import GradeReport


def write_reports(report: GradeReport, args: argparse.Namespace) -> None:
    reveal = bool(getattr(args, "reveal", False))
    if getattr(args, "json", None):
        text = json.dumps(report.to_dict(reveal=reveal), indent=1) + "\n"
        _emit(args.json, text)
    if getattr(args, "markdown", None):
        _emit(args.markdown, markdown(report, reveal=reveal))


def _emit(target: str, text: str) -> None:
    if target == "-":
        sys.stdout.write(text)
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _fmt_points(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x)}"


def markdown(report: GradeReport, *, reveal: bool = False) -> str:
    lines = [f"# Grades: {report.assignment.title} (`{report.assignment.id}`)", ""]
    if report.submissions:
        lines += ["| Student | Score | % |", "|---|---:|---:|"]
        for s in report.submissions:
            lines.append(f"| {s.student} | {_fmt_points(s.score)} / {_fmt_points(s.max_score)} | {s.percent:.0f} |")
        lines.append("")
    for s in report.submissions:
        lines += [f"## {s.name or s.student} (`{s.student}`): {_fmt_points(s.score)} / {_fmt_points(s.max_score)}", ""]
        head = "| Question | Points | Status | Feedback |" + (" Answer |" if reveal else "")
        lines += [head, "|---|---:|---|---|" + ("---|" if reveal else "")]
        for q in s.questions:
            fb = q.feedback.replace("|", "\\|")
            row = f"| `{q.id}` | {_fmt_points(q.points)} / {_fmt_points(q.max_points)} | {q.status} | {fb} |"
            if reveal:
                row += f" {q.reference} {q.unit or ''} |"
            lines.append(row)
        for w in s.warnings:
            lines.append(f"\n> warning: {w}")
        lines.append("")
    if report.errors:
        lines += ["## Files that could not be graded", ""]
        lines += [f"- `{e.file}`: {e.message}" for e in report.errors]
        lines.append("")
    return "\n".join(lines)


def print_summary(report: GradeReport, *, reveal: bool = False, stream=None) -> None:
    stream = stream or sys.stdout
    width = max([len(s.student) for s in report.submissions] + [7])
    print(f"{report.assignment.title} ({report.assignment.id}): {len(report.submissions)} graded, "
          f"{len(report.errors)} not graded", file=stream)
    if report.submissions:
        print(f"{'student':<{width}}  {'score':>13}  {'%':>5}  correct/incorrect/missing/invalid", file=stream)
        for s in report.submissions:
            counts = [sum(q.status == st for q in s.questions) for st in ("correct", "incorrect", "missing", "invalid")]
            print(f"{s.student:<{width}}  {_fmt_points(s.score):>6} / {_fmt_points(s.max_score):<4}  "
                  f"{s.percent:5.1f}  {'/'.join(map(str, counts))}", file=stream)
            for w in s.warnings:
                print(f"  warning: {w}", file=stream)
    for e in report.errors:
        print(f"not graded: {e.message}", file=stream)
