"""Phase plane of the reduced (V, n) HH model: the fixed point and its stability at a current, and the onset of repetitive firing."""
from __future__ import annotations

import math

from spikeset.model import (ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance,
                            distinct_misconceptions, misconception_overlaps)
from spikeset.problems._simhh import sample_hh
from spikeset.sampling import Draw
from spikeset.solutions import hh_model as hh
from spikeset.solutions import phase_plane as pp

ID = "fi-curve"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Phase plane and the onset of repetitive firing"
TOPIC = "threshold and rising phase"

#: Ratios I1 / I_onset drawn for the stability question: well below or well above the onset.
BELOW, ABOVE = (0.1, 0.85), (1.15, 2.5)


def membrane(params: dict, **changes) -> hh.HHParams:
    values = {k: float(params[k]) for k in ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature")}
    values.update(changes)
    return hh.HHParams(**values)


def sample(draw: Draw) -> dict:
    """HH parameters (printed) and a current I1 [uA/cm^2] below or above the onset of repetitive firing."""
    p = sample_hh(draw, temperature=(6.3, 15.0))
    # leak varied too, so that the fixed point and the onset spread across the class
    p["g_L"] = draw.uniform("g_L", 0.15, 0.5, digits=2)
    p["E_L"] = draw.uniform("E_L", -66.0, -50.0, digits=1)
    onset, _ = pp.onset_current(membrane(p))
    side = draw.choice("side", ["below", "above"])
    low, high = BELOW if side == "below" else ABOVE
    i1 = round(onset * (low + (high - low) * float(draw.rng.random())), 2)
    p["current"] = draw.uniform("current", i1, i1, digits=2)
    return p


def _knee_current(m: hh.HHParams) -> float:
    """Current where the fixed point reaches the knee of the V-nullcline (dV'/dV = 0)."""
    lo, hi = -80.0, -40.0
    def j11(v):
        return pp.jacobian(m, v, float(hh.n_inf(v)))[0]
    if j11(lo) >= 0 or j11(hi) < 0:
        return math.nan
    for _ in range(46):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if j11(mid) < 0 else (lo, mid)
    return pp.steady_current(m, 0.5 * (lo + hi))


def questions(params: dict, solution: dict) -> list:
    m = membrane(params)
    i1 = params["current"]
    v_star = pp.fixed_point(m, i1)
    n_star = float(hh.n_inf(v_star))
    onset, _ = pp.onset_current(m)
    stable = pp.is_stable(m, v_star)
    tol_v = Tolerance("abs", 0.3)
    v_rest = pp.fixed_point(m, 0.0)
    wrong_v = [
        Misconception("current-ignored", "The injected current moves the fixed point: solve "
                      "I_ion(V, n_inf(V)) = I, not = 0.", v_rest),
        Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.",
                      v_star / 1000.0),
        Misconception("current-sign-flipped", "A positive (depolarizing) current moves the fixed point up: "
                      "I_ion(V*) = +I.", pp.fixed_point(m, -i1)),
    ]
    rel = Tolerance("rel", 0.01)
    wrong_n = [
        Misconception("n-at-rest", "n at the fixed point is n_inf(V*) at the current I, not at rest.",
                      float(hh.n_inf(v_rest))),
        Misconception("h-instead-of-n", "You gave h = 0.89 - 1.1 n; the question asks for n.", 0.89 - 1.1 * n_star),
        Misconception("m-instead-of-n", "You gave m_inf(V*); the question asks for n = n_inf(V*).",
                      float(hh.m_inf(v_star))),
    ]
    tol_i = Tolerance("rel", 0.02)
    wrong_i = [
        Misconception("knee-instead-of-hopf", "The rest loses stability where the trace of the Jacobian vanishes; "
                      "at the knee of the V-nullcline (dV'/dV = 0) the recovery of n still damps it.",
                      _knee_current(m)),
        Misconception("phi-forgotten", "n's rates are multiplied by phi = 3^((T - 6.3)/10); a faster n moves "
                      "the onset.", pp.onset_current(membrane(params, temperature=6.3))[0]),
        Misconception("onset-at-rest", "At I = 0 the rest is stable; the onset is the current where it stops "
                      "being stable.", 0.0),
    ]
    options = (
        Option("stable", "Stable: after a small perturbation V returns to the fixed point",
               correct=stable, misconception=None if stable else Misconception(
                   "stable-above-onset", "Above the onset the trace of the Jacobian is positive: small "
                   "perturbations grow into repetitive firing.")),
        Option("unstable", "Unstable: small perturbations grow into repetitive firing (a limit cycle)",
               correct=not stable, misconception=None if not stable else Misconception(
                   "unstable-below-onset", "Below the onset both eigenvalues have negative real parts: the "
                   "fixed point is stable.")),
        Option("saddle", "A saddle: one direction attracts and one repels, so the neuron fires exactly once",
               misconception=Misconception("saddle-threshold", "The determinant of the Jacobian stays positive "
                                           "along this branch (the steady-state I-V rises): it is never a saddle.")),
        Option("center", "A center: the membrane oscillates forever with the amplitude of the perturbation",
               misconception=Misconception("center-generic", "A center needs the trace to be exactly zero; at "
                                           "this current it is not.")),
    )
    return [
        NumericQuestion("a", f"Membrane potential V* of the fixed point at I = {i1:g} &micro;A/cm<sup>2</sup>",
                        v_star, "mV", tol_v, weight=2, misconceptions=distinct_misconceptions(v_star, tol_v, wrong_v),
                        digits=2),
        NumericQuestion("b", "n at that fixed point", n_star, None, rel, digits=4,
                        misconceptions=distinct_misconceptions(n_star, rel, wrong_n),
                        follow_on=FollowOn(("a",), lambda ans: float(hh.n_inf(ans["a"])))),
        ChoiceQuestion("c", f"Stability of the fixed point at I = {i1:g} &micro;A/cm<sup>2</sup>", options),
        NumericQuestion("d", "Current at which the resting fixed point loses stability (onset of repetitive firing)",
                        onset, "uA/cm^2", tol_i, weight=2, digits=3,
                        misconceptions=distinct_misconceptions(onset, tol_i, wrong_i)),
    ]


