"""Goldman-Hodgkin-Katz voltage equation with relative permeabilities P_K:P_Na:P_Cl, and its inverse."""
from __future__ import annotations

import math

from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance, distinct_misconceptions, misconception_overlaps
from spikeset.sampling import Draw
from spikeset.solutions.constants import thermal_voltage_mV
from spikeset.solutions.electrochemistry import nernst_potential
from spikeset.solutions.membrane import ghk_potential, weighted_potential

ID = "ghk"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
#: Choice questions that key the same option on purpose (the permeability-weighting concept is the same in every variant); `spikeset check` does not flag them.
FIXED_CONCEPT_QUESTIONS = frozenset({"c"})
TITLE = "Goldman-Hodgkin-Katz equation"
TOPIC = "resting potential"

CONC = ("k_out_mM", "k_in_mM", "na_out_mM", "na_in_mM", "cl_out_mM", "cl_in_mM")




def sample(draw: Draw) -> dict:
    """Temperature [degC], relative permeabilities, concentrations [mM], a measured potential [mV]."""
    t = draw.uniform("temperature_C", 20.0, 37.0, digits=0)
    p_na = draw.uniform("p_na", 0.01, 0.10, digits=3)
    p_cl = draw.uniform("p_cl", 0.10, 0.60, digits=2)
    k_o = draw.uniform("k_out_mM", 3.0, 10.0, digits=1)
    k_i = draw.uniform("k_in_mM", 120.0, 155.0, digits=1)
    na_o = draw.uniform("na_out_mM", 135.0, 150.0, digits=1)
    na_i = draw.uniform("na_in_mM", 8.0, 20.0, digits=1)
    cl_o = draw.uniform("cl_out_mM", 105.0, 125.0, digits=1)
    # [Cl-]i puts E_Cl 10-25 mV above or below the potential without Cl-, so that leaving Cl-
    # out of (a) is a detectable mistake (plausible() checks the size of the effect).
    rt_f = thermal_voltage_mV(t)
    v_without_cl = rt_f * math.log((k_o + p_na * na_o) / (k_i + p_na * na_i))
    offset = float(draw.rng.uniform(10.0, 25.0)) * (1 if draw.rng.random() < 0.5 else -1)
    cl_i = round(cl_o * math.exp((v_without_cl + offset) / rt_f), 1)
    cl_i = draw.uniform("cl_in_mM", cl_i, cl_i, digits=1)
    e_k = nernst_potential(k_o, k_i, 1, t)
    # The measured potential of the second cell: 8-25 mV above E_K (a resting potential).
    v_measured = draw.uniform("v_measured_mV", e_k + 8.0, e_k + 25.0, digits=1)
    return {"temperature_C": t, "p_k": 1.0, "p_na": p_na, "p_cl": p_cl, "k_out_mM": k_o, "k_in_mM": k_i,
            "na_out_mM": na_o, "na_in_mM": na_i, "cl_out_mM": cl_o, "cl_in_mM": cl_i,
            "v_measured_mV": v_measured}


def _ghk(params: dict, *, p_cl=None, t=None) -> float:
    return ghk_potential(params["p_k"], params["p_na"], params["p_cl"] if p_cl is None else p_cl,
                         *(params[c] for c in CONC), params["temperature_C"] if t is None else t)


def ratio_for_potential(params: dict, rt_f: float, base: float = math.e) -> float:
    """P_Na/P_K giving the measured V with Cl- passively distributed: (K_i x - K_o)/(Na_o - Na_i x)."""
    x = base ** (params["v_measured_mV"] / rt_f)
    return (params["k_in_mM"] * x - params["k_out_mM"]) / (params["na_out_mM"] - params["na_in_mM"] * x)


