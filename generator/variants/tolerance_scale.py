"""Absolute tolerances across a problem family's variants: the same "±0.5" must mean about the
same precision for every student.

An absolute tolerance set by an assignment (``tolerance = { b = { abs = 0.5 } }``) is checked
at load: the family's answers to that question are sampled over ``SAMPLES`` variants (the
assignment's parameter overrides applied; ``SAMPLES_SIMULATED`` for families that simulate),
and the tolerance is refused when its relative width, ``abs / |answer|``, varies by more than
``MAX_WIDTH_SPREAD`` times between variants. Two cases are accepted as they are:

* membrane potentials (unit mV): their zero is the extracellular reference, not a scale, and
  they are read off a voltage axis, so a potential's precision is a number of millivolts;
* exact counts: every sampled answer an integer and the tolerance at most 0.5.

Cost (2-core machine, 8 helpers' load): 0.02-0.1 s for a calculation family, 0.3-3.4 s for a
simulation family at 50 variants; hence fewer variants for those. Nothing is sampled when the
assignment sets no absolute tolerance.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import AssignmentError
from ..model import NumericQuestion, Tolerance
from ..sampling import Draw

SAMPLES = 50
SAMPLES_SIMULATED = 12
MAX_WIDTH_SPREAD = 4.0
POTENTIAL_UNIT = "mV"


def answer_magnitudes(family, params_overrides: dict, key: str, *, samples: int, source: str,
                      place: str) -> tuple[list[float], str | None]:
    """|answer| of question ``key`` over ``samples`` variants drawn with fixed seeds, and its unit."""
    params_list = []
    for i in range(samples):
        draw = Draw(np.random.default_rng(np.random.SeedSequence([0x5CA1E, i])), params_overrides,
                    where=place, file=source)
        params_list.append(family.sample(draw))
    solutions = family.solve_batch(params_list)
    out, unit = [], None
    for params, solution in zip(params_list, solutions):
        params = {**params, **solution.pop("adjusted_params", {})}
        for q in family.questions(params, solution):
            if isinstance(q, NumericQuestion) and q.key == key and math.isfinite(q.answer):
                out.append(abs(q.answer))
                unit = q.unit
    return out, unit


def width_spread(magnitudes: list[float]) -> float:
    """How many times wider, relative to the answer, one absolute tolerance is for the smallest
    answer than for the largest (1 = the same for everyone; ``inf`` when an answer is 0)."""
    if not magnitudes:
        return 1.0
    low, high = min(magnitudes), max(magnitudes)
    return math.inf if low == 0 else high / low


def check_absolute_tolerance(family, spec_params: dict, key: str, tolerance: Tolerance,
                             *, source: str, place: str) -> None:
    """Refuse an absolute ``tolerance`` that would mean very different precision for different
    students (see the module docstring)."""
    if tolerance.mode != "abs":
        return
    samples = SAMPLES_SIMULATED if hasattr(family.module, "solve_batch") else SAMPLES
    magnitudes, unit = answer_magnitudes(family, spec_params, key, samples=samples, source=source, place=place)
    if unit == POTENTIAL_UNIT:
        return
    if tolerance.value <= 0.5 and all(float(m).is_integer() for m in magnitudes):
        return
    spread = width_spread(magnitudes)
    if spread <= MAX_WIDTH_SPREAD:
        return
    low, high = min(magnitudes), max(magnitudes)
    shown = f"{tolerance.value:g} {unit or ''}".strip()
    widest = "no bound" if low == 0 else f"±{100 * tolerance.value / low:.3g} %"
    raise AssignmentError(
        f"tolerance {key} = {{ abs = {tolerance.value:g} }}: ±{shown} is {widest} for one student and "
        f"±{100 * tolerance.value / high:.3g} % for another (answers from {low:.3g} to {high:.3g}"
        f"{' ' + unit if unit else ''} across variants); use a relative tolerance such as "
        f"{{ rel = {max(tolerance.value / math.sqrt(max(low, 1e-300) * high), 0.001):.2g} }}",
        file=source, place=place)
