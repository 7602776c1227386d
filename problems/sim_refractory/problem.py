"""Refractoriness from paired pulses: the refractory interval and the raised threshold of a
second pulse in the relative refractory period."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance
from spikeset.problems._simhh import pulse_simulator
from spikeset.problems._simhh import (SEARCH_ATOL, SEARCH_RTOL, batch, cli_params, distinct_misconceptions, rel_gap,
                                      rest_rows, sample_hh, subset, unstable_reason)
from spikeset.sampling import Draw

ID = "sim-refractory"
REVISION = 3  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Refractory period from paired pulses"
TOPIC = "simulation"
#: The page's HH simulator starts with the printed pulse or step.
simulator = pulse_simulator

START_MS = 2.0
WINDOW_MS = 25.0          # a spike must come within this time after its pulse's end
THR_REL_TOL = 2.8e-3      # threshold brackets: midpoint within 0.14 % (tolerance 2 %)
DELAY_REL_TOL = 3e-3      # refractory interval bracket: midpoint within 0.15 % (tolerance 3 %)
MIN_GAP = 0.05            # second-pulse threshold vs single threshold: > 5 % apart
PROBE_OFFSET = (0.08, 0.25)  # (d)'s delay: this fraction of the refractory interval before or after it
MIN_PROBE_GAP = 0.05      # (d)'s printed delay at least 5 % from the refractory interval (tolerance of (a): 3 %)


def sample(draw: Draw) -> dict:
    """HH parameters, pulse duration [ms] and amplitude [uA/cm^2] (1.5-3x threshold charge),
    and the delay factor for the second-pulse threshold (delay set in solve_batch)."""
    p = sample_hh(draw)
    p["duration_ms"] = draw.uniform("duration_ms", 0.2, 0.5, digits=1)
    charge = draw.uniform("charge", 12.0, 20.0, digits=1)
    amplitude = draw.fixed_number("amplitude")
    p["amplitude"] = amplitude if amplitude is not None else float(round(charge / p["duration_ms"]))
    p["amplitude_fixed"] = "amplitude" in draw.overrides
    p["delay_factor"] = draw.uniform("delay_factor", 1.05, 1.25, digits=2)
    # an assignment may fix it; else solve_batch sets delay_factor x refractory interval
    p["delay_ms"] = draw.fixed_number("delay_ms") or 0.0
    p["start_ms"] = START_MS
    p["window_ms"] = WINDOW_MS
    # (d): two identical pulses at a delay PROBE_OFFSET before or after the refractory interval
    # (set in solve_batch): does the second one fire?
    p["probe_side"] = draw.choice("probe_side", ("before", "after"))
    p["probe_offset"] = draw.uniform("probe_offset", *PROBE_OFFSET, digits=2)
    p["probe_delay_ms"] = 0.0
    p["cli"] = cli_params(p)
    return p


#: log-linear fit of log(second-pulse threshold / single threshold) against log(delay / refractory
#: interval), log(amplitude / threshold), T, log g_Na, log g_K, log duration (1000 variants of this
#: family; residual sd 2.3 %, max 18 %): the starting bracket of the second-pulse search only.
_SECOND_FIT = (0.32649, -2.27226, 1.05391, 0.0105248, -0.269279, 0.233187, -0.0154944)


def _second_ratio_guess(delay_ratio, amp_ratio, params_list, sel):
    c = _SECOND_FIT
    t = np.array([params_list[i]["temperature"] for i in sel])
    g_na = np.array([params_list[i]["g_Na"] for i in sel])
    g_k = np.array([params_list[i]["g_K"] for i in sel])
    d = np.array([params_list[i]["duration_ms"] for i in sel])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = (c[0] + c[1] * np.log(delay_ratio) + c[2] * np.log(amp_ratio) + c[3] * (t - 6.3) + c[4] * np.log(g_na)
             + c[5] * np.log(g_k) + c[6] * np.log(d))
    return np.where(np.isfinite(y), np.exp(np.clip(y, 0.0, 3.0)), 1.5)


def solve_batch(params_list: list[dict]) -> list[dict]:
    from spikeset.solutions.hh_search import refractory_interval, second_pulse_threshold, threshold_amplitude
    n = len(params_list)
    hh = batch(params_list)
    amp = np.array([p["amplitude"] for p in params_list])
    dur = np.array([p["duration_ms"] for p in params_list])
    tol = dict(start_ms=START_MS, response_window_ms=WINDOW_MS, rtol=SEARCH_RTOL, atol=SEARCH_ATOL)
    # 1. single-pulse threshold
    thr1 = threshold_amplitude(hh, dur, rel_tol=THR_REL_TOL, **tol)
    # The pulses must be clearly suprathreshold: raise a drawn amplitude below 1.4x threshold to
    # 1.5x (printed in whole uA/cm2); an amplitude fixed by the assignment stays as it is.
    fixed_amp = np.array([bool(p.get("amplitude_fixed")) for p in params_list])
    raise_amp = ~fixed_amp & np.isfinite(thr1) & (amp < 1.4 * thr1)
    amp = np.where(raise_amp, np.ceil(1.5 * np.nan_to_num(thr1)), amp)
    # 2. refractory interval: bisection on the onset-to-onset delay (2 spikes = second pulse fired),
    #    from hh_search's fitted starting bracket
    refr = refractory_interval(hh, amp, dur, rel_tol=DELAY_REL_TOL, abs_tol_ms=0.0, max_delay_ms=150.0, **tol)
    # 3. threshold of a second pulse at the printed delay (delay_factor x refractory interval)
    fixed = np.array([p.get("delay_ms", 0.0) or 0.0 for p in params_list])
    r = np.nan_to_num(refr, nan=10.0)
    factor = np.array([p["delay_factor"] for p in params_list])
    # printed to 0.1 ms, and at least 3 % beyond the refractory interval
    delay = np.where(fixed > 0, fixed, np.maximum(np.round(factor * r, 1), np.ceil(10 * 1.03 * r) / 10))

    base = np.nan_to_num(thr1, nan=10.0)

    def second_threshold(sel):
        guess = base[sel] * _second_ratio_guess(delay[sel] / r[sel], amp[sel] / base[sel], params_list, sel)
        return second_pulse_threshold(subset(hh, sel), dur[sel], delay[sel], amp[sel], rel_tol=THR_REL_TOL,
                                      bracket=guess, spread=1.09, check_conditioning=False, **tol)
    thr2 = second_threshold(np.arange(n))
    # Too close to the single threshold for an unambiguous choice: move the delay (not fixed by the
    # assignment) down to 3 % beyond the refractory interval, where the second threshold is higher.
    # Same measure as ``plausible`` (rel_gap), with a margin so borderline variants move too.
    gap = np.abs(thr2 - base) / np.maximum(np.abs(thr2), np.abs(base))
    close = np.flatnonzero((~(gap >= 1.5 * MIN_GAP)) & (fixed <= 0))
    if close.size:
        delay[close] = np.ceil(10 * 1.03 * r[close]) / 10
        thr2[close] = second_threshold(close)
    side = np.array([1.0 if p["probe_side"] == "after" else -1.0 for p in params_list])
    offset = np.array([p["probe_offset"] for p in params_list])
    probe = np.round(r * (1.0 + side * offset), 1)    # printed to 0.1 ms
    growth, rests = rest_rows("all simulations", hh)
    search = {"thr_rel_tol": THR_REL_TOL, "delay_rel_tol": DELAY_REL_TOL, "rtol": SEARCH_RTOL}
    return [{"threshold": float(thr1[i]), "refractory_ms": float(refr[i]), "threshold2": float(thr2[i]),
             "growth": float(growth[i]), "search": search,
             "adjusted_params": {"delay_ms": float(delay[i]), "amplitude": float(amp[i]),
                                 "probe_delay_ms": float(probe[i]), "rests": rests[i]}}
            for i in range(n)]


def questions(params: dict, solution: dict) -> list:
    refr, thr1, thr2 = solution["refractory_ms"], solution["threshold"], solution["threshold2"]
    d, amp, delay = params["duration_ms"], params["amplitude"], params["delay_ms"]
    higher = thr2 > thr1
    return distinct_misconceptions([
        NumericQuestion(
            "a", "Refractory interval: smallest onset-to-onset delay at which the second pulse still makes a "
                 "spike", refr, "ms", Tolerance("rel", 0.03), weight=2,
            misconceptions=(
                Misconception("end-to-onset-delay", "You measured from the end of the first pulse; the delay is "
                              "onset to onset.", refr - d),
                Misconception("seconds-instead-of-ms", "Your value is in seconds; the answer is asked in ms.",
                              refr / 1000.0),
            ), digits=2),
        NumericQuestion(
            "b", f"Threshold amplitude of a single {d:g} ms pulse", thr1, "uA/cm^2",
            Tolerance("rel", 0.02),
            misconceptions=(
                Misconception("charge-instead-of-amplitude", "You gave the threshold charge (amplitude x "
                              "duration); the question asks for the amplitude.", thr1 * d),)),
        NumericQuestion(
            "c", f"Threshold amplitude of the second pulse at a delay of {delay:g} ms",
            thr2, "uA/cm^2", Tolerance("rel", 0.02), weight=2,
            misconceptions=(
                Misconception("no-relative-refractoriness", "After a spike the threshold is not back to its "
                              "resting value yet: h has not recovered and g_K is still raised.", thr1),
                Misconception("conditioning-amplitude", "The second pulse's threshold is below the conditioning "
                              "amplitude at delays longer than the refractory interval; it must be found by "
                              "bisection.", amp),
                Misconception("charge-instead-of-amplitude", "You gave a charge (amplitude x duration); the "
                              "question asks for the amplitude.", thr2 * d),
            )),
        _probe_question(params, solution),
    ])


def _probe_question(params: dict, solution: dict) -> ChoiceQuestion:
    """(d): does a second pulse of the conditioning amplitude at the printed probe delay fire?
    Keyed by the variant's refractory interval (the switch point of exactly this outcome)."""
    probe, amp, refr = params["probe_delay_ms"], params["amplitude"], solution["refractory_ms"]
    fires = probe > refr
    return ChoiceQuestion(
        "d", f"Two identical {amp:g} &micro;A/cm<sup>2</sup> pulses with the second one {probe:g} ms after the "
             "first (onset to onset): does the second pulse make a spike?",
        (Option("fires", "yes: the patch is still relatively refractory, but at this delay enough Na<sup>+</sup> "
                "channels have recovered for this amplitude to exceed the raised threshold", correct=fires,
                misconception=None if fires else Misconception(
                    "refractory-over-too-soon", "This delay is shorter than the refractory interval (a): too few "
                    "Na+ channels have recovered from inactivation (and g_K is still raised) for this amplitude.")),
         Option("fails", "no: at this delay too few Na<sup>+</sup> channels have recovered from inactivation (and "
                "g<sub>K</sub> is still raised) for this amplitude to make a second spike", correct=not fires,
                misconception=None if not fires else Misconception(
                    "refractory-lasts-longer", "This delay is longer than the refractory interval (a): h has "
                    "recovered enough that the conditioning amplitude exceeds the second pulse's threshold.")),
         Option("summation", "only if the two pulses overlap, so that their currents add: a spiking membrane "
                "cannot fire again until V is back at rest",
                misconception=Misconception("refractory-until-rest", "A second spike does not wait for V to "
                                            "return to rest: it needs enough Na+ channels recovered from "
                                            "inactivation, which happens during the undershoot."))),
        follow_on=FollowOn(("a",), lambda answers, probe=probe: "fires" if answers["a"] < probe else "fails"))


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    out = []
    refr, thr1, thr2 = solution["refractory_ms"], solution["threshold"], solution["threshold2"]
    for name, v in (("refractory interval", refr), ("threshold", thr1), ("second threshold", thr2)):
        if not math.isfinite(v):
            out.append(f"{name} not found")
    if math.isfinite(thr1) and params["amplitude"] < 1.3 * thr1:
        out.append("the pulse is less than 1.3x threshold")
    if math.isfinite(refr) and refr < params["duration_ms"] + 0.5:
        out.append("refractory interval shorter than the pulse")
    if math.isfinite(thr2) and not thr2 < params["amplitude"]:
        out.append("second threshold above the conditioning amplitude although delay > refractory interval")
    if math.isfinite(refr) and not abs(params["probe_delay_ms"] / refr - 1.0) >= MIN_PROBE_GAP:
        out.append("the delay of (d) is too close to the refractory interval")
    if math.isfinite(refr) and not params["probe_delay_ms"] > params["duration_ms"]:
        out.append("the pulses of (d) overlap")
    if rel_gap(thr1, thr2) < MIN_GAP:
        out.append("second-pulse and single-pulse thresholds too close for the choice")
    out += unstable_reason(solution.get("growth", 0.0))
    return out
