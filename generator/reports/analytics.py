"""Class analytics from a grades JSON (``spikeset grade --json`` or ``demo-out/grades.json``).

Numbers (all from the JSON alone; ``assignment`` only adds problem titles and families):

* score distribution (percent of the maximum);
* per question: mean fraction of points (difficulty: 1 = everyone right) and discrimination,
  the corrected point-biserial correlation, i.e. Pearson's r between the question's fraction
  of points and the student's score on the *other* questions (so a question does not
  correlate with itself); undefined (shown as "—") when either has no spread;
* the most common wrong answers: incorrect answers grouped by the misconception the grader
  matched (``misconception`` id and its feedback) or as "no known misconception"; missing and
  invalid answers are counted apart. When the JSON carries the student's value (``given``),
  the most frequent values are listed too;
* a grades JSON written at feedback level ``correctness`` holds no carried-credit or
  misconception fields: those columns are left empty and the report says why
  (:data:`CORRECTNESS_NOTE`);
* time to complete per problem family, when submissions carry a duration (``duration_s``,
  ``elapsed_s`` or ``time_seconds``, or ``started``/``submitted`` ISO times); otherwise
  "not recorded".
"""
from __future__ import annotations

import json
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import SpikesetError


class GradesFileError(SpikesetError):
    exit_code = 2


@dataclass
class QuestionStats:
    id: str
    problem: str
    family: str
    n: int
    mean_fraction: float
    discrimination: float | None
    max_points: float
    counts: dict[str, int]
    ecf: int | None   # None: not in the grades JSON (written at feedback level correctness)
    wrong: list[tuple[str, str, int]] = field(default_factory=list)   # (misconception id, feedback, count)
    given: list[tuple[str, int]] = field(default_factory=list)        # most frequent wrong values


@dataclass(frozen=True)
class ScoreRow:
    """One submission's line of ``scores.csv``: who, which file, and the score or why there is none."""

    student: str
    file: str
    score: float | None
    max_score: float | None
    percent: float | None
    note: str = ""


@dataclass
class ClassStats:
    assignment: str
    graded: int
    not_graded: int
    percents: list[float]
    questions: list[QuestionStats]
    times: dict[str, list[float]] | None   # family -> minutes; None when not recorded
    scores: list[ScoreRow] = field(default_factory=list)   # every submission, graded or not
    #: What the grades JSON does not hold, said on the page ("" when it holds everything).
    missing_detail: str = ""

    @property
    def mean(self) -> float:
        return statistics.fmean(self.percents) if self.percents else math.nan

    @property
    def median(self) -> float:
        return statistics.median(self.percents) if self.percents else math.nan

    @property
    def sd(self) -> float:
        return statistics.stdev(self.percents) if len(self.percents) > 1 else math.nan


