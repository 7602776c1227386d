"""Putting sharded runs back together: what one run would have written, byte for byte.

``spikeset grade --shard K/N --json part-K.json`` records, beside its results, where each stands
in one run's order; :func:`merge_grade_json` interleaves the N parts, adds the warnings that
need the whole batch (a student who submitted twice), and drops the shard record.
:func:`report_from_json` turns the merged report back into a :class:`GradeReport` for the
other writers (gradebook, Markdown, JUnit).
"""
from __future__ import annotations

import json
from typing import Any, Sequence

from .assignment import Assignment
from .errors import UsageError
from .grading import GradeError, GradeReport, QuestionResult, SubmissionResult, duplicate_warning
from .sharding import interleave

_KEYS = ("assignment", "title", "max_score")


def load_parts(paths: Sequence[str]) -> list[tuple[str, dict]]:
    """Read shard reports; every error names the file."""
    parts = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise UsageError(f"cannot read: {exc.strerror or exc.__class__.__name__}", file=path) from None
        except (ValueError, RecursionError):
            raise UsageError("not a JSON grade report", file=path) from None
        if not isinstance(data, dict) or not isinstance(data.get("shard"), dict):
            raise UsageError("not a sharded grade report (written by spikeset grade --shard K/N --json)", file=path)
        parts.append((path, data))
    return parts


def merge_grade_json(parts: Sequence[tuple[str, dict]]) -> dict:
    """The report one run would have made from the shard reports ``parts`` ((name, data) pairs)."""
    if not parts:
        raise UsageError("merge: expected the JSON reports of every shard")
    first_name, first = parts[0]
    count = first["shard"].get("count")
    seen: dict[int, str] = {}
    for name, data in parts:
        shard = data["shard"]
        if shard.get("count") != count:
            raise UsageError(f"shard {shard.get('index')}/{shard.get('count')} does not belong with "
                             f"{first_name} (of {count} shards)", file=name)
        if any(data.get(k) != first.get(k) for k in _KEYS):
            raise UsageError(f"a report of assignment {data.get('assignment')!r}; {first_name} is of "
                             f"{first.get('assignment')!r}", file=name)
        if shard.get("index") in seen:
            raise UsageError(f"shard {shard.get('index')}/{count} given twice (also {seen[shard['index']]})", file=name)
        seen[shard.get("index")] = name
    missing = sorted(set(range(1, (count or 0) + 1)) - set(seen))
    if missing or not isinstance(count, int):
        raise UsageError(f"merge: missing shard(s) {', '.join(f'{i}/{count}' for i in missing)}")
    submissions = interleave((d["shard"]["submissions"], d["submissions"]) for _, d in parts)
    errors = interleave((d["shard"]["errors"], d["errors"]) for _, d in parts)
    first_file: dict[str, str] = {}
    for s in submissions:
        if s["student"] in first_file:
            s["warnings"] = [*s["warnings"], duplicate_warning(s["file"], s["student"], first_file[s["student"]])]
        first_file.setdefault(s["student"], s["file"])
    merged = {k: v for k, v in first.items() if k not in ("submissions", "errors", "shard")}
    merged["submissions"] = submissions
    merged["errors"] = errors
    return merged


def grade_json_text(merged: dict) -> str:
    """The merged report as ``spikeset grade --json`` writes it."""
    from .report_json import DEPTH, layered_json

    return layered_json(merged, depth=DEPTH) + "\n"


def report_from_json(data: dict, assignment: Assignment) -> GradeReport:
    """A :class:`GradeReport` from a JSON report (for the gradebook and other writers)."""
    if data.get("assignment") != assignment.id:
        raise UsageError(f"the report is of assignment {data.get('assignment')!r}, not {assignment.id!r}")
    subs = tuple(SubmissionResult(
        file=s["file"], student=s["student"], variant=s["variant"], name=s.get("name", ""),
        section=s.get("section", ""), warnings=tuple(s["warnings"]),
        questions=tuple(_question(q) for q in s["questions"])) for s in data["submissions"])
    errors = tuple(GradeError(e["file"], e["message"], e.get("place")) for e in data["errors"])
    return GradeReport(assignment=assignment, submissions=subs, errors=errors)


def _question(q: dict[str, Any]) -> QuestionResult:
    return QuestionResult(id=q["id"], points=q["points"], max_points=q["max_points"], status=q["status"],
                          feedback=q["feedback"], misconception=q.get("misconception"), ecf=q.get("ecf", False),
                          given=q.get("given"), reference=q.get("answer"), unit=q.get("unit"),
                          type=q.get("type", "numeric"), line=q.get("line"), sigfig=q.get("sigfig"),
                          trace=q.get("trace"))
