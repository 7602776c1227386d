"""Resting potential as the conductance-weighted average of E_K, E_Na and E_Cl (or E_L), and the inverse."""
from __future__ import annotations

from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance, distinct_misconceptions, misconception_overlaps
from spikeset.sampling import Draw
from spikeset.solutions.membrane import na_k_ratio_for_potential, weighted_potential

ID = "resting-potential"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
#: Choice questions that key the same option on purpose (the direction of the effect is fixed by the physics asked about); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset({"c"})
TITLE = "Resting potential from conductances"
TOPIC = "resting potential"

# Third conductance: (printed name, subscript, E range mV)
THIRD = {
    "Cl": ("Cl<sup>&minus;</sup>", "Cl", (-75.0, -58.0)),
    "leak": ("leak", "L", (-70.0, -50.0)),
}
#: A misconception is kept only if it lies this many tolerance half-widths from the reference.




def sample(draw: Draw) -> dict:
    """Reversal potentials [mV], conductances [mS/cm^2], and a target potential [mV] for the inverse."""
    third = draw.choice("third", list(THIRD))
    e_k = draw.uniform("e_k_mV", -100.0, -80.0, digits=1)
    e_na = draw.uniform("e_na_mV", 45.0, 65.0, digits=1)
    e_x = draw.uniform("e_x_mV", *THIRD[third][2], digits=1)
    g_k = draw.uniform("g_k", 1.0, 5.0, digits=2)
    # g_Na/g_K between 1 % and 12 %: a resting potential, not a depolarized cell.
    g_na = draw.uniform("g_na", 0.01 * g_k, 0.12 * g_k, digits=3)
    g_x = draw.uniform("g_x", 0.05, 1.5, digits=2)
    v_target = draw.uniform("v_target_mV", -75.0, -55.0, digits=1)
    return {"third": third, "third_name": THIRD[third][0], "third_sub": THIRD[third][1],
            "e_k_mV": e_k, "e_na_mV": e_na, "e_x_mV": e_x, "g_k": g_k, "g_na": g_na, "g_x": g_x,
            "v_target_mV": v_target}


def _values(params: dict) -> dict:
    gs = [params["g_k"], params["g_na"], params["g_x"]]
    es = [params["e_k_mV"], params["e_na_mV"], params["e_x_mV"]]
    return {"gs": gs, "es": es, "v": weighted_potential(gs, es),
            "ratio": na_k_ratio_for_potential(params["v_target_mV"], params["e_na_mV"], params["e_k_mV"])}


def questions(params: dict, solution: dict) -> list:
    val = _values(params)
    gs, es, v = val["gs"], val["es"], val["v"]
    e_k, e_na, vt = params["e_k_mV"], params["e_na_mV"], params["v_target_mV"]
    tol_v = Tolerance("abs", 0.5)
    wrong_v = [
        Misconception("unweighted-mean", "You averaged the reversal potentials without weighting them by "
                      "their conductances; V = sum(g_i E_i) / sum(g_i).", sum(es) / 3),
        Misconception("weights-inverted", "You weighted each E_i by 1/g_i (resistance); the larger the "
                      "conductance, the stronger its pull on V.",
                      sum(e / g for g, e in zip(gs, es)) / sum(1 / g for g in gs)),
        Misconception("nernst-k-only", "You gave E_K: the resting membrane is also permeable to other "
                      "ions, which pull V away from E_K.", e_k),
        Misconception("not-normalized", "You forgot to divide by the total conductance sum(g_i).",
                      sum(g * e for g, e in zip(gs, es))),
        Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.", v / 1000.0),
    ]
    ratio = val["ratio"]
    tol_r = Tolerance("rel", 0.01)
    wrong_r = [
        Misconception("ratio-inverted", "You computed g_K/g_Na: g_Na/g_K = (V - E_K)/(E_Na - V).", 1 / ratio),
        Misconception("driving-force-sign", "Sign error: both V - E_K and E_Na - V are positive here, "
                      "so the ratio is positive.", -ratio),
        Misconception("reversal-ratio", "You divided the reversal potentials (or their distance to V) the "
                      "wrong way: the ratio is (V - E_K)/(E_Na - V).", (vt - e_na) / (vt - e_k)),
    ]
    sub = params["third_sub"]
    return [
        NumericQuestion("a", "Resting membrane potential V<sub>rest</sub>", v, "mV", tol_v, weight=2,
                        misconceptions=distinct_misconceptions(v, tol_v, wrong_v), digits=2),
        NumericQuestion("b", "Ratio g<sub>Na</sub>/g<sub>K</sub> in the second cell", ratio, None, tol_r,
                        weight=2, misconceptions=distinct_misconceptions(ratio, tol_r, wrong_r), digits=4),
        ChoiceQuestion(
            "c", "In the first cell, g<sub>K</sub> is doubled (everything else unchanged). What happens to V<sub>rest</sub>?",
            (Option("hyperpolarizes", "It moves toward E<sub>K</sub> (hyperpolarizes), because K<sup>+</sup> now has "
                    "a larger share of the total conductance", correct=True),
             Option("depolarizes", "It depolarizes, because more K<sup>+</sup> channels let more positive charge "
                    "through", misconception=Misconception(
                        "more-channels-more-positive", "K+ current at rest is outward (V > E_K): more K+ "
                        "conductance pulls V down toward E_K.")),
             Option("unchanged", "It stays the same, because E<sub>K</sub> depends only on the concentrations",
                    misconception=Misconception(
                        "rest-set-by-concentrations-only", "E_K does not change, but V_rest is the "
                        "conductance-weighted average: changing a weight moves V.")),
             Option("to-e-k-exactly", "It becomes exactly E<sub>K</sub>, because K<sup>+</sup> dominates",
                    misconception=Misconception(
                        "dominant-ion-sets-v", f"V reaches E_K only if every other conductance "
                        f"(g_Na, g_{sub}) is zero; doubling g_K only increases its weight.")))),
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    problems = []
    v = _values(params)["v"]
    e_k, e_na, vt = params["e_k_mV"], params["e_na_mV"], params["v_target_mV"]
    if not e_k + 3 < vt < e_na - 20:
        problems.append(f"target {vt} mV too close to E_K or E_Na")
    if not e_k + 1 < v < -45.0:
        problems.append(f"V_rest = {v:.1f} mV is not a resting potential (between E_K and -45 mV)")
    if min(params["g_k"], params["g_na"], params["g_x"]) <= 0:
        problems.append("a conductance is not positive")
    problems += misconception_overlaps(questions, minimum=2)
    return problems