def figure(params: dict, solution: dict):
    """The nullclines of the reduced model at I = 0 (no answer marked: the questions are at other currents)."""
    import numpy as np
    from spikeset.render.chart import Chart, Line
    m = membrane(params)
    v = np.linspace(-85.0, 30.0, 461)
    return Chart(
        series=(Line(v, pp.v_nullcline_curve(m, v, 0.0), label="V-nullcline (I = 0)"),
                Line(v, hh.n_inf(v), "--", color="0.4", label="n-nullcline")),
        xlabel="V (mV)", ylabel="n", xlim=(-85, 30), ylim=(0, 1), grid=True, legend="best",
        caption="Nullclines of the reduced (V, n) model without injected current.")


def figure_alt(params: dict, solution: dict) -> str:
    return ("Phase plane V (mV) against n: the n-nullcline, a rising sigmoid, and the cubic-shaped V-nullcline at "
            "zero current, which it crosses once near the resting potential.")


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: no onset found, a current too close to it, no fixed point."""
    out = []
    m = membrane(params)
    onset, _ = pp.onset_current(m)
    if not math.isfinite(onset) or onset <= 0.5:
        return [f"onset current {onset}"]
    ratio = params["current"] / onset
    if not (BELOW[0] - 0.01 <= ratio <= BELOW[1] + 0.01 or ABOVE[0] - 0.01 <= ratio <= ABOVE[1] + 0.01):
        out.append(f"I1 / onset = {ratio:.3f}: too close to the onset")
    if not math.isfinite(pp.fixed_point(m, params["current"])):
        out.append("no fixed point between -90 and -40 mV")
    return out + misconception_overlaps(questions, minimum=1)
