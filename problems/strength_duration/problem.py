"""Strength-duration of the HH membrane by simulation: a short pulse's threshold, the rheobase, the chronaxie, and Weiss's estimate."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import FollowOn, Misconception, NumericQuestion, Tolerance
from spikeset.problems._simhh import (LONG_WINDOW_MS, SEARCH_ATOL, SEARCH_RTOL, batch, cli_params, concat,
                                      distinct_misconceptions, growth_rates, quiet_below, sample_hh, unstable_reason)
from spikeset.sampling import Draw
from spikeset.solutions import hh_model as hh

ID = "strength-duration"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Strength-duration: rheobase and chronaxie by simulation"
TOPIC = "simulation"

START_MS = 2.0
WINDOW_MS = 25.0          # a spike must come within this time after the pulse's end
SEARCH_REL_TOL = 2.8e-3   # final bracket 0.28 %: midpoint within 0.14 %, 1/14 of the 2 % tolerance
SHORT_MS = (0.1, 0.2, 0.3, 0.5)
#: The rheobase is taken as the threshold of a pulse this long [ms].
RHEOBASE_PULSE_MS = 50.0


def sample(draw: Draw) -> dict:
    """HH parameters (printed), the resting state the simulation starts from, and two pulse durations [ms]."""
    p = sample_hh(draw, temperature=(4.0, 25.0))
    # membrane capacitance and leak varied too, so that rheobase and chronaxie spread across the class
    p["C_m"] = draw.log_uniform("C_m", 0.4, 3.0, sig=2)
    p["g_L"] = draw.log_uniform("g_L", 0.1, 0.5, sig=2)
    p["d_short_ms"] = draw.choice("d_short_ms", list(SHORT_MS))
    p["rheobase_pulse_ms"] = RHEOBASE_PULSE_MS
    p["start_ms"] = START_MS
    p["window_ms"] = WINDOW_MS
    rest = hh.resting_potential(hh.HHParams(**{k: float(p[k]) for k in
                                              ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature")}))
    p["v_rest_mV"] = rest
    p["m_rest"], p["h_rest"], p["n_rest"] = (float(hh.steady_state(g, rest)) for g in "mhn")
    p["cli"] = cli_params(p)
    return p


def simulator(params: dict) -> dict:
    """The page simulator's start: the short pulse of (a) at amplitude 0 (its threshold is asked),
    and the response window after it. Times in ms, currents in uA/cm2."""
    start, duration = params["start_ms"], float(params["d_short_ms"])
    return {"pulses": [{"amplitude": 0.0, "start": start, "duration": duration}],
            "t_end": start + duration + params["window_ms"]}


def solve_batch(params_list: list[dict]) -> list[dict]:
    """Per variant: the thresholds [uA/cm^2] of the short pulse and of the long pulse (the rheobase),
    in one batched search, then the chronaxie [ms] at twice that rheobase."""
    from spikeset.solutions.hh_search import threshold_amplitude
    from spikeset.solutions.strength_duration import chronaxie_by_simulation
    n = len(params_list)
    base = batch(params_list)
    durations = np.array([p["d_short_ms"] for p in params_list] + [RHEOBASE_PULSE_MS] * n)
    thr = threshold_amplitude(concat(base, base), durations, start_ms=START_MS, response_window_ms=WINDOW_MS,
                              rel_tol=SEARCH_REL_TOL, rtol=SEARCH_RTOL, atol=SEARCH_ATOL)
    rheobase = thr[n:]
    chronaxie = chronaxie_by_simulation(base, 2.0 * rheobase, start_ms=START_MS, response_window_ms=WINDOW_MS,
                                        rel_tol=SEARCH_REL_TOL, rtol=SEARCH_RTOL, atol=SEARCH_ATOL)
    # A stable rest, and thresholds that do not hinge on the response window (a pulse 1 % below
    # either threshold stays quiet for LONG_WINDOW_MS after it): an assignment may fix g_K or the
    # temperature where the drawn ranges never go.
    growth = growth_rates(base)
    quiet = quiet_below(concat(base, base), thr, durations, START_MS, np.concatenate([growth, growth]))
    return [{"threshold_short": float(thr[i]), "rheobase": float(rheobase[i]), "chronaxie": float(chronaxie[i]),
             "growth": float(growth[i]), "quiet": bool(quiet[i] and quiet[n + i])}
            for i in range(n)]


def questions(params: dict, solution: dict) -> list:
    d1 = params["d_short_ms"]
    i1, i_rh, t_c = solution["threshold_short"], solution["rheobase"], solution["chronaxie"]
    t_weiss = d1 * (i1 / i_rh - 1.0)
    tol = Tolerance("rel", 0.02)
    tol_tc = Tolerance("rel", 0.05)
    return distinct_misconceptions([
        NumericQuestion("a", f"Threshold amplitude of a {d1:g} ms pulse", i1, "uA/cm^2", tol,
                        weight=2, digits=3, misconceptions=(
                            Misconception("charge-instead-of-amplitude", "You gave the threshold charge "
                                          "(amplitude x duration, nC/cm^2); the question asks for the amplitude.", i1 * d1),
                            Misconception("rheobase-for-short-pulse", "That is the rheobase; a short pulse needs a "
                                          "much larger amplitude.", i_rh),
                        )),
        NumericQuestion("b", f"Rheobase: threshold amplitude of a {RHEOBASE_PULSE_MS:g} ms pulse",
                        i_rh, "uA/cm^2", tol, weight=2, digits=3, misconceptions=(
                            Misconception("charge-instead-of-amplitude", "You gave the threshold charge "
                                          "(amplitude x duration, nC/cm^2); the question asks for the amplitude.",
                                          i_rh * RHEOBASE_PULSE_MS),
                            Misconception("constant-charge", "The threshold charge is not constant: scaling the short "
                                          "pulse's threshold by the durations ignores the leak during a long pulse.",
                                          i1 * d1 / RHEOBASE_PULSE_MS),
                        )),
        NumericQuestion("c", "Chronaxie: the shortest duration at which a pulse of twice the rheobase fires",
                        t_c, "ms", tol_tc, weight=2, digits=3, misconceptions=(
                            Misconception("chronaxie-is-tau", "In Lapicque's RC law the chronaxie is tau ln 2; you "
                                          "gave tau = t_c / ln 2.", t_c / math.log(2.0)),
                            Misconception("weiss-estimate-for-chronaxie", "Weiss's law is only an approximation "
                                          "for the HH membrane: find the chronaxie by simulating pulses of twice "
                                          "the rheobase.", t_weiss),
                            Misconception("rheobase-amplitude", "The chronaxie is measured at twice the rheobase; at "
                                          "the rheobase itself only a very long pulse fires.", RHEOBASE_PULSE_MS),
                        )),
        NumericQuestion("d", "Chronaxie estimated with Weiss's law from (a) and (b)", t_weiss, "ms", tol_tc, digits=3,
                        misconceptions=(
                            Misconception("duration-not-subtracted", "Weiss: Q = I_rh (D + t_c), so t_c = "
                                          "D (I/I_rh - 1); you left out the - 1.", d1 * i1 / i_rh),
                            Misconception("ratio-inverted", "t_c = D (I/I_rh - 1), with the short pulse's threshold "
                                          "over the rheobase.", d1 * (i_rh / i1 - 1.0)),
                            Misconception("chronaxie-is-tau", "In Lapicque's RC law the chronaxie is tau ln 2; you "
                                          "gave tau = t_c / ln 2.", t_weiss / math.log(2.0)),
                        ),
                        follow_on=FollowOn(("a", "b"), lambda ans: d1 * (ans["a"] / ans["b"] - 1.0)
                                           if ans["b"] > 0 else math.nan)),
    ])


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: a threshold or chronaxie not found or out of range, no resting state or
    an unstable one, a threshold that depends on the response window."""
    out = []
    i1, i_rh, t_c = solution["threshold_short"], solution["rheobase"], solution["chronaxie"]
    if not all(math.isfinite(x) for x in (i1, i_rh, t_c)):
        return ["threshold or chronaxie not found"]
    if not 0.5 < i_rh < i1 < 500.0:
        out.append(f"thresholds {i1:.3g}, {i_rh:.3g} uA/cm^2 not ordered or out of range")
    if not 0.1 < t_c < 10.0:
        out.append(f"chronaxie {t_c:.3g} ms")
    if params["v_rest_mV"] > -55.0:
        out.append("no resting state near -65 mV")
    out += unstable_reason(solution.get("growth", -1.0))
    if not solution.get("quiet", True):
        out.append(f"a pulse 1 % below a threshold fires within {LONG_WINDOW_MS:g} ms after it (the threshold "
                   "depends on the response window)")
    return out
