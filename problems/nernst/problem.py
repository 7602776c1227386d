"""Nernst equilibrium potentials of K+, Na+, Cl- and Ca2+, and the inverse question."""
from __future__ import annotations

import math

from spikeset.model import (Misconception, NumericQuestion, Tolerance, distinct_misconceptions,
                            misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions.constants import thermal_voltage_mV
from spikeset.solutions.electrochemistry import nernst_concentration, nernst_potential

ID = "nernst"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Nernst equilibrium potential"
TOPIC = "electrochemical gradients"

# Ion: (symbol as printed, valence, (out low, out high) mM, (in low, in high) mM,
#       decimals printed outside, decimals printed inside)
IONS = {
    "K": ("K<sup>+</sup>", 1, (3.0, 10.0), (120.0, 155.0), 1, 1),
    "Na": ("Na<sup>+</sup>", 1, (135.0, 150.0), (8.0, 20.0), 1, 1),
    "Cl": ("Cl<sup>&minus;</sup>", -1, (105.0, 125.0), (5.0, 20.0), 1, 1),
    "Ca": ("Ca<sup>2+</sup>", 2, (1.2, 2.5), (0.00005, 0.0002), 2, 6),
}


def sample(draw: Draw) -> dict:
    """Ion, temperature [degC], concentrations [mM], and a second case for the inverse question."""
    ion = draw.choice("ion", list(IONS))
    symbol, z, out_range, in_range, out_digits, in_digits = IONS[ion]
    temperature_C = draw.uniform("temperature_C", 20.0, 37.0, digits=0)
    c_out = draw.uniform("c_out_mM", *out_range, digits=out_digits)
    c_in = draw.uniform("c_in_mM", *in_range, digits=in_digits)
    # Inverse question: the same ion, an intracellular concentration and a measured E_X that
    # a physiological extracellular concentration (the hidden answer) would produce.
    c_in_inverse = draw.uniform("c_in_inverse_mM", *in_range, digits=in_digits)
    c_out_hidden = float(draw.rng.uniform(*out_range))
    e_target = round(nernst_potential(c_out_hidden, c_in_inverse, z, temperature_C), 1)
    e_target = draw.uniform("e_target_mV", e_target, e_target, digits=1)
    return {"ion": ion, "symbol": symbol, "valence": z, "temperature_C": temperature_C,
            "c_out_mM": c_out, "c_in_mM": c_in, "e_target_mV": e_target,
            "c_in_inverse_mM": c_in_inverse, "out_digits": out_digits, "in_digits": in_digits}


def questions(params: dict, solution: dict) -> list:
    z, t = params["valence"], params["temperature_C"]
    c_out, c_in = params["c_out_mM"], params["c_in_mM"]
    e = nernst_potential(c_out, c_in, z, t)
    rt_f = thermal_voltage_mV(t)
    ratio = math.log(c_out / c_in)
    wrong_e = [
        Misconception("log10-instead-of-ln", "You used log10 instead of the natural logarithm ln "
                      "(or 61.5 mV per decade with ln).", rt_f / z * math.log10(c_out / c_in)),
        Misconception("celsius-instead-of-kelvin", "You used the temperature in degrees Celsius; "
                      "RT/F needs the absolute temperature in kelvin.",
                      rt_f * t / (t + 273.15) / z * ratio),
        Misconception("ratio-inverted" if z > 0 else "valence-sign-flipped",
                      "You inverted the concentration ratio: it is [X]o/[X]i, outside over inside."
                      if z > 0 else "You ignored the negative valence of the anion (z = -1), or "
                      "inverted the ratio [X]o/[X]i: either flips the sign.", -e),
        Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.",
                      e / 1000.0),
    ]
    if abs(z) != 1:
        wrong_e.append(Misconception("valence-ignored", "You left out the valence z; a divalent ion "
                                     "needs RT/(zF) with z = 2.", rt_f * ratio))

    e_target, c_in_inv = params["e_target_mV"], params["c_in_inverse_mM"]
    c_out_inverse = nernst_concentration(e_target, c_in_inv, z, t, known_side="in")
    wrong_c = distinct_misconceptions(c_out_inverse, Tolerance("rel", 0.02), [
        Misconception("ratio-inverted", "You solved for the wrong side: [X]o = [X]i exp(zFE/RT).",
                      c_in_inv * math.exp(-z * e_target / rt_f)),
        Misconception("log10-instead-of-ln", "You used 10^x instead of e^x to undo the logarithm.",
                      c_in_inv * 10 ** (z * e_target / rt_f)),
    ])
    return [
        NumericQuestion("a", f"Equilibrium potential E<sub>{params['ion']}</sub>", e, "mV",
                        Tolerance("rel", 0.01), weight=2,
                        misconceptions=distinct_misconceptions(e, Tolerance("rel", 0.01), wrong_e)),
        NumericQuestion("b", f"Extracellular concentration [{params['ion']}]<sub>o</sub> in the second cell",
                        c_out_inverse, "mM", Tolerance("rel", 0.02), weight=1,
                        misconceptions=wrong_c, digits=max(2, params["out_digits"])),
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: equal concentrations, an unphysiological inverse answer."""
    problems = []
    _, _, out_range, _, _, _ = IONS[params["ion"]]
    if abs(params["c_out_mM"] - params["c_in_mM"]) < 0.05 * params["c_out_mM"]:
        problems.append("concentrations nearly equal: E_X near 0")
    answer_b = next((q.answer for q in questions if q.key == "b"), None)
    if answer_b is not None and not 0.8 * out_range[0] <= answer_b <= 1.2 * out_range[1]:
        problems.append(f"inverse answer {answer_b:.3g} mM outside the physiological range")
    return problems + misconception_overlaps(questions)
