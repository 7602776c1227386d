"""Anode-break excitation: a rebound spike after the release of a hyperpolarizing current step,
its threshold, its latency, and why it happens (h de-inactivated, n deactivated)."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance
from spikeset.problems._simhh import (SEARCH_ATOL, SEARCH_RTOL, batch, distinct_misconceptions, rest_rows,
                                      sample_hh, unstable_reason)
from spikeset.sampling import Draw

ID = "anode-break"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
#: Choice questions that key the same option on purpose (why a rebound spike follows the release is the same slow-gate mechanism in every variant); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset({"d"})
TITLE = "Anode-break excitation: the rebound spike after hyperpolarization"
TOPIC = "simulation"

START_MS = 5.0
WINDOW_MS = 30.0          # a rebound spike must peak within this time after the release
SEARCH_REL_TOL = 2.8e-3   # final bracket 0.28 %: midpoint within 0.14 %, 1/14 of the 2 % tolerance
#: How long after the release a step 1 % below threshold is checked to stay quiet (ms): the
#: threshold then does not hinge on the 30 ms window.
QUIET_WINDOW_MS = 200.0
BELOW_THRESHOLD = 0.01
#: The step of (b) and (c) is this many times the threshold (drawn), so its latency is far from the
#: steep rise of latency just above threshold.
MIN_FACTOR, MAX_FACTOR = 1.4, 6.0
#: The largest magnitude of that step, uA/cm^2 (the membrane sits near -120 mV during it).
MAX_AMPLITUDE = 20.0


def sample(draw: Draw) -> dict:
    """HH parameters (temperature 6.3-12 degC: warmer squid axons hardly rebound), the step's
    duration [ms] and where the step of (b) and (c) lies above threshold (its magnitude
    [uA/cm^2] is set in solve_batch, to 0.1 uA/cm^2)."""
    p = sample_hh(draw, temperature=(6.3, 12.0))
    # the capacitance varied too, so that the rebound latency spreads across the class
    p["C_m"] = draw.uniform("C_m", 0.7, 1.6, digits=1)
    p["duration_ms"] = draw.uniform("duration_ms", 4.0, 25.0, digits=0)
    # where the step of (b) and (c) lies between MIN_FACTOR x threshold and the smaller of
    # MAX_FACTOR x threshold and MAX_AMPLITUDE, on a log scale (0 = low end, 1 = high end)
    p["amplitude_position"] = draw.uniform("amplitude_position", 0.0, 1.0, digits=3)
    # an assignment may fix it; else solve_batch sets it from amplitude_position
    p["amplitude"] = draw.fixed_number("amplitude") or 0.0
    p["start_ms"] = START_MS
    p["window_ms"] = WINDOW_MS
    return p


def simulator(params: dict) -> dict:
    """The page simulator's start: the step of the protocol at amplitude 0 (the student types
    -|I|, the magnitude they search for in (a) or the printed one of (b) and (c)), and the
    response window after the release. Times in ms, currents in uA/cm2."""
    start, duration = params["start_ms"], params["duration_ms"]
    return {"pulses": [{"amplitude": 0.0, "start": start, "duration": duration}],
            "t_end": start + duration + params["window_ms"],
            "hint": "A hyperpolarizing step is a pulse of negative amplitude: for |I| = 2, type \u22122."}


def solve_batch(params_list: list[dict]) -> list[dict]:
    """Per variant: the rebound threshold [uA/cm^2] (batched bisection), then, for the step of
    (b) and (c), the rebound latency [ms] and h, n at the release; the quiet check below
    threshold; the stability of the rest."""
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.slow_gates import hyperpolarizing_step, rebound_response, rebound_threshold
    hh = batch(params_list)
    dur = np.array([p["duration_ms"] for p in params_list])
    search = dict(start_ms=START_MS, window_ms=WINDOW_MS, rtol=SEARCH_RTOL, atol=SEARCH_ATOL)
    thr = rebound_threshold(hh, dur, rel_tol=SEARCH_REL_TOL, **search)
    base = np.nan_to_num(thr, nan=5.0)
    fixed = np.array([p.get("amplitude", 0.0) or 0.0 for p in params_list])
    position = np.array([p["amplitude_position"] for p in params_list])
    high = np.maximum(np.minimum(MAX_FACTOR * base, MAX_AMPLITUDE - 0.5), MIN_FACTOR * base)
    amp = np.where(fixed > 0, fixed, np.round(MIN_FACTOR * base * (high / (MIN_FACTOR * base)) ** position, 1))
    latency, h_rel, n_rel = rebound_response(hh, amp, dur, **search)
    below = simulate(hh, hyperpolarizing_step((1.0 - BELOW_THRESHOLD) * base, START_MS, dur),
                     START_MS + dur + QUIET_WINDOW_MS, stop_after_spikes=1, rtol=1e-6, atol=1e-6)
    growth, rests = rest_rows("every simulation", hh)
    info = {"rel_tol": SEARCH_REL_TOL, "rtol": SEARCH_RTOL}
    return [{"threshold": float(thr[i]), "latency": float(latency[i]), "h_release": float(h_rel[i]),
             "n_release": float(n_rel[i]), "quiet": bool(below.spike_count[i] == 0), "growth": float(growth[i]),
             "search": info, "adjusted_params": {"amplitude": float(amp[i]), "rests": rests[i]}}
            for i in range(len(params_list))]


def questions(params: dict, solution: dict) -> list:
    thr, lat, h_rel, n_rel = solution["threshold"], solution["latency"], solution["h_release"], solution["n_release"]
    d, amp, start = params["duration_ms"], params["amplitude"], params["start_ms"]
    n_rest = params["rests"][0]["n"]
    return distinct_misconceptions([
        NumericQuestion(
            "a", f"Rebound threshold: the smallest magnitude |I| of a {d:g} ms hyperpolarizing step that gives a "
                 "rebound spike (a positive number)", thr, "uA/cm^2", Tolerance("rel", 0.02),
            weight=2, digits=3, misconceptions=(
                Misconception("sign-of-magnitude", "The question asks for the magnitude |I| of the step, a positive "
                              "number; the injected current itself is -|I|.", -thr),
                Misconception("charge-instead-of-amplitude", "You gave the charge of the step (|I| x duration, "
                              "nC/cm^2); the question asks for the current.", thr * d),
            )),
        NumericQuestion(
            "b", f"Latency of the rebound spike's peak after the release, for |I| = {amp:g} &micro;A/cm<sup>2</sup>",
                 lat, "ms", Tolerance("rel", 0.02), digits=3, misconceptions=(
                Misconception("latency-from-step-onset", "The latency is measured from the release (the end of the "
                              "step), not from its onset.", lat + d),
                Misconception("latency-from-time-zero", "You gave the time of the peak; the latency is measured from "
                              "the release.", lat + d + start),
                Misconception("seconds-instead-of-ms", "Your value is in seconds; the answer is asked in ms.",
                              lat / 1000.0),
            )),
        NumericQuestion(
            "c", f"K<sup>+</sup> activation gate n at the moment of release, for |I| = {amp:g} "
                 "&micro;A/cm<sup>2</sup>", n_rel, None, Tolerance("rel", 0.02), digits=4,
            misconceptions=(
                Misconception("n-unchanged", "That is n at rest: during the hyperpolarization n relaxes towards "
                              "its smaller steady state, so fewer K+ channels are open at the release.", n_rest),
                Misconception("h-for-n", "That is the Na+ inactivation gate h; the question asks for n.", h_rel),
                Misconception("n4-for-n", "You gave n^4, the open fraction of the K+ channels; the question asks "
                              "for the gate n itself.", n_rel ** 4),
            )),
        ChoiceQuestion(
            "d", "Why does the membrane fire when the hyperpolarizing current is switched off?",
            (Option("slow-gates", "h rose and n fell during the hyperpolarization and recover only slowly: just after the "
                    "release more Na<sup>+</sup> and less K<sup>+</sup> conductance is available, so the threshold is "
                    "transiently lower", correct=True),
             Option("capacitor-overshoot", "The membrane capacitance, charged negative during the step, discharges past "
                    "rest like a spring after the release, and this passive overshoot carries V above threshold",
                    misconception=Misconception("passive-overshoot", "A passive RC membrane returns to rest "
                                                "exponentially without overshoot; the rebound needs the slow gates h "
                                                "and n.")),
             Option("driving-force", "The hyperpolarization enlarged the driving force on Na<sup>+</sup> (V &minus; "
                    "E<sub>Na</sub> more negative), so more Na<sup>+</sup> rushes in once the current stops",
                    misconception=Misconception("driving-force-rebound", "After the release the driving force is "
                                                "set by V at that moment; what changed is the number of available "
                                                "Na+ channels (h), not the driving force.")),
             Option("release-is-a-pulse", "Switching the current off is itself a depolarizing pulse of amplitude |I| "
                    "applied to the membrane, and it fires it like any suprathreshold pulse",
                    misconception=Misconception("release-as-stimulus", "Switching off only returns the injected "
                                                "current to zero; the same step from a membrane whose gates had not "
                                                "changed would relax to rest without a spike."))),
        ),
    ])


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: no rebound (or at a search boundary), a threshold that depends on the
    response window, a step of (b) too close to threshold, an unstable rest."""
    out = []
    thr, lat = solution["threshold"], solution["latency"]
    if not math.isfinite(thr):
        return ["no rebound spike up to the largest magnitude tried"]
    if not 0.5 < thr < 15.0:
        out.append(f"rebound threshold {thr:.3g} uA/cm^2 outside the sensible range")
    if not solution.get("quiet", True):
        out.append(f"a step 1 % below threshold rebounds within {QUIET_WINDOW_MS:g} ms: the threshold depends on "
                   "the window")
    if params["amplitude"] > MAX_AMPLITUDE:
        out.append(f"the step of (b) is stronger than {MAX_AMPLITUDE:g} uA/cm^2")
    if params["amplitude"] < 1.3 * thr:
        out.append("the step of (b) is less than 1.3 x the rebound threshold")
    if not (math.isfinite(lat) and 1.0 < lat < 0.5 * WINDOW_MS):
        out.append(f"rebound latency {lat:.3g} ms not well inside the window")
    out += unstable_reason(solution.get("growth", 0.0))
    return out
