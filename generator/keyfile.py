"""The instructor's answer key, ``key.json`` (a contract other tools read)."""
from __future__ import annotations

from typing import Sequence

from .assemble import StudentSet


def answer_key(sets: Sequence[StudentSet]) -> dict:
    """``{"assignment", "students": {id: {"variant", "questions": {qid: {answer, unit, type, points}}}}}``."""
    assignment = sets[0].assignment.id if sets else ""
    return {
        "assignment": assignment,
        "students": {
            s.student.id: {
                "variant": s.fingerprint,
                "questions": {
                    pq.id: {"answer": pq.reference, "unit": pq.unit, "type": pq.type, "points": pq.points}
                    for pq in s.questions.values()
                },
            }
            for s in sets
        },
    }