def load_grades(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GradesFileError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GradesFileError(f"{path}: not a grades JSON file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("submissions"), list):
        raise GradesFileError(f"{path}: expected a grades JSON with a 'submissions' list "
                              "(from spikeset grade --json)")
    return data


def pearson(x: list[float], y: list[float]) -> float | None:
    if len(x) < 3:
        return None
    mx, my = statistics.fmean(x), statistics.fmean(y)
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 1e-15 or syy <= 1e-15:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / math.sqrt(sxx * syy)


def _minutes(sub: dict) -> float | None:
    for key, scale in (("duration_s", 60.0), ("elapsed_s", 60.0), ("time_seconds", 60.0), ("duration_min", 1.0)):
        v = sub.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0:
            return v / scale
    start, end = sub.get("started"), sub.get("submitted")
    if isinstance(start, str) and isinstance(end, str):
        try:
            return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60.0
        except ValueError:
            return None
    return None


def class_stats(data: dict, families: dict[str, str] | None = None, top: int = 5) -> ClassStats:
    """``families``: problem prefix ("p1") -> label (family title); default the prefix."""
    families = families or {}
    points_only = data.get("feedback") == "correctness"
    subs = [s for s in data["submissions"] if isinstance(s, dict) and s.get("questions")]
    percents = [100.0 * s["score"] / s["max_score"] if s.get("max_score") else 0.0 for s in subs]
    order: list[str] = []
    for s in subs:
        for q in s["questions"]:
            if q["id"] not in order:
                order.append(q["id"])
    per_q: dict[str, dict[str, Any]] = {qid: {} for qid in order}
    for i, s in enumerate(subs):
        for q in s["questions"]:
            per_q[q["id"]][i] = q
    questions = []
    for qid in order:
        results = per_q[qid]
        idx = sorted(results)
        fr = [results[i]["points"] / results[i]["max_points"] if results[i]["max_points"] else 0.0 for i in idx]
        rest = [subs[i]["score"] - results[i]["points"] for i in idx]
        counts = Counter(results[i]["status"] for i in idx)
        wrong = Counter()
        feedback: dict[str, str] = {}
        given = Counter()
        for i in idx:
            q = results[i]
            if q["status"] != "incorrect":
                continue
            mid = q.get("misconception") or ""
            wrong[mid] += 1
            if mid and mid not in feedback:
                feedback[mid] = q.get("feedback", "")
            if q.get("given") is not None:
                given[str(q["given"])] += 1
        prefix = qid.split(".")[0]
        questions.append(QuestionStats(
            id=qid, problem=prefix, family=families.get(prefix, prefix), n=len(idx),
            mean_fraction=statistics.fmean(fr) if fr else math.nan,
            discrimination=pearson(fr, rest),
            max_points=max((results[i]["max_points"] for i in idx), default=0.0),
            counts={k: counts.get(k, 0) for k in ("correct", "incorrect", "missing", "invalid")},
            ecf=None if points_only else sum(1 for i in idx if results[i].get("ecf")),
            wrong=[] if points_only else
            [(mid, feedback.get(mid, "no known misconception (outside the tolerance)" if not mid else ""), n)
             for mid, n in wrong.most_common(top)],
            given=given.most_common(top)))
    times: dict[str, list[float]] | None = None
    durations = [(s, _minutes(s)) for s in subs]
    if any(m is not None for _, m in durations):
        times = defaultdict(list)
        for s, m in durations:
            if m is None:
                continue
            per_problem = s.get("problem_minutes")
            if isinstance(per_problem, dict):
                for prefix, v in per_problem.items():
                    times[families.get(prefix, prefix)].append(float(v))
            else:
                times["whole assignment"].append(m)
        times = dict(times)
    return ClassStats(assignment=str(data.get("assignment", "")), graded=len(subs),
                      not_graded=len(data.get("errors") or []), percents=percents, questions=questions, times=times,
                      scores=score_rows(data, subs, percents),
                      missing_detail=CORRECTNESS_NOTE if points_only else "")


#: Why a class report from a ``correctness``-level grades JSON lacks some columns.
CORRECTNESS_NOTE = ("The grades JSON was written at feedback level correctness (points and right or wrong "
                    "only): carried credit and misconceptions are not in it. For them, grade with "
                    "--feedback full into a JSON kept for the instructor.")


def score_rows(data: dict, graded: list[dict], percents: list[float]) -> list[ScoreRow]:
    """Graded submissions with their student id, then the files that could not be graded
    (student id when the grades JSON names it, else empty) with the reason."""
    rows = [ScoreRow(student=str(s.get("student", "")), file=str(s.get("file", "")),
                     score=s.get("score"), max_score=s.get("max_score"), percent=p)
            for s, p in zip(graded, percents)]
    for e in data.get("errors") or []:
        if isinstance(e, dict):
            rows.append(ScoreRow(student=str(e.get("student") or ""), file=str(e.get("file", "")), score=None,
                                 max_score=None, percent=None, note=f"not graded: {e.get('message', '')}"))
    return rows
