"""The result object of GitHub Classroom's autograding.

``classroom-resources/autograding-grading-reporter`` reads, for each runner id listed in its
``runners`` input, the environment variable ``<RUNNER>_RESULTS``: base64-encoded JSON
``{"version": 1, "status": "pass"|"fail"|"error", "max_score": n, "tests": [{"name", "status",
"score", "max_score", "message", "line_no", "execution_time"}]}``; it adds up ``score`` over the
tests and ``max_score`` per runner. Runner actions publish it as their step output ``result``;
``spikeset grade --github-classroom`` does the same by appending ``result=...`` to ``$GITHUB_OUTPUT``.
"""
from __future__ import annotations

import base64
import json
import os
import sys

from ..grade.grading import GradeReport

OUTPUT_ENV = "GITHUB_OUTPUT"


def classroom_result(report: GradeReport, *, seconds: float = 0.0) -> dict:
    tests = []
    many = len(report.submissions) > 1
    for s in report.submissions:
        for q in s.questions:
            tests.append({
                "name": f"{s.student} {q.id}" if many else q.id,
                "status": "pass" if q.status == "correct" and q.points >= q.max_points else "fail",
                "score": round(q.points, 6),
                "max_score": round(q.max_points, 6),
                "message": q.feedback,
                "line_no": q.line or 0,
                "execution_time": "0s",
            })
    for e in report.errors:
        tests.append({"name": e.file, "status": "error", "score": 0, "max_score": 0,
                      "message": e.message, "line_no": int(e.place) if (e.place or "").isdigit() else 0,
                      "execution_time": "0s"})
    if report.submissions:
        max_score = round(sum(s.max_score for s in report.submissions), 6)
    else:
        max_score = report.assignment.total_points
    status = "error" if report.errors else "pass" if all(t["status"] == "pass" for t in tests) else "fail"
    if tests:
        tests[0]["execution_time"] = f"{seconds:.2f}s"
    return {"version": 1, "status": status, "max_score": max_score, "tests": tests}


def encode(result: dict) -> str:
    return base64.b64encode(json.dumps(result, ensure_ascii=False).encode("utf-8")).decode("ascii")


def write_classroom_output(report: GradeReport, *, seconds: float = 0.0) -> str:
    """Append ``result=<base64 JSON>`` to ``$GITHUB_OUTPUT`` (stdout when it is not set)."""
    line = f"result={encode(classroom_result(report, seconds=seconds))}\n"
    target = os.environ.get(OUTPUT_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(line)
    else:
        sys.stdout.write(line)
    return line
