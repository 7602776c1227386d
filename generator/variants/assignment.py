"""Assignment files (TOML): what problems a set holds and how many points each is worth.

```toml
id = "ap-week3"
title = "How the action potential is made"
due = "2026-12-01"            # optional
course = "NEURO 101"          # optional, printed in the page header
feedback = "misconceptions"   # optional: "correctness", "misconceptions" (default) or "full"
reveal_after = 2026-12-08     # optional: correct values in reports once this date has passed
ecf_share = 1.0               # optional: credit for an answer consistent with a wrong earlier one
sigfig_share = 0.5            # optional: credit for a right value with the wrong significant figures

[[problems]]
family = "nernst"
points = 4
params = { ion = "K" }        # optional overrides of sampled parameters
weights = { a = 2, b = 1 }    # optional: share of the points per question
questions = ["a", "b"]        # optional: only these questions of the family
tolerance = { a = { abs = 0.5 } }   # optional: override a question's tolerance
```
"""
from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AssignmentError, did_you_mean
from ..model import DEFAULT_FEEDBACK, FEEDBACK_LEVELS, Tolerance

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_FILE_BYTES = 1_000_000
PROBLEM_KEYS = {"family", "points", "params", "weights", "questions", "tolerance", "title"}
TOP_KEYS = {"id", "title", "due", "course", "instructions", "problems", "ecf_share", "sigfig_share",
            "feedback", "reveal_after"}


@dataclass(frozen=True)
class ProblemSpec:
    """One entry of ``[[problems]]``."""

    index: int
    family: str
    points: float
    params: dict[str, Any] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    questions: tuple[str, ...] | None = None
    tolerance: dict[str, Tolerance] = field(default_factory=dict)
    title: str | None = None

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def prefix(self) -> str:
        return f"p{self.number}"


@dataclass(frozen=True)
class Assignment:
    """A parsed, validated assignment."""

    id: str
    title: str
    problems: tuple[ProblemSpec, ...]
    due: str | None = None
    course: str | None = None
    instructions: str | None = None
    ecf_share: float = 1.0
    sigfig_share: float = 0.5   # credit for a right value with the wrong significant figures
    source: str = "<assignment>"
    feedback: str = DEFAULT_FEEDBACK
    reveal_after: dt.date | dt.datetime | None = None

    @property
    def total_points(self) -> float:
        return sum(p.points for p in self.problems)

    def revealed(self, now: dt.datetime | None = None) -> bool:
        """Whether ``reveal_after`` has passed at ``now`` (default: the local clock): a date
        from the day after it, a date-time from that moment on."""
        if self.reveal_after is None:
            return False
        now = now or dt.datetime.now().astimezone()
        if isinstance(self.reveal_after, dt.datetime):
            when = self.reveal_after
            if when.tzinfo is None:
                when = when.astimezone()   # a local time
            return now.astimezone() >= when
        return now.date() > self.reveal_after


