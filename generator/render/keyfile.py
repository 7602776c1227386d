"""The instructor's answer key: ``key.json`` (a contract other tools read) and ``key.csv``, a
compact table with one line per student and question."""
from __future__ import annotations

import csv
import io
import json
from json.encoder import encode_basestring_ascii as _json_string
from typing import Any, Iterable, Sequence

from ..variants.assemble import StudentSet

#: Columns of ``key.csv``. ``reference`` is the number in ``unit`` (or the correct letter);
#: ``accepted_low``/``accepted_high`` bound the interval a numeric answer is accepted in.
KEY_CSV_COLUMNS = ("student", "question", "type", "reference", "unit", "accepted_low", "accepted_high",
                   "tolerance", "points")


def student_key(s: StudentSet) -> dict:
    """One student's entry of ``key.json``: ``{"variant", "questions": {qid: {answer, unit, type, points}}}``."""
    return {
        "variant": s.fingerprint,
        "questions": {
            pq.id: {"answer": pq.reference, "unit": pq.unit, "type": pq.type, "points": pq.points}
            for pq in s.questions.values()
        },
    }


def answer_key(sets: Sequence[StudentSet]) -> dict:
    """``{"assignment", "students": {id: {"variant", "questions": {qid: {answer, unit, type, points}}}}}``."""
    assignment = sets[0].assignment.id if sets else ""
    return key_document(assignment, ((s.student.id, student_key(s)) for s in sets))


def key_document(assignment_id: str, entries: Iterable[tuple[str, dict]]) -> dict:
    """``key.json`` from each student's entry (:func:`student_key`), in the order given."""
    return {"assignment": assignment_id, "students": dict(entries)}


def key_json(document: dict) -> str:
    """``json.dumps(document, indent=1) + "\n"``, the text of ``key.json``, written directly:
    json's indenting encoder is pure Python and took a millisecond a student. A value that is not
    a plain dict, list, str, int, float, bool or None (or a key that is not a str) falls back to
    ``json.dumps`` itself."""
    out: list[str] = []
    try:
        _indented(document, 0, out)
    except _NotPlain:
        return json.dumps(document, indent=1) + "\n"
    out.append("\n")
    return "".join(out)


def entry_json(value: Any, level: int) -> str:
    """``value`` as :func:`key_json` writes it at nesting depth ``level`` (its first line
    unindented, its closing bracket at ``level`` spaces)."""
    out: list[str] = []
    try:
        _indented(value, level, out)
    except _NotPlain:
        return ("\n" + " " * level).join(json.dumps(value, indent=1).split("\n"))
    return "".join(out)


class _NotPlain(Exception):
    pass


_INFINITY = float("inf")


def _indented(value: Any, level: int, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_json_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is float:
        out.append("NaN" if value != value else "Infinity" if value == _INFINITY
                   else "-Infinity" if value == -_INFINITY else float.__repr__(value))
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = "\n" + " " * (level + 1)
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            out.append(separator)
            out.append(_json_string(key))
            out.append(": ")
            _indented(item, level + 1, out)
            separator = "," + inner
        out.append("\n" + " " * level + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = "\n" + " " * (level + 1)
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _indented(item, level + 1, out)
            separator = "," + inner
        out.append("\n" + " " * level + "]")
    else:
        raise _NotPlain


def _number(value: float) -> str:
    return repr(float(value))


def student_key_rows(s: StudentSet) -> list[tuple[str, ...]]:
    """One student's lines of ``key.csv`` (see :data:`KEY_CSV_COLUMNS`)."""
    rows = []
    for pq in s.questions.values():
        if pq.type == "numeric":
            q = pq.question
            low, high = q.tolerance.interval(q.answer)
            rows.append((s.student.id, pq.id, pq.type, _number(q.answer), q.unit or "",
                         _number(min(low, high)), _number(max(low, high)), q.tolerance.describe(),
                         _number(pq.points)))
        else:
            rows.append((s.student.id, pq.id, pq.type, str(pq.reference or ""), "", "", "", "exact letter",
                         _number(pq.points)))
    return rows


def key_csv(rows: Iterable[Sequence[str]]) -> str:
    """The text of ``key.csv``: a header line, then ``rows``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(KEY_CSV_COLUMNS)
    writer.writerows(rows)
    return buf.getvalue()
