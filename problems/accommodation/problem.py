"""Accommodation: a current ramp to the same final current fires when it rises fast and not when it
rises slowly; the step threshold, the least ramp slope that fires, and why (slow depolarization
inactivates Na+ channels and activates K+ channels; the worked solution shows h and n at the end of
a slow ramp)."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance
from spikeset.problems._simhh import (SEARCH_ATOL, SEARCH_RTOL, batch, distinct_misconceptions, growth_rates,
                                      rest_rows, sample_hh, unstable_reason)
from spikeset.sampling import Draw

ID = "accommodation"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
#: Choice questions that key the same option on purpose (why a slow ramp fails is the same accommodation mechanism in every variant); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset({"c"})
TITLE = "Accommodation: fast and slow current ramps"
TOPIC = "simulation"

START_MS = 5.0
HOLD_MS = 50.0            # the final current is held this long after the ramp (and the step this long)
SEARCH_REL_TOL = 2.8e-3   # final bracket 0.28 %: midpoint within 0.14 %, 1/14 of the 2 % tolerance
#: How long a ramp 1 % below the critical slope is held to check that it stays quiet (ms): the
#: answer then does not hinge on the 50 ms hold.
QUIET_HOLD_MS = 200.0
BELOW_THRESHOLD = 0.01


def sample(draw: Draw) -> dict:
    """HH parameters (temperature 6.3-14 degC), the final current as a multiple of the step
    threshold and the slow ramp's slope as a fraction of the critical slope (both set in
    solve_batch, printed to 0.1 uA/cm^2 and 0.01 uA/cm^2 per ms)."""
    p = sample_hh(draw, temperature=(6.3, 14.0))
    # the leak varied too, so that the step threshold spreads across the class
    p["g_L"] = draw.log_uniform("g_L", 0.15, 0.5, sig=2)
    p["final_factor"] = draw.uniform("final_factor", 1.6, 2.3, digits=2)
    p["slow_factor"] = draw.uniform("slow_factor", 0.3, 0.7, digits=2)
    for name in ("final_current", "slow_slope"):  # an assignment may fix them; else solve_batch sets them
        p[name] = draw.fixed_number(name) or 0.0
    p["start_ms"] = START_MS
    p["hold_ms"] = HOLD_MS
    return p


def simulator(params: dict) -> dict:
    """The page simulator's start: the step of (a) at amplitude 0 (its threshold is asked), held for
    the printed time; "Add a ramp" adds the ramp of the protocol to the printed final current at
    the printed slow slope of (c), which does not fire (the critical slope of (b) is asked: the
    student changes the slope). Times in ms, currents in uA/cm2, slopes in uA/cm2 per ms."""
    start, hold = params["start_ms"], params["hold_ms"]
    return {"pulses": [{"amplitude": 0.0, "start": start, "duration": hold}], "t_end": start + hold + 30.0,
            "ramp": {"start": start, "slope": params["slow_slope"], "final": params["final_current"], "hold": hold},
            "hint": "Add a ramp for the ramp protocol; set an unused step's amplitude to 0 or remove it."}


def solve_batch(params_list: list[dict]) -> list[dict]:
    """Per variant: the step threshold [uA/cm^2], the critical slope [uA/cm^2 per ms] of the ramp to
    the final current (batched bisections), h and n at the end of the slow ramp (for the solution), the quiet check below the
    critical slope, and the stability of the rest and of the equilibrium at the final current."""
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.slow_gates import critical_slope, gates_at, ramp_and_hold, step_threshold
    hh = batch(params_list)
    search = dict(start_ms=START_MS, hold_ms=HOLD_MS, rel_tol=SEARCH_REL_TOL, rtol=SEARCH_RTOL, atol=SEARCH_ATOL)
    step = step_threshold(hh, **search)
    fixed_final = np.array([p.get("final_current", 0.0) or 0.0 for p in params_list])
    final_factor = np.array([p["final_factor"] for p in params_list])
    final = np.where(fixed_final > 0, fixed_final, np.round(final_factor * np.nan_to_num(step, nan=3.0), 1))
    slope = critical_slope(hh, final, **search)
    fixed_slow = np.array([p.get("slow_slope", 0.0) or 0.0 for p in params_list])
    slow_factor = np.array([p["slow_factor"] for p in params_list])
    slow = np.where(fixed_slow > 0, fixed_slow, np.maximum(np.round(slow_factor * np.nan_to_num(slope, nan=0.5), 2),
                                                           0.01))
    ramp_end = START_MS + final / slow
    h_end, n_end = gates_at(hh, ramp_and_hold(final, slow, START_MS, HOLD_MS), ramp_end,
                            rtol=SEARCH_RTOL, atol=SEARCH_ATOL)
    s_below = (1.0 - BELOW_THRESHOLD) * np.nan_to_num(slope, nan=1.0)
    below = simulate(hh, ramp_and_hold(final, s_below, START_MS, QUIET_HOLD_MS),
                     START_MS + final / s_below + QUIET_HOLD_MS, stop_after_spikes=1, rtol=1e-6, atol=1e-6)
    growth, rests = rest_rows("every simulation", hh)
    # the equilibrium with the final current held: the rest of a leak reversal shifted by I / g_L
    held = batch(params_list, E_L=[p["E_L"] + f / p["g_L"] for p, f in zip(params_list, final)])
    growth_held = growth_rates(held)
    info = {"rel_tol": SEARCH_REL_TOL, "rtol": SEARCH_RTOL}
    return [{"step_threshold": float(step[i]), "critical_slope": float(slope[i]), "h_end": float(h_end[i]),
             "n_end": float(n_end[i]), "quiet": bool(below.spike_count[i] == 0), "growth": float(growth[i]),
             "growth_held": float(growth_held[i]), "search": info,
             "adjusted_params": {"final_current": float(final[i]), "slow_slope": float(slow[i]), "rests": rests[i]}}
            for i in range(len(params_list))]


def questions(params: dict, solution: dict) -> list:
    i_step, s_c = solution["step_threshold"], solution["critical_slope"]
    final, slow, hold = params["final_current"], params["slow_slope"], params["hold_ms"]
    return distinct_misconceptions([
        NumericQuestion(
            "a", f"Step threshold: the smallest amplitude of a step held for {hold:g} ms that makes a spike",
                 i_step, "uA/cm^2", Tolerance("rel", 0.02), weight=2, digits=3,
            misconceptions=(
                Misconception("final-current-as-threshold", "A step to the final current fires, but it is not the "
                              "smallest step that does: bisect on the step's amplitude.", final),
                Misconception("charge-instead-of-amplitude", "You gave a charge (amplitude x duration); the question "
                              "asks for the current.", i_step * hold),
            )),
        NumericQuestion(
            "b", f"Critical slope: the smallest slope of the ramp to {final:g} &micro;A/cm<sup>2</sup> that makes a "
                 "spike", s_c, "uA/cm^2/ms", Tolerance("rel", 0.02), weight=2, digits=3,
            misconceptions=(
                Misconception("ramp-duration-for-slope", "You gave the ramp's duration (final current / slope, in "
                              "ms); the question asks for its slope.", final / s_c),
                Misconception("slope-per-second", "Your slope is per second; the answer is asked per ms.",
                              s_c * 1000.0),
                Misconception("slope-from-step-threshold", "A ramp does not fire as soon as its current passes the "
                              "step threshold; the slope has to be found by simulation.", i_step / HOLD_MS),
            )),
        ChoiceQuestion(
            "c", f"A ramp of slope {slow:g} &micro;A/cm<sup>2</sup> per ms to the same final current does not fire, "
                 "although its current ends well above the step threshold of (a). Why?",
            (Option("accommodation", "While V rises slowly, h falls (Na<sup>+</sup> channels inactivate) and n rises "
                    "(K<sup>+</sup> channels open): the threshold rises along with V and is never reached", correct=True),
             Option("charge", "When it reaches the final current the slow ramp has delivered less charge than the step, "
                    "so the membrane is charged too little to reach threshold", misconception=Misconception(
                        "charge-deficit", "By the time it reaches the final current the slow ramp has delivered more "
                        "charge than a fast one; what differs is how far the gates h and n have moved meanwhile.")),
             Option("leak", "The leak current grows in step with the ramp and cancels the injected current, so V stays "
                    "at rest until the current is switched off",
                    misconception=Misconception("leak-cancels-ramp", "V does rise during the ramp; the leak alone "
                                                "cannot prevent a spike, which the step of (a) shows.")),
             Option("m-needs-a-jump", "Na<sup>+</sup> activation m responds only to a sudden jump of V; while V "
                    "creeps up slowly, m stays at its resting value and no Na<sup>+</sup> current develops",
                    misconception=Misconception("m-needs-a-jump", "m follows V within a fraction of a millisecond at "
                                                "any rate of change; what a slow ramp gives time to move are the slow "
                                                "gates h and n."))),
        ),
    ])


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: a threshold or slope not found or at a search boundary, a slope that
    depends on the hold, a final current at which the membrane is unstable, an unstable rest."""
    from spikeset.solutions.slow_gates import MIN_SLOPE
    out = []
    i_step, s_c, final = solution["step_threshold"], solution["critical_slope"], params["final_current"]
    if not (math.isfinite(i_step) and math.isfinite(s_c)):
        return ["step threshold or critical slope not found"]
    if not 0.5 < i_step < 20.0:
        out.append(f"step threshold {i_step:.3g} uA/cm^2 outside the sensible range")
    if not 2.0 * MIN_SLOPE < s_c < 20.0:
        out.append(f"critical slope {s_c:.3g} uA/cm^2/ms at or near a search boundary")
    if final < 1.4 * i_step:
        out.append("the final current is less than 1.4 x the step threshold")
    if not params["slow_slope"] < 0.8 * s_c:  # the slow ramp of (c) must clearly not fire
        out.append("the slow ramp is not clearly below the critical slope")
    if not solution.get("quiet", True):
        out.append(f"a ramp 1 % below the critical slope fires when held for {QUIET_HOLD_MS:g} ms: the slope "
                   "depends on the hold")
    out += unstable_reason(solution.get("growth", 0.0))
    out += unstable_reason(solution.get("growth_held", 0.0), "the equilibrium at the final current")
    return out