def load_assignment(path: str | Path) -> Assignment:
    """Read and validate an assignment file; errors name the file and the place."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise AssignmentError("no such file", file=name) from None
    if size > MAX_FILE_BYTES:
        raise AssignmentError(f"file is {size} bytes; an assignment is at most {MAX_FILE_BYTES}", file=name)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AssignmentError("not UTF-8 text; expected a TOML assignment", file=name) from None
    return parse_assignment(text, source=name)


def parse_assignment(text: str, *, source: str = "<assignment>") -> Assignment:
    """Parse assignment TOML text (see the module docstring for the format)."""
    from .registry import get_family

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AssignmentError(f"malformed TOML: {exc}", file=source) from None

    def fail(msg: str, place: str = "") -> AssignmentError:
        return AssignmentError(msg, file=source, place=place)

    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        hint = did_you_mean(unknown[0], TOP_KEYS)
        raise fail(f"unknown key {unknown[0]!r}{hint or '; expected one of ' + ', '.join(sorted(TOP_KEYS))}",
                   unknown[0])
    for key in ("id", "title"):
        if key not in data:
            raise fail(f"missing required field {key!r}", key)
        if not isinstance(data[key], str) or not data[key].strip():
            raise fail(f"expected a non-empty string, got {data[key]!r}", key)
    if not ID_PATTERN.match(data["id"]):
        raise fail("expected letters, digits, '.', '_' or '-' (at most 64)", "id")
    due = data.get("due")
    if due is not None:
        due = str(due)
    for key in ("course", "instructions"):
        if key in data and not isinstance(data[key], str):
            raise fail(f"expected a string, got {data[key]!r}", key)
    feedback = data.get("feedback", DEFAULT_FEEDBACK)
    if feedback not in FEEDBACK_LEVELS:
        raise fail(f"expected one of {', '.join(map(repr, FEEDBACK_LEVELS))}, got {_short(feedback)}"
                   f"{did_you_mean(feedback, FEEDBACK_LEVELS)}", "feedback")
    reveal_after = _reveal_after(data.get("reveal_after"), fail)
    ecf = _share(data.get("ecf_share", 1.0), fail, "ecf_share")
    sigfig = _share(data.get("sigfig_share", 0.5), fail, "sigfig_share")

    problems_raw = data.get("problems")
    if isinstance(problems_raw, dict):
        raise fail("expected [[problems]] with double brackets (one such table per problem), got a single "
                   "[problems] table", "problems")
    if not isinstance(problems_raw, list) or not problems_raw:
        raise fail("expected at least one [[problems]] table", "problems")
    problems = []
    for i, raw in enumerate(problems_raw):
        place = f"problems[{i + 1}]"
        if not isinstance(raw, dict):
            raise fail("expected a table", place)
        unknown = sorted(set(raw) - PROBLEM_KEYS)
        if unknown:
            hint = did_you_mean(unknown[0], PROBLEM_KEYS)
            raise fail(f"unknown key {unknown[0]!r}{hint or '; expected one of ' + ', '.join(sorted(PROBLEM_KEYS))}",
                       place)
        if "family" not in raw:
            raise fail("missing required field 'family'", place)
        family_id = raw["family"]
        if not isinstance(family_id, str):
            raise fail(f"family: expected a family id string, got {family_id!r}", place)
        try:
            get_family(family_id)
        except KeyError:
            from .registry import all_families
            known = all_families()
            hint = did_you_mean(family_id, known)
            raise fail(f"unknown family {family_id!r}{hint or '; known: ' + ', '.join(sorted(known))} "
                       f"(`spikeset list` shows every family)", place) from None
        points = raw.get("points", None)
        if points is None:
            raise fail("missing required field 'points'", place)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not math.isfinite(points) or points <= 0:
            raise fail(f"points: expected a positive number, got {points!r}", place)
        params = raw.get("params", {})
        if not isinstance(params, dict):
            raise fail("params: expected a table of parameter values", place)
        if params:
            check_params(get_family(family_id), params, source=source, number=i + 1)
        weights = raw.get("weights", {})
        if not isinstance(weights, dict) or any(
                isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0
                for w in weights.values()):
            raise fail("weights: expected a table of non-negative numbers such as { a = 2, b = 1 }", place)
        selected = raw.get("questions")
        if selected is not None and (not isinstance(selected, list) or not selected
                                     or not all(isinstance(q, str) for q in selected)):
            raise fail('questions: expected a list of question keys such as ["a", "b"]', place)
        tol_raw = raw.get("tolerance", {})
        if not isinstance(tol_raw, dict):
            raise fail("tolerance: expected a table such as { a = { rel = 0.02 } }", place)
        try:
            tolerance = {k: Tolerance.parse(v, where=f"{place}.tolerance.{k}") for k, v in tol_raw.items()}
        except AssignmentError as exc:
            raise fail(exc.message, exc.place or place) from None
        title = raw.get("title")
        if title is not None and not isinstance(title, str):
            raise fail("title: expected a string", place)
        if any(t.mode == "abs" for t in tolerance.values()):
            from .tolerance_scale import check_absolute_tolerance
            for key, tol in tolerance.items():
                check_absolute_tolerance(get_family(family_id), dict(params), key, tol, source=source,
                                         place=f"{place}.tolerance.{key}")
        problems.append(ProblemSpec(
            index=i, family=family_id, points=float(points), params=dict(params),
            weights={k: float(v) for k, v in weights.items()},
            questions=tuple(selected) if selected else None, tolerance=tolerance, title=title))
    return Assignment(id=data["id"], title=data["title"].strip(), problems=tuple(problems), due=due,
                      course=data.get("course"), instructions=data.get("instructions"),
                      ecf_share=ecf, sigfig_share=sigfig, source=source, feedback=feedback,
                      reveal_after=reveal_after)


def check_params(family, params: dict[str, Any], *, source: str | None, number: int) -> None:
    """Refuse, naming the problem, a parameter ``family`` does not have or a value it cannot take
    (of the wrong type, or outside the parameter's accepted range), by drawing the family's
    parameters once with ``params`` fixed."""
    import numpy as np
    from ..sampling import Draw

    draw = Draw(np.random.default_rng(0), params, where=f"problems[{number}].params", file=source,
                problem=f"problem {number} ({family.id})")
    try:
        family.sample(draw)
    except (ValueError, ArithmeticError) as exc:
        if isinstance(exc, AssignmentError):
            raise
        fixed = ", ".join(f"{k} = {v!r}" for k, v in sorted(params.items()))
        raise AssignmentError(f"problem {number} ({family.id}): no variant can be drawn with {fixed} "
                              f"(the family's other parameters cannot be chosen around it: {exc})",
                              file=source) from None
    draw.check_overrides_used(family.id)


def _reveal_after(value: Any, fail) -> dt.date | dt.datetime | None:
    """A TOML date or date-time, or a string in ISO form ("2026-12-08", "2026-12-08T18:00")."""
    if value is None or isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, str):
        try:
            return (dt.date.fromisoformat(value) if len(value.strip()) == 10
                    else dt.datetime.fromisoformat(value))
        except ValueError:
            pass
    raise fail(f'expected a date such as 2026-12-08 or "2026-12-08T18:00", got {_short(value)}', "reveal_after")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _share(value: Any, fail, place: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise fail(f"expected a number from 0 to 1, got {value!r}", place)
    return float(value)
