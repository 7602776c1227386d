"""Simulated threshold of a single current pulse, and how it moves with the Na+ channel density."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance
from spikeset.problems._simhh import pulse_simulator
from spikeset.problems._simhh import (LONG_WINDOW_MS, STABLE_GROWTH_PER_MS, SEARCH_ATOL, SEARCH_RTOL, batch, cli_params, concat,
                                      distinct_misconceptions, growth_rates, printed_rests, quiet_below, rel_gap,
                                      rest_states, sample_hh, stable)
from spikeset.sampling import Draw

ID = "sim-threshold"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Simulated threshold of a current pulse"
TOPIC = "simulation"
#: The page's HH simulator starts with the printed pulse or step.
simulator = pulse_simulator

START_MS = 2.0
WINDOW_MS = 25.0          # a spike must come within this time after the pulse's end
SEARCH_REL_TOL = 2.8e-3   # final bracket 0.28 %: midpoint within 0.14 %, 1/14 of the 2 % tolerance
MIN_GAP = 0.04            # the two thresholds must differ by > 4 % (choice robust to 1 % changes)


def sample(draw: Draw) -> dict:
    """HH parameters, pulse duration [ms] and a changed g_Na [mS/cm^2]."""
    p = sample_hh(draw)
    p["duration_ms"] = draw.uniform("duration_ms", 0.5, 5.0, digits=1)
    p["start_ms"] = START_MS
    direction = draw.choice("direction", ["up", "down"])
    change = draw.uniform("change", 0.2, 0.4, digits=2)
    factor = 1.0 + change if direction == "up" else 1.0 - change
    p["g_Na2"] = float(round(p["g_Na"] * factor))
    p["direction"] = direction
    p["change"] = change
    p["direction_fixed"] = "direction" in draw.overrides or "g_Na2" in draw.overrides
    p["window_ms"] = WINDOW_MS
    p["cli"] = cli_params(p)
    return p


def solve_batch(params_list: list[dict]) -> list[dict]:
    n = len(params_list)
    params_list = [dict(p) for p in params_list]
    adjusted = [{} for _ in range(n)]
    # A raised g_Na whose rest is not stable (the patch would oscillate or fire by itself): change
    # g_Na the other way instead (deterministic; an assignment that fixes the direction keeps it).
    changed = batch(params_list, g_Na=[p["g_Na2"] for p in params_list])
    for i in np.flatnonzero(~stable(growth_rates(changed))):
        p = params_list[i]
        if p.get("direction_fixed"):
            continue
        flip = "down" if p["direction"] == "up" else "up"
        g2 = float(round(p["g_Na"] * (1.0 - p["change"] if flip == "down" else 1.0 + p["change"])))
        p["g_Na2"], p["direction"] = g2, flip
        adjusted[i].update(g_Na2=g2, direction=flip)
    base = batch(params_list)
    changed = batch(params_list, g_Na=[p["g_Na2"] for p in params_list])
    both = concat(base, changed)
    rest = rest_states(both)
    growth = growth_rates(both, rest)
    printed = printed_rests(rest)
    dur = np.array([p["duration_ms"] for p in params_list])
    durs = np.concatenate([dur, dur])
    # One batched bisection over 2N variants (both conditions), at a search tolerance of the integrator.
    from spikeset.solutions.hh_search import threshold_amplitude
    thr = threshold_amplitude(both, durs, start_ms=START_MS, response_window_ms=WINDOW_MS, rel_tol=SEARCH_REL_TOL,
                              rtol=SEARCH_RTOL, atol=SEARCH_ATOL)
    # The answer must not hinge on the response window: just below threshold, nothing fires even
    # if one waits LONG_WINDOW_MS.
    quiet = quiet_below(both, thr, durs, START_MS, growth)
    out = []
    for i, p in enumerate(params_list):
        adjusted[i]["rests"] = [{"label": f"ḡ_Na = {p['g_Na']:g} mS/cm² (a)", **printed[i]},
                                {"label": f"ḡ_Na = {p['g_Na2']:g} mS/cm² (b)", **printed[n + i]}]
        adjusted[i]["cli"] = cli_params(p)
        out.append({"threshold": float(thr[i]), "threshold2": float(thr[n + i]),
                    "growth": float(growth[i]), "growth2": float(growth[n + i]),
                    "quiet": bool(quiet[i]), "quiet2": bool(quiet[n + i]),
                    "search": {"rel_tol": SEARCH_REL_TOL, "rtol": SEARCH_RTOL, "atol": SEARCH_ATOL},
                    "adjusted_params": adjusted[i]})
    return out


def questions(params: dict, solution: dict) -> list:
    thr, thr2 = solution["threshold"], solution["threshold2"]
    d, g1, g2 = params["duration_ms"], params["g_Na"], params["g_Na2"]
    lower = thr2 < thr
    raised = g2 > g1
    return distinct_misconceptions([
        NumericQuestion(
            "a", f"Threshold amplitude of a {d:g} ms pulse", thr, "uA/cm^2",
            Tolerance("rel", 0.02), weight=2,
            misconceptions=(
                Misconception("charge-instead-of-amplitude", "You gave the threshold charge "
                              "(amplitude x duration, nC/cm^2); the question asks for the amplitude.", thr * d),
                Misconception("charge-over-one-ms", "You divided a charge by the duration twice (or "
                              "gave amplitude / duration); the amplitude is in uA/cm^2.", thr / d),
            )),
        NumericQuestion(
            "b", f"Threshold amplitude of the same pulse with g&#772;<sub>Na</sub> = {g2:g} mS/cm<sup>2</sup>",
                 thr2, "uA/cm^2", Tolerance("rel", 0.02), weight=2,
            misconceptions=(
                Misconception("threshold-inversely-proportional-to-gna", "The threshold is not inversely "
                              "proportional to g_Na: it has to be found again by simulation.", thr * g1 / g2),
                Misconception("threshold-independent-of-gna", "The threshold depends on the Na+ channel "
                              "density, not only on the gating of m.", thr),
                Misconception("charge-instead-of-amplitude", "You gave the threshold charge "
                              "(amplitude x duration); the question asks for the amplitude.", thr2 * d),
            )),
        ChoiceQuestion(
            "c", f"{'Raising' if raised else 'Lowering'} g&#772;<sub>Na</sub> from {g1:g} to {g2:g} mS/cm<sup>2</sup> "
                 "makes the threshold of (a)&hellip;",
            (Option("lower", "lower: the patch becomes more excitable",
                    correct=lower,
                    misconception=None if lower else Misconception(
                        "fewer-channels-lower-threshold" if not raised else "direction-of-gna",
                        "Fewer Na+ channels make the cell less excitable: the threshold rises."
                        if not raised else "Check your simulation: the threshold did not fall.")),
             Option("higher", "higher: the patch becomes less excitable", correct=not lower,
                    misconception=None if not lower else Misconception(
                        "more-channels-higher-threshold", "More Na+ channels make the cell more excitable: "
                        "the same pulse recruits more inward current, so the threshold falls.")),
             Option("same", "unchanged (within 2 %): the threshold is set by the voltage dependence of m, "
                    "which does not depend on the channel density", misconception=Misconception(
                        "threshold-is-a-fixed-voltage", "Threshold is where inward Na+ current outgrows the "
                        "outward currents, and the Na+ current scales with g_Na."))),
            follow_on=FollowOn.comparison("a", "b", higher="higher", lower="lower", same="same", within=0.02),
        ),
    ])


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    out = []
    thr, thr2 = solution["threshold"], solution["threshold2"]
    for name, v in (("threshold", thr), ("threshold2", thr2)):
        if not math.isfinite(v):
            out.append(f"{name} not found")
        elif not 0.5 < v < 500.0:
            out.append(f"{name} {v:.3g} uA/cm^2 outside the searched protocol's sensible range")
    if rel_gap(thr, thr2) < MIN_GAP:
        out.append(f"thresholds differ by only {100 * rel_gap(thr, thr2):.1f} %")
    for name, key in (("g_Na", ""), ("g_Na2", "2")):
        if not solution.get(f"growth{key}", 0.0) < STABLE_GROWTH_PER_MS:
            out.append(f"the rest with {name} is not stable (growth rate {solution.get(f'growth{key}'):.3g} /ms)")
        if not solution.get(f"quiet{key}", True):
            out.append(f"with {name}, a pulse 1 % below threshold fires within {LONG_WINDOW_MS:g} ms: the threshold "
                       "depends on the response window")
    return out

