"""Stress-testing families: draw many variants and summarize every answer
(like R/exams' ``stresstest_exercise``), including how well each question discriminates.

Discrimination, per numeric question over the drawn variants:

- ``bins``: the fewest intervals, each one accepted interval wide (the interval of the answer
  it starts at), that cover every answer: how many answers a student could tell apart.
- ``best_fixed_share``: the largest share of variants whose accepted interval contains one
  and the same number (``best_fixed_value``): what a student who types that number without
  reading the statement scores. A question is flagged above :data:`MAX_FIXED_SHARE`.

Per choice question: the share of variants keyed by the most common label (what always
answering that label scores) is flagged above chance (1/options) + :data:`MAX_LABEL_EXCESS`,
and a pair of choice questions whose labels predict each other (:func:`label_dependence`)
beyond :data:`MAX_LABEL_DEPENDENCE` is flagged. Shuffling the options hides a constant key from
the label count, so the keyed option *id* is counted too: a question keying the same option in
more than :data:`MAX_KEY_SHARE` of variants is flagged (a student who learns "the answer is the
one about X" passes it everywhere), unless its family lists the question's key in
``FIXED_CONCEPT_QUESTIONS``, a module-level set of keys that are fixed concept questions on purpose.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from .assemble import assemble
from .assignment import Assignment, ProblemSpec
from .registry import Family
from .roster import Student

#: A numeric question that one fixed answer passes for more than this share of variants is flagged.
MAX_FIXED_SHARE = 0.10
#: A choice question whose most common correct label exceeds chance by more than this is flagged.
MAX_LABEL_EXCESS = 0.10
#: Two choice questions are flagged when one's label predicts the other's this much better than chance.
MAX_LABEL_DEPENDENCE = 0.20
#: A choice question keying one and the same option id in more than this share of variants is flagged.
MAX_KEY_SHARE = 0.90


@dataclass(frozen=True)
class QuestionStats:
    """Summary of one question over the drawn variants (numbers in the question's unit)."""

    key: str
    type: str
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    median: float | None = None
    label_counts: dict[str, int] = field(default_factory=dict)
    key_counts: dict[str, int] = field(default_factory=dict)
    bins: int | None = None
    best_fixed_value: float | None = None
    best_fixed_share: float | None = None
    tolerance: str | None = None


@dataclass(frozen=True)
class FamilyCheck:
    family: Family
    n_variants: int
    questions: tuple[QuestionStats, ...]
    problems: tuple[str, ...]
    flags: tuple[str, ...] = ()
    redrawn: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.flags


def tolerance_bins(answers: Sequence[float], intervals: Sequence[tuple[float, float]]) -> int:
    """The fewest accepted-interval-wide bins covering ``answers``: greedy from the smallest
    answer, each bin as wide as the accepted interval of the answer that opens it (of equal
    answers, the widest)."""
    pairs = sorted((x, -(hi - lo)) for x, (lo, hi) in zip(answers, intervals) if math.isfinite(x))
    bins, end = 0, -math.inf
    for x, minus_width in pairs:
        width = -minus_width
        if x > end:
            bins += 1
            end = x + width
    return bins


def best_fixed_answer(intervals: Sequence[tuple[float, float]]) -> tuple[float | None, float]:
    """The number contained in the most accepted intervals, and the share of intervals that
    contain it (closed intervals; a sweep over the end points)."""
    events = []
    for lo, hi in intervals:
        lo, hi = min(lo, hi), max(lo, hi)
        if math.isfinite(lo) and math.isfinite(hi):
            events += [(lo, 0), (hi, 1)]  # at a tie an interval opens before another closes
    if not intervals or not events:
        return None, 0.0
    events.sort()
    best, best_at, open_now = 0, None, 0
    for x, kind in events:
        if kind == 0:
            open_now += 1
            if open_now > best:
                best, best_at = open_now, x
        else:
            open_now -= 1
    return best_at, best / len(intervals)


def label_dependence(first: Sequence[str], second: Sequence[str]) -> float:
    """How much better ``second``'s label is guessed knowing ``first``'s than without: the share of
    variants the best guess per ``first`` label gets right minus that of the best single guess."""
    n = len(second)
    if n == 0:
        return 0.0
    joint = Counter(zip(first, second))
    best_given: dict[str, int] = {}
    for (a, _), c in joint.items():
        best_given[a] = max(best_given.get(a, 0), c)
    return (sum(best_given.values()) - max(Counter(second).values())) / n


def constant_key_flag(key: str, key_counts: Counter, *, fixed_concept: bool = False) -> str | None:
    """The flag for a choice question whose most common keyed option id exceeds
    :data:`MAX_KEY_SHARE` of the variants, or None (also for a declared fixed concept question)."""
    total = sum(key_counts.values())
    if fixed_concept or total == 0:
        return None
    top_id, top = key_counts.most_common(1)[0]
    if top / total <= MAX_KEY_SHARE:
        return None
    return (f"{key}: option {top_id!r} is keyed in {100 * top / total:.0f} % of variants (more than "
            f"{100 * MAX_KEY_SHARE:.0f} %): the shuffled labels hide a constant answer")


def check_family(family: Family, n: int, *, secret: bytes = b"spikeset-check") -> FamilyCheck:
    """Draw ``n`` variants of ``family`` (as ``n`` pseudo-students, batched) and report
    answer ranges, discrimination, label balance and every degenerate or failed variant."""
    assignment = Assignment(id=f"check-{family.id}", title=family.title,
                            problems=(ProblemSpec(index=0, family=family.id, points=1.0),),
                            source="<check>")
    students = [Student(id=f"v{i:05d}") for i in range(n)]
    problems: list[str] = []
    try:
        sets = assemble(assignment, students, secret)
    except Exception as exc:  # report, don't crash: this command exists to find failures
        return FamilyCheck(family, n, (), (f"variants could not be drawn: {exc.__class__.__name__}: {exc}",))
    values: dict[str, list[float]] = {}
    intervals: dict[str, list[tuple[float, float]]] = {}
    tolerances: dict[str, set[str]] = {}
    labels: dict[str, list[str]] = {}
    keyed_ids: dict[str, list[str]] = {}
    n_options: dict[str, int] = {}
    types: dict[str, tuple[str, str | None]] = {}
    redrawn = 0
    for s in sets:
        instance = s.problems[0]
        redrawn += instance.draws > 1
        for pq in instance.questions:
            types[pq.key] = (pq.type, pq.unit)
            if pq.type == "numeric":
                x = pq.question.answer
                values.setdefault(pq.key, []).append(x)
                if not math.isfinite(x):
                    problems.append(f"{s.student.id}: {pq.key} has a non-finite answer {x!r}")
                    continue
                low, high = pq.question.tolerance.interval(x)
                intervals.setdefault(pq.key, []).append((low, high))
                tolerances.setdefault(pq.key, set()).add(pq.question.tolerance.describe())
                for m in pq.question.misconceptions:
                    if m.value is not None and math.isfinite(m.value) and min(low, high) <= m.value <= max(low, high):
                        problems.append(f"{s.student.id}: {pq.key}: misconception {m.id!r} gives the right answer "
                                        "within tolerance (cannot be told apart)")
            else:
                labels.setdefault(pq.key, []).append(pq.correct_label)
                keyed_ids.setdefault(pq.key, []).append(pq.question.correct_option.id)
                n_options[pq.key] = max(n_options.get(pq.key, 0), len(pq.labelled))
    stats: list[QuestionStats] = []
    flags: list[str] = []
    fixed_concepts = frozenset(getattr(family.module, "FIXED_CONCEPT_QUESTIONS", ()))
    for key, (qtype, unit) in types.items():
        if qtype == "numeric":
            xs = sorted(v for v in values[key] if math.isfinite(v))
            ivs = intervals.get(key, [])
            at, share = best_fixed_answer(ivs) if ivs else (None, 0.0)
            bins = tolerance_bins([x for x in values[key] if math.isfinite(x)], ivs)
            stats.append(QuestionStats(key, qtype, unit, xs[0] if xs else None, xs[-1] if xs else None,
                                       xs[len(xs) // 2] if xs else None, bins=bins, best_fixed_value=at,
                                       best_fixed_share=share, tolerance=_describe_tolerances(tolerances.get(key, set()))))
            if share > MAX_FIXED_SHARE:
                flags.append(f"{key}: the fixed answer {at:.4g} passes {100 * share:.1f} % of variants "
                             f"(more than {100 * MAX_FIXED_SHARE:.0f} %); the answers cover {bins} tolerance bins")
        else:
            counts = Counter(labels[key])
            key_counts = Counter(keyed_ids[key])
            stats.append(QuestionStats(key, qtype, label_counts=dict(sorted(counts.items())),
                                       key_counts=dict(sorted(key_counts.items()))))
            flag = constant_key_flag(key, key_counts, fixed_concept=key in fixed_concepts)
            if flag:
                flags.append(flag)
            top_label, top = counts.most_common(1)[0]
            chance = 1.0 / max(n_options[key], 1)
            if len(counts) == 1:
                flags.append(f"{key}: the correct label is always {top_label!r}")
            elif top / len(labels[key]) > chance + MAX_LABEL_EXCESS:
                flags.append(f"{key}: label {top_label!r} is correct in {100 * top / len(labels[key]):.0f} % of "
                             f"variants (chance {100 * chance:.0f} %)")
    choice_keys = [k for k, (t, _) in types.items() if t == "choice" and len(labels[k]) == len(sets)]
    for i, a in enumerate(choice_keys):
        for b in choice_keys[i + 1:]:
            gain = max(label_dependence(labels[a], labels[b]), label_dependence(labels[b], labels[a]))
            if gain > MAX_LABEL_DEPENDENCE:
                flags.append(f"{a} and {b}: one's correct label predicts the other's ({100 * gain:.0f} % above "
                             "guessing without it)")
    return FamilyCheck(family, n, tuple(stats), tuple(problems), tuple(flags), redrawn)


def _describe_tolerances(described: set[str]) -> str:
    """The tolerance of a question, or "per-variant tolerances" when it varies."""
    if len(described) == 1:
        return next(iter(described))
    return "per-variant tolerances" if described else "no tolerance"