def questions(params: dict, solution: dict) -> list:
    t = params["temperature_C"]
    rt_f = thermal_voltage_mV(t)
    v = _ghk(params)
    num = params["p_k"] * params["k_out_mM"] + params["p_na"] * params["na_out_mM"] + params["p_cl"] * params["cl_in_mM"]
    den = params["p_k"] * params["k_in_mM"] + params["p_na"] * params["na_in_mM"] + params["p_cl"] * params["cl_out_mM"]
    num_unswapped = num - params["p_cl"] * params["cl_in_mM"] + params["p_cl"] * params["cl_out_mM"]
    den_unswapped = den - params["p_cl"] * params["cl_out_mM"] + params["p_cl"] * params["cl_in_mM"]
    e = {"K": nernst_potential(params["k_out_mM"], params["k_in_mM"], 1, t),
         "Na": nernst_potential(params["na_out_mM"], params["na_in_mM"], 1, t),
         "Cl": nernst_potential(params["cl_out_mM"], params["cl_in_mM"], -1, t)}
    tol_v = Tolerance("abs", 0.5)
    wrong_v = [
        Misconception("cl-not-swapped", "Cl- is an anion (z = -1): its inside concentration goes in the "
                      "numerator and its outside concentration in the denominator.",
                      rt_f * math.log(num_unswapped / den_unswapped)),
        Misconception("log10-instead-of-ln", "You used log10 with RT/F; with log10 the prefactor is "
                      "2.303 RT/F (about 58-61 mV).", rt_f * math.log10(num / den)),
        Misconception("celsius-instead-of-kelvin", "RT/F needs the absolute temperature in kelvin.",
                      rt_f * t / (t + 273.15) * math.log(num / den)),
        Misconception("nernst-k-only", "You computed E_K only; the GHK equation includes the Na+ and Cl- "
                      "permeabilities, which pull V away from E_K.", e["K"]),
        Misconception("cl-left-out", "Cl- has a permeability too: P_Cl [Cl]i goes in the numerator and "
                      "P_Cl [Cl]o in the denominator.", _ghk(params, p_cl=0.0)),
        Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.", v / 1000.0),
        Misconception("permeability-weighted-nernst", "Weighting the Nernst potentials by permeability is "
                      "not the GHK equation: the permeabilities multiply concentrations inside one logarithm.",
                      weighted_potential([params["p_k"], params["p_na"], params["p_cl"]], [e["K"], e["Na"], e["Cl"]])),
    ]
    ratio = ratio_for_potential(params, rt_f)
    tol_r = Tolerance("rel", 0.02)
    wrong_r = [
        Misconception("ratio-inverted", "You gave P_K/P_Na; the question asks for P_Na/P_K.", 1 / ratio),
        Misconception("log10-instead-of-ln", "You undid the logarithm with 10^x; with RT/F the inverse is e^x.",
                      ratio_for_potential(params, rt_f, base=10.0)),
        Misconception("celsius-instead-of-kelvin", "RT/F needs the absolute temperature in kelvin.",
                      ratio_for_potential(params, rt_f * t / (t + 273.15))),
        Misconception("volts-instead-of-millivolts", "You put V in volts against RT/F in mV: the exponent came "
                      "out a thousand times too small.", ratio_for_potential(params, rt_f * 1000.0)),
    ]
    return [
        NumericQuestion("a", "Membrane potential V from the GHK equation", v, "mV", tol_v, weight=3,
                        misconceptions=distinct_misconceptions(v, tol_v, wrong_v)),
        NumericQuestion("b", "Permeability ratio P<sub>Na</sub>/P<sub>K</sub> in the second cell", ratio, None,
                        tol_r, weight=2, misconceptions=distinct_misconceptions(ratio, tol_r, wrong_r), digits=4),
        ChoiceQuestion(
            "c", "Why is the potential in (a) much closer to E<sub>K</sub> than to E<sub>Na</sub>?",
            (Option("permeability", "Because at rest the membrane is far more permeable to K<sup>+</sup> than to "
                    "Na<sup>+</sup>", correct=True),
             Option("concentration", "Because the K<sup>+</sup> concentration inside is the largest of all "
                    "the concentrations", misconception=Misconception(
                        "largest-concentration-wins", "Concentrations set each ion's equilibrium potential; "
                        "which E dominates V is set by the relative permeabilities.")),
             Option("pump", "Because the Na<sup>+</sup>/K<sup>+</sup> pump moves 3 Na<sup>+</sup> out for "
                    "2 K<sup>+</sup> in, which generates most of the voltage", misconception=Misconception(
                        "pump-generates-rest", "The pump's direct electrogenic contribution is a few mV; it "
                        "maintains the gradients, and the permeabilities set V.")),
             Option("chloride", "Because Cl<sup>&minus;</sup> cancels the Na<sup>+</sup> term exactly",
                    misconception=Misconception(
                        "chloride-cancels-sodium", "Cl- enters the GHK equation with its own permeability; "
                        "it does not cancel Na+. Set P_Cl = 0 and V is still near E_K.")))),
    ]


#: Leaving Cl- out of (a) must move V by more than this [mV] (two tolerance half-widths), so
#: that the misconception is always told apart from the answer.
MIN_CL_EFFECT_mV = 1.0


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    problems = []
    t = params["temperature_C"]
    v = _ghk(params)
    if abs(_ghk(params, p_cl=0.0) - v) <= MIN_CL_EFFECT_mV:
        problems.append(f"leaving Cl- out moves V by less than {MIN_CL_EFFECT_mV} mV")
    e_k = nernst_potential(params["k_out_mM"], params["k_in_mM"], 1, t)
    e_na = nernst_potential(params["na_out_mM"], params["na_in_mM"], 1, t)
    if not e_k < v < -40.0:
        problems.append(f"V = {v:.1f} mV is not a resting potential")
    if not v - e_k < e_na - v:
        problems.append("V is not closer to E_K than to E_Na (choice (c) would be wrong)")
    ratio = ratio_for_potential(params, thermal_voltage_mV(t))
    if not 0.001 < ratio < 1.0:
        problems.append(f"P_Na/P_K = {ratio:.4g} is not physiological")
    problems += misconception_overlaps(questions, minimum=2)
    return problems
