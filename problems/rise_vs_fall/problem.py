"""The same voltage on the rising and on the falling phase: the net ionic current and its direction."""
from __future__ import annotations


from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance, distinct_misconceptions, misconception_overlaps
from spikeset.sampling import Draw

ID = "rise-vs-fall"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Rising versus falling phase"
TOPIC = "peak and repolarization"

#: The net current in either phase is kept at least this large [uA/cm^2].
MIN_CURRENT = 50.0




def currents(p: dict, phase: str, *, m_power: int = 3, n_power: int = 4, use_h: bool = True) -> dict:
    """I_Na, I_K, I_L and their sum [uA/cm^2] in ``phase`` ('rise' or 'fall')."""
    v = p["v_mV"]
    m, h, n = p[f"m_{phase}"], p[f"h_{phase}"], p[f"n_{phase}"]
    i_na = p["gbar_na"] * m ** m_power * (h if use_h else 1.0) * (v - p["e_na_mV"])
    i_k = p["gbar_k"] * n ** n_power * (v - p["e_k_mV"])
    i_l = p["g_l"] * (v - p["e_l_mV"])
    return {"na": i_na, "k": i_k, "l": i_l, "total": i_na + i_k + i_l}


def sample(draw: Draw) -> dict:
    """HH conductances [mS/cm^2], reversal potentials [mV], a voltage [mV], gates in both phases."""
    p = {"gbar_na": draw.uniform("gbar_na", 100.0, 130.0, digits=0),
         "gbar_k": draw.uniform("gbar_k", 30.0, 40.0, digits=0),
         "g_l": draw.uniform("g_l", 0.2, 0.5, digits=2),
         "e_na_mV": draw.uniform("e_na_mV", 50.0, 60.0, digits=1),
         "e_k_mV": draw.uniform("e_k_mV", -85.0, -72.0, digits=1),
         "e_l_mV": draw.uniform("e_l_mV", -60.0, -50.0, digits=1),
         "v_mV": draw.uniform("v_mV", 10.0, 30.0, digits=1),
         "m_rise": draw.uniform("m_rise", 0.80, 0.95, digits=3),
         "h_rise": draw.uniform("h_rise", 0.40, 0.60, digits=3),
         "n_rise": draw.uniform("n_rise", 0.35, 0.50, digits=3),
         "m_fall": draw.uniform("m_fall", 0.90, 0.99, digits=3),
         "h_fall": draw.uniform("h_fall", 0.03, 0.10, digits=3),
         "n_fall": draw.uniform("n_fall", 0.70, 0.80, digits=3)}
    # Deterministic repair (never a redraw): more inactivation / K+ activation on the way down,
    # less on the way up, until the phases have clear currents of opposite sign.
    while currents(p, "fall")["total"] < MIN_CURRENT and p["h_fall"] > 0.011:
        p["h_fall"] = round(p["h_fall"] - 0.01, 3)
    while currents(p, "rise")["total"] > -MIN_CURRENT and p["n_rise"] > 0.30:
        p["n_rise"] = round(p["n_rise"] - 0.01, 3)
    return p


#: Questions c and d do not depend on the variant: built once, shared by every student.
EFFECT_QUESTION = ChoiceQuestion(
    "c", "What do the two currents do to the membrane (C dV/dt = &minus;I<sub>ion</sub>)?",
    (Option("rise-dep-fall-rep", "Rising phase: net inward current, V keeps rising; falling phase: net outward "
            "current, V falls", correct=True),
     Option("rise-rep-fall-dep", "Rising phase: net outward current; falling phase: net inward current",
            misconception=Misconception("sign-convention", "A negative (inward) current brings positive charge "
                                        "in and depolarizes: dV/dt = -I/C.")),
     Option("both-inward", "Both are inward, because V is below E<sub>Na</sub> in both cases",
            misconception=Misconception("na-only", "Below E_Na the Na+ current is inward, but on the falling "
                                        "phase the K+ current is larger.")),
     Option("same", "They are equal, because V is the same", misconception=Misconception(
         "voltage-determines-current", "The current depends on the gates as well as V; at the same V the gates "
         "differ between the phases (hysteresis)."))))
CAUSE_QUESTION = ChoiceQuestion(
    "d", "Which difference between the phases explains the change?",
    (Option("h-down-n-up", "On the falling phase h is lower (Na<sup>+</sup> channels inactivated) and n is "
            "higher (K<sup>+</sup> channels open)", correct=True),
     Option("m-down", "On the falling phase m is much lower: Na<sup>+</sup> channels have deactivated",
            misconception=Misconception("deactivation-vs-inactivation", "At this depolarized voltage m stays "
                                        "high; Na+ channels close by inactivation (h), not by m.")),
     Option("e-na-falls", "Na<sup>+</sup> entry during the rise has lowered E<sub>Na</sub>",
            misconception=Misconception("gradient-runs-down", "One spike changes the concentrations far too "
                                        "little to move E_Na.")),
     Option("pump", "The Na<sup>+</sup>/K<sup>+</sup> pump switches on at the peak", misconception=Misconception(
         "pump-repolarizes", "Repolarization is the K+ current and Na+ inactivation; the pump is far too slow."))))


def questions(params: dict, solution: dict) -> list:
    rel = Tolerance("rel", 0.01)
    qs = []
    for key, phase in (("a", "rise"), ("b", "fall")):
        right = currents(params, phase)
        ref = right["total"]
        wrong = [
            Misconception("e-minus-v", "Each current is g (V - E), outward positive; you used E - V.", -ref),
            Misconception("m-instead-of-m3", "g_Na = gbar_Na m^3 h.", currents(params, phase, m_power=1)["total"]),
            Misconception("n-instead-of-n4", "g_K = gbar_K n^4.", currents(params, phase, n_power=1)["total"]),
            Misconception("h-left-out", "Inactivation h multiplies g_Na.", currents(params, phase, use_h=False)["total"]),
            Misconception("na-only", "The net current includes I_K and I_L, not only I_Na.", right["na"]),
        ]
        qs.append(NumericQuestion(key, f"Net ionic current on the {'rising' if phase == 'rise' else 'falling'} phase "
                                  "(outward positive)", ref, "uA/cm^2", rel, weight=2,
                                  misconceptions=distinct_misconceptions(ref, rel, wrong), digits=1))
    qs += [EFFECT_QUESTION, CAUSE_QUESTION]
    return qs


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    problems = []
    rise, fall = currents(params, "rise")["total"], currents(params, "fall")["total"]
    if rise > -MIN_CURRENT:
        problems.append(f"rising-phase current {rise:.1f} uA/cm^2 not clearly inward")
    if fall < MIN_CURRENT:
        problems.append(f"falling-phase current {fall:.1f} uA/cm^2 not clearly outward")
    if not (params["h_fall"] < params["h_rise"] and params["n_fall"] > params["n_rise"]):
        problems.append("gates do not show inactivation and K+ activation on the falling phase")
    problems += misconception_overlaps(questions, minimum=2)
    return problems
