"""Slope conductance dI/dV with instantaneous Na+ activation, its sign, and the threshold where it is zero."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance, distinct_misconceptions, misconception_overlaps
from spikeset.sampling import Draw
from spikeset.solutions.excitability import (dm_inf_dV, instantaneous_current, slope_conductance,
                                             sodium_slope_terms, threshold_voltages)
from spikeset.solutions.hh_model import m_inf

ID = "threshold-slope"
REVISION = 3  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Negative slope conductance and threshold"
TOPIC = "threshold and rising phase"

#: |dI/dV| at the asked voltage is kept above this [mS/cm^2], so its sign is unambiguous.
MIN_SLOPE = 0.3
#: The thresholds drawn lie uniformly in the part of this range [mV] that an h within H_RANGE
#: reaches with the variant's other parameters (h is set to put the threshold there).
THRESHOLD_RANGE_mV = (-65.0, -48.0)
#: The frozen h printed stays within this range.
H_RANGE = (0.03, 0.95)
#: Candidate thresholds [mV] on which that part of THRESHOLD_RANGE_mV is found.
_TARGETS_mV = np.linspace(*THRESHOLD_RANGE_mV, 1701)
#: A stable rest below threshold: the instantaneous I-V is at least this outward at the threshold
#: [uA/cm^2] (it rises monotonically from -90 mV to there, so it crosses zero upward below).
MIN_OUTWARD_AT_THRESHOLD = 0.5
#: ... and the rest lies at least this far below the threshold [mV].
MIN_REST_BELOW_THRESHOLD_mV = 2.0
#: Regenerative above threshold: the instantaneous I-V reaches at least this inward current [uA/cm^2].
MIN_INWARD_ABOVE_THRESHOLD = 5.0
#: Voltage grid [mV] on which the resting state and the inward region are found.
_GRID_mV = np.arange(-90.0, 60.0001, 0.05)




def _slope(params: dict, v: float, **change) -> float:
    p = dict(params, **change)
    return float(slope_conductance(v, p["gbar_na"], p["h"], p["e_na_mV"], p["g_l"], p["gbar_k"], p["n"]))


def _h_for_threshold(v_mV, gbar_na: float, gbar_k: float, g_l: float, e_na: float, n: float):
    """The frozen h that makes the slope conductance zero at ``v_mV`` [mV]: there
    gbar_Na h (chord + activation per unit conductance) + gbar_K n^4 + g_L = 0."""
    chord, act = sodium_slope_terms(v_mV, 1.0, 1.0, e_na)
    with np.errstate(divide="ignore"):
        return -(gbar_k * n ** 4 + g_l) / (gbar_na * (chord + act))


def _threshold_span(gbar_na: float, gbar_k: float, g_l: float, e_na: float, n: float) -> tuple[float, float]:
    """The thresholds [mV] of THRESHOLD_RANGE_mV whose h, printed to 3 decimals, lies within
    H_RANGE (drawing only there loses no draw to h, and keeps the draw uniform over what is
    reachable); the whole range if none is (plausible() then rejects the draw)."""
    h = _h_for_threshold(_TARGETS_mV, gbar_na, gbar_k, g_l, e_na, n)
    ok = (h >= H_RANGE[0] + 5e-4) & (h <= H_RANGE[1] - 5e-4)
    if not ok.any():
        return THRESHOLD_RANGE_mV
    return float(_TARGETS_mV[ok].min()), float(_TARGETS_mV[ok].max())


def sample(draw: Draw) -> dict:
    """HH conductances [mS/cm^2], reversal potentials [mV], frozen h and n, and a test voltage [mV]."""
    gbar_na = draw.uniform("gbar_na", 80.0, 150.0, digits=0)
    gbar_k = draw.uniform("gbar_k", 20.0, 40.0, digits=0)
    g_l = draw.uniform("g_l", 0.2, 0.6, digits=2)
    e_na = draw.uniform("e_na_mV", 45.0, 60.0, digits=1)
    e_k = draw.uniform("e_k_mV", -85.0, -72.0, digits=1)
    e_l = draw.uniform("e_l_mV", -68.0, -52.0, digits=1)
    n = draw.uniform("n", 0.30, 0.45, digits=3)
    # h is what puts the threshold (hidden, uniform where an h within H_RANGE reaches) where it is.
    target = float(draw.rng.uniform(*_threshold_span(gbar_na, gbar_k, g_l, e_na, n)))
    h = round(min(max(float(_h_for_threshold(target, gbar_na, gbar_k, g_l, e_na, n)), 0.0), 1.0), 3)
    h = draw.uniform("h", h, h, digits=3)
    v = draw.uniform("v_mV", -72.0, -35.0, digits=1)
    params = {"gbar_na": gbar_na, "gbar_k": gbar_k, "g_l": g_l, "e_na_mV": e_na, "e_k_mV": e_k,
              "e_l_mV": e_l, "h": h, "n": n, "v_mV": v}
    # Keep the asked voltage away from the zero of the slope (deterministic shift, no redraw).
    for _ in range(6):
        if abs(_slope(params, params["v_mV"])) >= MIN_SLOPE:
            break
        params["v_mV"] = round(params["v_mV"] + 3.0, 1)
    return params


def questions(params: dict, solution: dict) -> list:
    p = params
    v = p["v_mV"]
    chord, act = (float(x) for x in sodium_slope_terms(v, p["gbar_na"], p["h"], p["e_na_mV"]))
    const = p["gbar_k"] * p["n"] ** 4 + p["g_l"]
    total = chord + act + const
    m = float(m_inf(v))
    rel = Tolerance("rel", 0.01)
    tol_total = Tolerance("abs", round(max(0.01 * abs(total), 0.02), 4))
    wrong_chord = [
        Misconception("m-instead-of-m3", "g_Na = gbar_Na m^3 h: the activation enters cubed.", p["gbar_na"] * m * p["h"]),
        Misconception("h-left-out", "The frozen inactivation h multiplies the conductance.", p["gbar_na"] * m ** 3),
    ]
    wrong_act = [
        Misconception("chain-rule-factor-3-missing", "d(m^3)/dV = 3 m^2 dm/dV: the factor 3 is missing.", act / 3),
        Misconception("driving-force-sign", "The driving force is V - E_Na, negative below E_Na: this term is negative.",
                      -act),
        Misconception("m3-not-m2", "d(m^3)/dV = 3 m^2 dm/dV, not 3 m^3 dm/dV.", act * m),
    ]
    wrong_total = [
        Misconception("chord-only", "The slope conductance is not the chord conductance: it also contains "
                      "(V - E_Na) d g_Na/dV, the activation term.", chord + const),
        Misconception("activation-term-sign", "Below E_Na the activation term is negative; adding it with the "
                      "wrong sign makes the slope too positive.", chord - act + const),
        Misconception("k-and-leak-left-out", "The K+ (n frozen) and leak conductances add to the slope too.", chord + act),
    ]
    vt = solution["threshold"]
    wrong_vt = [Misconception(mid, text, solution[key]) for key, mid, text in (
        ("threshold_without_k", "k-left-out",
         "The frozen K+ conductance gbar_K n^4 adds to the slope and moves the threshold up."),
        ("threshold_with_h_1", "h-left-out", "The frozen h multiplies g_Na: with h = 1 you get too low a threshold."))
        if math.isfinite(solution[key])]
    wrong_vt.append(Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.",
                                  vt / 1000.0))
    tol_vt = Tolerance("abs", 0.25)
    negative = total < 0
    sign = ChoiceQuestion(
        "d", f"At {v:.1f} mV, is the I-V curve's slope negative or positive, and what does that mean?".replace("-", "&minus;"),
        (Option("negative", "Negative: a small depolarization increases the net inward current, which depolarizes "
                "further (regenerative)", correct=negative, misconception=None if negative else Misconception(
                    "sign-misread", "Here dI/dV > 0: a depolarization produces more outward current, which "
                    "pushes V back (stable).")),
         Option("positive", "Positive: a small depolarization produces extra outward current that pushes V back "
                "(stable)", correct=not negative, misconception=None if not negative else Misconception(
                    "sign-misread", "Here dI/dV < 0: a depolarization increases the inward current "
                    "(regenerative).")),
         Option("negative-stable", "Negative, and a negative slope makes the membrane more stable",
                misconception=Misconception("negative-slope-stable", "A negative slope conductance is the "
                                            "regenerative, unstable case.")),
         Option("chord", "Its sign is that of g<sub>Na</sub>, which is always positive",
                misconception=Misconception("chord-vs-slope", "The chord conductance I/(V - E) is always "
                                            "positive; the slope dI/dV is not."))),
    )
    return [
        NumericQuestion("a", "Chord term &#7713;<sub>Na</sub> m<sub>&infin;</sub><sup>3</sup> h", chord, "mS/cm^2", rel,
                        misconceptions=distinct_misconceptions(chord, rel, wrong_chord), digits=4),
        NumericQuestion("b", "Activation term 3 &#7713;<sub>Na</sub> h m<sub>&infin;</sub><sup>2</sup> "
                        "(dm<sub>&infin;</sub>/dV)(V &minus; E<sub>Na</sub>)", act, "mS/cm^2", rel,
                        misconceptions=distinct_misconceptions(act, rel, wrong_act), digits=2),
        NumericQuestion("c", "Total slope conductance dI/dV", total, "mS/cm^2", tol_total, weight=2,
                        misconceptions=distinct_misconceptions(total, tol_total, wrong_total), digits=3,
                        follow_on=FollowOn(("a", "b"), lambda ans: ans["a"] + ans["b"] + const)),
        sign,
        NumericQuestion("e", "Voltage threshold of the instantaneous I-V (where dI/dV crosses zero)", vt, "mV",
                        tol_vt, weight=2,
                        misconceptions=distinct_misconceptions(vt, tol_vt, wrong_vt), digits=2),
    ]


def solve_batch(params_list: list[dict]) -> list[dict]:
    """Thresholds (also with K+ left out and with h = 1, for the misconceptions) for every
    variant at once, and intermediate values for the worked solution."""
    cols = {k: np.array([p[k] for p in params_list], float)
            for k in ("gbar_na", "h", "e_na_mV", "g_l", "gbar_k", "n", "v_mV")}
    base = (cols["gbar_na"], cols["h"], cols["e_na_mV"], cols["g_l"])
    threshold = threshold_voltages(*base, cols["gbar_k"], cols["n"])
    without_k = threshold_voltages(*base, 0.0, cols["n"])
    with_h_1 = threshold_voltages(cols["gbar_na"], 1.0, cols["e_na_mV"], cols["g_l"], cols["gbar_k"], cols["n"])
    m, dm = m_inf(cols["v_mV"]), dm_inf_dV(cols["v_mV"])
    rest = resting_states(params_list, threshold)
    return [{"m": float(m[i]), "dm": float(dm[i]), "g_const": p["gbar_k"] * p["n"] ** 4 + p["g_l"],
             "threshold": float(threshold[i]), "threshold_without_k": float(without_k[i]),
             "threshold_with_h_1": float(with_h_1[i]), **{k: float(v[i]) for k, v in rest.items()}}
            for i, p in enumerate(params_list)]


def resting_states(params_list: list[dict], threshold: np.ndarray) -> dict[str, np.ndarray]:
    """Per variant, on the instantaneous I-V (m = m_inf(V), h and n frozen):
    ``current_at_threshold`` [uA/cm^2]; ``v_rest`` [mV], its upward zero crossing below the
    threshold (NaN if none: inward at every voltage from -90 mV to the threshold); and
    ``min_current_above`` [uA/cm^2], its most inward value between the threshold and E_Na."""
    cols = {k: np.array([p[k] for p in params_list], float)[:, None]
            for k in ("gbar_na", "h", "e_na_mV", "g_l", "e_l_mV", "gbar_k", "n", "e_k_mV")}
    v = _GRID_mV[None, :]
    i = instantaneous_current(v, cols["gbar_na"], cols["h"], cols["e_na_mV"], cols["g_l"], cols["e_l_mV"],
                              cols["gbar_k"], cols["n"], cols["e_k_mV"])
    vt = np.where(np.isfinite(threshold), threshold, -np.inf)[:, None]
    below = v <= vt
    # Below the threshold the slope is positive, so I rises monotonically: one upward crossing at most.
    crossing = below[:, 1:] & (i[:, :-1] < 0) & (i[:, 1:] >= 0)
    k = np.argmax(crossing, axis=1)
    rows = np.arange(len(params_list))
    i0, i1 = i[rows, k], i[rows, k + 1]
    v_rest = np.where(crossing.any(axis=1), _GRID_mV[k] + (_GRID_mV[1] - _GRID_mV[0]) * i0 / (i0 - i1), np.nan)
    at_threshold = instantaneous_current(threshold, *(cols[c][:, 0] for c in (
        "gbar_na", "h", "e_na_mV", "g_l", "e_l_mV", "gbar_k", "n", "e_k_mV")))
    above = (v > vt) & (v < cols["e_na_mV"])
    min_above = np.where(above.any(axis=1), np.min(np.where(above, i, np.inf), axis=1), np.nan)
    return {"v_rest": v_rest, "current_at_threshold": at_threshold, "min_current_above": min_above}


def figure(params: dict, solution: dict):
    """The instantaneous I-V curve (m = m_inf(V), h and n frozen); nothing marked."""
    import numpy as np
    from spikeset.render.chart import Chart, HLine, Line
    p = params
    v = np.linspace(-90.0, 40.0, 521)
    i = instantaneous_current(v, p["gbar_na"], p["h"], p["e_na_mV"], p["g_l"], p["e_l_mV"], p["gbar_k"], p["n"], p["e_k_mV"])
    lim = max(float(np.max(np.abs(i[v < -30]))) * 1.5 + 5, 5)
    return Chart(series=(Line(v, i),), hlines=(HLine(0.0, color="0.6"),),
                 xlabel="V (mV)", ylabel="I (µA/cm²), outward +", xlim=(-90, 40), ylim=(-lim, lim), grid=True,
                 caption="Instantaneous I-V curve: m = m∞(V), h and n frozen at the given values.")


def figure_alt(params: dict, solution: dict) -> str:
    return ("Ionic current against voltage from -90 to 40 mV with Na+ activation instantaneous: the current rises "
            "from negative values, then bends down into a region of inward current as Na+ activates.")


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    problems = []
    v = params["v_mV"]
    if abs(_slope(params, v)) < MIN_SLOPE:
        problems.append(f"slope at {v} mV too close to zero")
    vt = solution["threshold"]
    if not math.isfinite(vt):
        problems.append("no threshold: the slope conductance never becomes negative")
    elif not -80.0 < vt < -35.0:
        problems.append(f"threshold {vt:.1f} mV outside -80..-35 mV")
    else:
        if not solution["current_at_threshold"] >= MIN_OUTWARD_AT_THRESHOLD:
            problems.append(f"no stable rest below the threshold: the instantaneous I-V is "
                            f"{solution['current_at_threshold']:.3g} uA/cm^2 at the threshold")
        elif not vt - solution["v_rest"] >= MIN_REST_BELOW_THRESHOLD_mV:
            problems.append(f"the rest {solution['v_rest']:.2f} mV lies too close below the threshold")
        if not solution["min_current_above"] <= -MIN_INWARD_ABOVE_THRESHOLD:
            problems.append("not regenerative: the instantaneous I-V never turns clearly inward above the threshold")
    if not H_RANGE[0] <= params["h"] <= H_RANGE[1]:
        problems.append(f"h = {params['h']} outside {H_RANGE}")
    if abs(v - params["e_na_mV"]) < 20:
        problems.append("test voltage too close to E_Na")
    problems += misconception_overlaps(questions, minimum=1)
    return problems
