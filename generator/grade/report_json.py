"""The JSON report (``--json``): one line per question result, written by json's C encoder.

A large batch is graded in worker processes; each worker can also encode the JSON of the
submissions it graded (:func:`submission_json`, kept on the result as ``prepared_json``), so
the report's biggest output is written in parallel too. :func:`json_text` uses a prepared text
when it was made with the same ``reveal`` and feedback level and gives exactly the text it would compute itself.
"""
from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .grading import GradeReport, SubmissionResult

#: Levels laid out one item per line: report, submissions, a submission, its questions.
DEPTH = 4
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def layered_json(value: Any, *, depth: int, indent: int = 1, _level: int = 0) -> str:
    """JSON with the outer ``depth`` levels of objects and arrays one item per line and anything
    deeper on one line: readable, and fast (an indented ``json.dumps`` of a whole class's
    grades runs in pure Python and takes seconds)."""
    if _level >= depth or not isinstance(value, (dict, list)) or not value:
        return _ENCODER.encode(value)
    if isinstance(value, dict):
        items = [f"{_ENCODER.encode(str(k))}: {layered_json(v, depth=depth, indent=indent, _level=_level + 1)}"
                 for k, v in value.items()]
        return _block("{", items, "}", indent, _level)
    items = [layered_json(v, depth=depth, indent=indent, _level=_level + 1) for v in value]
    return _block("[", items, "]", indent, _level)


def _block(open_: str, items: list[str], close: str, indent: int, level: int) -> str:
    pad = " " * (indent * (level + 1))
    return open_ + "\n" + ",\n".join(pad + item for item in items) + "\n" + " " * (indent * level) + close


def submission_json(result: SubmissionResult, *, reveal: bool, feedback: str = "full") -> str:
    """One submission's JSON as it stands inside the report (``feedback``: the level it is written at)."""
    return layered_json(result.to_dict(reveal=reveal, feedback=feedback), depth=DEPTH, _level=2)


def json_text(report: GradeReport, *, reveal: bool = False) -> str:
    """The report as JSON: ``layered_json(report.to_dict(reveal=reveal), depth=4)`` and a newline."""
    top = dataclasses.replace(report, submissions=()).to_dict(reveal=reveal)
    level = "full" if reveal else report.json_feedback
    texts = [s.prepared_json[1] if s.prepared_json and s.prepared_json[0] == (reveal, level)
             else submission_json(s, reveal=reveal, feedback=level) for s in report.submissions]
    items = []
    for key, value in top.items():
        if key == "submissions" and texts:
            text = _block("[", texts, "]", 1, 1)
        else:
            text = layered_json(value, depth=DEPTH, _level=1)
        items.append(f"{_ENCODER.encode(key)}: {text}")
    return _block("{", items, "}", 1, 0) + "\n"
