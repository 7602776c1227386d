"""The afterhyperpolarization (undershoot) as the weighted average of E_L and E_K, and its inverses."""
from __future__ import annotations

import math

from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance, distinct_misconceptions, misconception_overlaps
from spikeset.sampling import Draw
from spikeset.solutions.membrane import ahp_potential, g_k_for_ahp, g_k_within_of_e_k

ID = "ahp"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
#: Choice questions that key the same option on purpose (why the undershoot happens is the same physics in every variant); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset({"d"})
TITLE = "The undershoot (afterhyperpolarization)"
TOPIC = "undershoot"





def sample(draw: Draw) -> dict:
    """E_L, E_K [mV], g_L and the K+ conductance during the undershoot [mS/cm^2], a distance [mV]
    from E_K and a target undershoot [mV]."""
    e_l = draw.uniform("e_l_mV", -65.0, -48.0, digits=1)
    e_k = draw.uniform("e_k_mV", -100.0, -75.0, digits=1)
    g_l = draw.uniform("g_l", 0.1, 0.5, digits=2)
    # g_K/g_L of 1.5-10 during the undershoot: close to E_K, but visibly above it.
    g_k = draw.uniform("g_k", 1.5 * g_l, 10.0 * g_l, digits=2)
    span = e_l - e_k
    within = draw.uniform("within_mV", 0.5, 0.15 * span, digits=1)
    v_target = draw.uniform("v_target_mV", e_k + 0.25 * span, e_k + 0.75 * span, digits=1)
    return {"e_l_mV": e_l, "e_k_mV": e_k, "g_l": g_l, "g_k": g_k, "within_mV": within, "v_target_mV": v_target}


def questions(params: dict, solution: dict) -> list:
    e_l, e_k, g_l, g_k = params["e_l_mV"], params["e_k_mV"], params["g_l"], params["g_k"]
    x, vt = params["within_mV"], params["v_target_mV"]
    v = ahp_potential(g_l, e_l, g_k, e_k)
    tol_v = Tolerance("abs", 0.5)
    wrong_v = [
        Misconception("undershoot-at-e-k", "The undershoot reaches E_K only if g_L = 0; the leak pulls it "
                      "toward E_L.", e_k),
        Misconception("unweighted-mean", "Weight E_L and E_K by their conductances.", (e_l + e_k) / 2),
        Misconception("weights-swapped", "You weighted E_L by g_K and E_K by g_L.",
                      (g_k * e_l + g_l * e_k) / (g_l + g_k)),
        Misconception("undershoot-at-rest", "During the undershoot g_K is much larger than at rest, so V is "
                      "below the resting potential.", e_l),
        Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.", v / 1000.0),
    ]
    g_within = g_k_within_of_e_k(x, g_l, e_l, e_k)
    tol_g = Tolerance("rel", 0.01)
    wrong_within = [
        Misconception("minus-one-forgotten", "V - E_K = g_L (E_L - E_K)/(g_L + g_K): the total conductance "
                      "includes g_L, so subtract g_L at the end.", g_l * (e_l - e_k) / x),
        Misconception("distance-from-e-l", "The distance is measured from E_K, not from E_L.",
                      g_l * x / (e_l - e_k - x)),
        Misconception("fraction-inverted", "Solve V - E_K = g_L (E_L - E_K)/(g_L + g_K) for g_K.",
                      g_l * x / (e_l - e_k) - g_l if g_l * x / (e_l - e_k) - g_l != 0 else math.nan),
    ]
    g_target = g_k_for_ahp(vt, g_l, e_l, e_k)
    wrong_target = [
        Misconception("ratio-inverted", "g_K/g_L = (E_L - V)/(V - E_K), not its inverse.",
                      g_l * (vt - e_k) / (e_l - vt)),
        Misconception("driving-force-sign", "Both E_L - V and V - E_K are positive here: g_K is positive.",
                      -g_target),
        Misconception("minus-one-forgotten", "From V - E_K = g_L (E_L - E_K)/(g_L + g_K) you get g_L + g_K, "
                      "not g_K: subtract g_L.", g_l * (e_l - e_k) / (vt - e_k)),
    ]
    return [
        NumericQuestion("a", "Undershoot potential V<sub>AHP</sub>", v, "mV", tol_v, weight=2,
                        misconceptions=distinct_misconceptions(v, tol_v, wrong_v)),
        NumericQuestion("b", f"g<sub>K</sub> for which V<sub>AHP</sub> is {x:.1f} mV above E<sub>K</sub>",
                        g_within, "mS/cm^2", tol_g, weight=2, misconceptions=distinct_misconceptions(g_within, tol_g, wrong_within),
                        digits=2),
        NumericQuestion("c", f"g<sub>K</sub> for an undershoot to {vt:.1f} mV".replace("-", "&minus;"),
                        g_target, "mS/cm^2", tol_g, weight=2,
                        misconceptions=distinct_misconceptions(g_target, tol_g, wrong_target), digits=3),
        ChoiceQuestion(
            "d", "Why is the undershoot more negative than the resting potential?",
            (Option("k-still-open", "After the spike, K<sup>+</sup> channels close slowly (n decays with its time "
                    "constant), so g<sub>K</sub> is larger than at rest and pulls V toward E<sub>K</sub>", correct=True),
             Option("pump", "The Na<sup>+</sup>/K<sup>+</sup> pump works harder after a spike and hyperpolarizes "
                    "the cell by the amount shown", misconception=Misconception(
                        "pump-causes-undershoot", "The pump's contribution after one spike is tiny; the undershoot "
                        "is the still-elevated K+ conductance.")),
             Option("e-k-changes", "K<sup>+</sup> leaving during the spike makes E<sub>K</sub> more negative",
                    misconception=Misconception("gradient-runs-down", "A spike moves too few ions to shift E_K "
                                                "noticeably (and K+ leaving would make E_K less negative).")),
             Option("na-overshoot", "Na<sup>+</sup> channels closing make V overshoot below rest by inertia",
                    misconception=Misconception("voltage-inertia", "The membrane has no inertia: V relaxes to the "
                                                "weighted average of the open conductances' reversal potentials.")))),
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    problems = []
    e_l, e_k, x, vt = params["e_l_mV"], params["e_k_mV"], params["within_mV"], params["v_target_mV"]
    if e_l - e_k < 10:
        problems.append("E_L and E_K less than 10 mV apart")
    if not 0 < x < 0.5 * (e_l - e_k):
        problems.append("distance from E_K out of range")
    if not e_k + 2 < vt < e_l - 2:
        problems.append("target undershoot too close to E_K or E_L")
    for q in questions:
        if isinstance(q, NumericQuestion) and not (math.isfinite(q.answer) and q.answer != 0):
            problems.append(f"{q.key}: degenerate reference")
    problems += misconception_overlaps(questions, minimum=2)
    return problems
