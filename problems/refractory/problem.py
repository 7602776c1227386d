"""Absolute versus relative refractoriness from the gates h and n some time after a spike."""
from __future__ import annotations

import math

from spikeset.model import (ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance,
                            distinct_misconceptions, misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions import hh_model as hh
from spikeset.solutions.membrane import input_conductance

ID = "refractory"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
#: Choice questions that key the same option on purpose (the gate states and threshold direction in the refractory period are fixed by HH); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset({"f", "g"})
TITLE = "Absolute and relative refractoriness"
TOPIC = "refractoriness"

#: The criterion printed in the statement: a spike needs at least ABS_PCT % of the resting Na+
#: availability (below: absolutely refractory); from REC_PCT % on the neuron counts as recovered.
ABS_PCT = 20.0
REC_PCT = 90.0
#: Sampled availability h/h_rest per state, kept well away from the criterion's boundaries.
H_FRACTION = {"absolute": (0.03, 0.12), "relative": (0.32, 0.75)}
#: Margin (in % of resting availability) that plausible() demands from either boundary.
MARGIN_PCT = 6.0




def sample(draw: Draw) -> dict:
    """HH conductances [mS/cm^2] and reversal potentials [mV]; the resting state (HH steady state,
    printed rounded); a test voltage [mV] with its m_inf; h and n some time after a spike."""
    gbar_na = draw.uniform("gbar_na", 100.0, 130.0, digits=0)
    gbar_k = draw.uniform("gbar_k", 30.0, 40.0, digits=0)
    g_l = draw.uniform("g_l", 0.2, 0.4, digits=2)
    e_na = draw.uniform("e_na_mV", 50.0, 60.0, digits=1)
    e_k = draw.uniform("e_k_mV", -82.0, -72.0, digits=1)
    e_l = draw.uniform("e_l_mV", -58.0, -50.0, digits=1)
    v_rest = round(hh.resting_potential(hh.HHParams(g_Na=gbar_na, g_K=gbar_k, g_L=g_l, E_Na=e_na, E_K=e_k,
                                                    E_L=e_l), xtol_mV=1e-6), 1)
    m_rest = round(float(hh.m_inf(v_rest)), 3)
    h_rest = round(float(hh.h_inf(v_rest)), 3)
    n_rest = round(float(hh.n_inf(v_rest)), 3)
    v_test = draw.uniform("v_test_mV", -30.0, 0.0, digits=1)
    m_test = round(float(hh.m_inf(v_test)), 3)
    state = draw.choice("state", ["absolute", "relative"])
    lo, hi = H_FRACTION[state]
    h = draw.uniform("h", lo * h_rest, hi * h_rest, digits=3)
    if state == "absolute":
        n = draw.uniform("n", max(0.55, n_rest + 0.2), 0.75, digits=3)
    else:
        n = draw.uniform("n", n_rest + 0.08, n_rest + 0.25, digits=3)
    return {"gbar_na": gbar_na, "gbar_k": gbar_k, "g_l": g_l, "e_na_mV": e_na, "e_k_mV": e_k, "e_l_mV": e_l,
            "v_rest_mV": v_rest, "m_rest": m_rest, "h_rest": h_rest, "n_rest": n_rest,
            "v_test_mV": v_test, "m_test": m_test, "state": state, "h": h, "n": n,
            "abs_pct": ABS_PCT, "rec_pct": REC_PCT}


def conductances(p: dict) -> dict:
    """Everything the answers need, from the printed values [mS/cm^2, %, ratio]."""
    gna, gk, gl = p["gbar_na"], p["gbar_k"], p["g_l"]
    mt, mr, h, hr, n, nr = p["m_test"], p["m_rest"], p["h"], p["h_rest"], p["n"], p["n_rest"]
    g_na_test_now = gna * mt ** 3 * h
    g_na_test_rest = gna * mt ** 3 * hr
    g_k_now = gk * n ** 4
    g_k_rest = gk * nr ** 4
    g_na_hold_now = gna * mr ** 3 * h
    g_na_hold_rest = gna * mr ** 3 * hr
    g_in_now = input_conductance([g_k_now, gl, g_na_hold_now])
    g_in_rest = input_conductance([g_k_rest, gl, g_na_hold_rest])
    return {"g_na_test_now": g_na_test_now, "g_na_test_rest": g_na_test_rest,
            "availability_pct": 100.0 * g_na_test_now / g_na_test_rest,
            "g_k_now": g_k_now, "g_k_rest": g_k_rest, "g_na_hold_now": g_na_hold_now,
            "g_na_hold_rest": g_na_hold_rest, "g_in_now": g_in_now, "g_in_rest": g_in_rest,
            "g_in_ratio": g_in_now / g_in_rest}


def classify(availability_pct: float, abs_pct: float = ABS_PCT, rec_pct: float = REC_PCT) -> str:
    """The printed criterion: 'absolute', 'relative' or 'recovered'."""
    if availability_pct < abs_pct:
        return "absolute"
    return "relative" if availability_pct < rec_pct else "recovered"


#: Questions f and g do not depend on the variant: built once, shared by every student.
STATES_QUESTION = ChoiceQuestion(
    "f", "Which channel states make the neuron refractory after a spike?",
    (Option("h-low-n-high", "Many Na<sup>+</sup> channels are still inactivated (h below h<sub>rest</sub>), and "
            "K<sup>+</sup> channels are still open (n above n<sub>rest</sub>), which raises the input conductance "
            "and holds V toward E<sub>K</sub>", correct=True),
     Option("na-still-open", "The Na<sup>+</sup> channels are still open from the spike, so they cannot open "
            "again", misconception=Misconception(
                "na-channels-still-open", "After the peak the Na+ channels are not open but inactivated "
                "(h low): closed, and unable to open until h recovers.")),
     Option("m-high", "m is still high, so the activation gates cannot respond to a new stimulus",
            misconception=Misconception(
                "m-still-high", "m relaxes within a fraction of a millisecond and is back near m_rest; the slow "
                "gates h and n carry the memory of the spike.")),
     Option("pump", "The Na<sup>+</sup>/K<sup>+</sup> pump must first restore the ion gradients",
            misconception=Misconception(
                "pump-restores-gradients", "One spike moves too few ions to change the gradients noticeably; "
                "refractoriness is gating (h and n), not the pump."))))
THRESHOLD_QUESTION = ChoiceQuestion(
    "g", "During the relative refractory period, the voltage threshold for a spike is",
    (Option("higher", "higher than at rest", correct=True),
     Option("lower", "lower than at rest, because the membrane has just been excited",
            misconception=Misconception(
                "recently-active-more-excitable", "With fewer Na+ channels available and more K+ channels open, "
                "more depolarization is needed before the Na+ current wins: the threshold rises.")),
     Option("unchanged", "unchanged: the threshold is a fixed voltage", misconception=Misconception(
         "fixed-threshold", "Threshold is where the inward Na+ current outgrows the outward K+ and leak "
         "currents; it depends on h and n.")),
     Option("none", "undefined, since no spike can be fired in this period", misconception=Misconception(
         "relative-is-absolute", "That is the absolute refractory period; in the relative one a stronger "
         "stimulus does fire a spike."))))


def questions(params: dict, solution: dict) -> list:
    p = params
    gna, gk, gl = p["gbar_na"], p["gbar_k"], p["g_l"]
    mt, mr, h, hr, n, nr = p["m_test"], p["m_rest"], p["h"], p["h_rest"], p["n"], p["n_rest"]
    c = conductances(p)
    rel = Tolerance("rel", 0.01)

    g_na = c["g_na_test_now"]
    wrong_a = [
        Misconception("m-instead-of-m3", "Three activation particles: g_Na = gbar_Na m^3 h, not gbar_Na m h.",
                      gna * mt * h),
        Misconception("h-left-out", "Inactivation multiplies the conductance: g_Na = gbar_Na m^3 h with the "
                      "present (low) h.", gna * mt ** 3),
        Misconception("h-rest-used", "h has not recovered yet: use the present h, not h_rest.", gna * mt ** 3 * hr),
        Misconception("m-rest-used", "m follows the voltage within a fraction of a ms: at the test voltage use "
                      "m_inf(V_test), not m at rest.", gna * mr ** 3 * h),
    ]
    avail = c["availability_pct"]
    wrong_b = [
        Misconception("percent-of-maximum", "Compare with the resting availability (h_rest), not with h = 1.",
                      100.0 * h),
        Misconception("ratio-inverted", "Availability now / availability at rest, not the inverse.",
                      100.0 * hr / h),
        Misconception("inactivated-fraction", "You gave the share that is lost (100 % - availability); the "
                      "question asks for what is still available.", 100.0 - avail),
        Misconception("fraction-not-percent", "Give a percentage: multiply the ratio by 100.", avail / 100.0),
    ]
    g_k = c["g_k_now"]
    wrong_c = [
        Misconception("n-instead-of-n4", "Four activation particles: g_K = gbar_K n^4.", gk * n),
        Misconception("n3-instead-of-n4", "K+ activation enters as n^4 (m enters as m^3).", gk * n ** 3),
        Misconception("n-rest-used", "n decays slowly after the spike: use the present n, not n_rest.", gk * nr ** 4),
    ]
    ratio = c["g_in_ratio"]
    wrong_d = [
        Misconception("leak-left-out", "The input conductance is the sum of all open conductances, the leak "
                      "g_L included.", (g_k + c["g_na_hold_now"]) / (c["g_k_rest"] + c["g_na_hold_rest"])),
        Misconception("n-instead-of-n4", "g_K = gbar_K n^4, now and at rest.",
                      (gk * n + gl + c["g_na_hold_now"]) / (gk * nr + gl + c["g_na_hold_rest"])),
        Misconception("ratio-inverted", "g_in now / g_in at rest, not the inverse.", 1.0 / ratio),
        Misconception("k-only", "Compare the whole input conductance (g_K + g_L + g_Na), not g_K alone.",
                      g_k / c["g_k_rest"]),
    ]
    g_na_hold_now, g_in_rest = c["g_na_hold_now"], c["g_in_rest"]
    g_na_test_rest = c["g_na_test_rest"]

    state = classify(avail, p["abs_pct"], p["rec_pct"])
    lo_pct, hi_pct = f"{p['abs_pct']:g}", f"{p['rec_pct']:g}"
    e = ChoiceQuestion(
        "e", "At this moment the neuron is",
        (Option("absolute", "absolutely refractory: no stimulus, however strong, can fire a spike",
                correct=state == "absolute",
                misconception=None if state == "absolute" else Misconception(
                    "some-inactivation-means-absolute", f"The availability is above {lo_pct} %: enough Na+ "
                    "channels have recovered that a stronger stimulus can fire a spike.")),
         Option("relative", "relatively refractory: a spike is possible, but only with a stronger stimulus",
                correct=state == "relative",
                misconception=None if state == "relative" else Misconception(
                    "strong-stimulus-always-works", f"Below {lo_pct} % of the resting Na+ availability no "
                    "stimulus recruits enough Na+ current: the refractoriness is absolute.")),
         Option("recovered", "fully recovered: it fires as easily as at rest", correct=state == "recovered",
                misconception=None if state == "recovered" else Misconception(
                    "repolarized-means-recovered", "Being back near rest does not mean the gates are: h is "
                    f"still below {hi_pct} % of h_rest and n is above n_rest.")),
         Option("time-only", "impossible to tell without knowing how many milliseconds ago the spike was",
                misconception=Misconception("time-not-gates", "The elapsed time matters only through the gates; "
                                            "h and n are given, and the criterion decides."))))
    return [
        NumericQuestion("a", "Available Na<sup>+</sup> conductance ḡ<sub>Na</sub>m<sup>3</sup>h at the test "
                        "voltage, now", g_na, "mS/cm^2", rel, misconceptions=distinct_misconceptions(g_na, rel, wrong_a), digits=3),
        NumericQuestion("b", "That conductance as a percentage of its value at rest (in %)", avail, None, rel,
                        misconceptions=distinct_misconceptions(avail, rel, wrong_b), digits=1,
                        follow_on=FollowOn(("a",), lambda ans: 100.0 * ans["a"] / g_na_test_rest)),
        NumericQuestion("c", "K<sup>+</sup> conductance g<sub>K</sub> now (at any voltage, n unchanged)", g_k,
                        "mS/cm^2", rel, misconceptions=distinct_misconceptions(g_k, rel, wrong_c), digits=3),
        NumericQuestion("d", "Input conductance at the resting voltage, now divided by its value at rest", ratio,
                        None, rel, misconceptions=distinct_misconceptions(ratio, rel, wrong_d), digits=2,
                        follow_on=FollowOn(("c",), lambda ans: (ans["c"] + gl + g_na_hold_now) / g_in_rest)),
        e, STATES_QUESTION, THRESHOLD_QUESTION,
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    problems = []
    p = params
    c = conductances(p)
    avail = c["availability_pct"]
    if not -75.0 < p["v_rest_mV"] < -55.0:
        problems.append(f"resting potential {p['v_rest_mV']} mV out of range")
    if not (p["h"] > 0 and 0 < p["h_rest"] <= 1 and 0 < p["n_rest"] < p["n"] < 1 and 0 < p["m_test"] <= 1):
        problems.append("gate values out of range")
    if min(abs(avail - p["abs_pct"]), abs(avail - p["rec_pct"])) < MARGIN_PCT:
        problems.append(f"availability {avail:.1f} % too close to a boundary of the criterion")
    if classify(avail, p["abs_pct"], p["rec_pct"]) == "recovered":
        problems.append("neuron already recovered: the questions assume it is refractory")
    if p["n"] < p["n_rest"] + 0.05:
        problems.append("n not clearly above its resting value")
    if c["g_in_ratio"] < 1.5:
        problems.append("input conductance hardly raised")
    for q in questions:
        if isinstance(q, NumericQuestion) and not (math.isfinite(q.answer) and q.answer > 0):
            problems.append(f"{q.key}: degenerate reference")
    return problems + misconception_overlaps(questions, minimum=2)
