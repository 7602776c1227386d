"""Nernst equilibrium potentials of K+, Na+, Cl- and Ca2+, and the inverse question."""
from __future__ import annotations

import math

from spikeset.model import (Misconception, NumericQuestion, Tolerance, distinct_misconceptions,
                            misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions.constants import thermal_voltage_mV
from spikeset.solutions.electrochemistry import nernst_potential

ID = "nernst"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
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
#: The side whose concentration (b) asks for: one that varies several-fold in relative terms (K+
#: and Ca2+ outside; Na+ and Cl- inside), so that the answers spread over many tolerance widths
#: (and, for Ca2+, not the sub-micromolar inside, which would need another unit).
ASKED_SIDE = {"K": "out", "Na": "in", "Cl": "in", "Ca": "out"}
#: Tolerance of (b), relative.
TOLERANCE_B = Tolerance("rel", 0.02)
#: (b)'s answer lies more than this many tolerance half-widths from every number printed in the statement.
PRINTED_SEPARATION = 2.0


def sample(draw: Draw) -> dict:
    """Ion, temperature [degC], concentrations [mM], and a second case for the inverse question."""
    ion = draw.choice("ion", list(IONS))
    symbol, z, out_range, in_range, out_digits, in_digits = IONS[ion]
    temperature_C = draw.uniform("temperature_C", 20.0, 37.0, digits=0)
    c_out = draw.uniform("c_out_mM", *out_range, digits=out_digits)
    c_in = draw.uniform("c_in_mM", *in_range, digits=in_digits)
    # Inverse question: the same ion, the concentration on one side and a measured E_X that a
    # physiological concentration on the other side (the hidden answer) would produce.
    asked = ASKED_SIDE[ion]
    known_range, known_digits = (in_range, in_digits) if asked == "out" else (out_range, out_digits)
    hidden_range = out_range if asked == "out" else in_range
    c_known = draw.uniform("c_known_mM", *known_range, digits=known_digits)
    hidden = float(math.exp(draw.rng.uniform(math.log(hidden_range[0]), math.log(hidden_range[1]))))
    c_out_b, c_in_b = (hidden, c_known) if asked == "out" else (c_known, hidden)
    e_target = round(nernst_potential(c_out_b, c_in_b, z, temperature_C), 1)
    e_target = draw.uniform("e_target_mV", e_target, e_target, digits=1)
    return {"ion": ion, "symbol": symbol, "valence": z, "temperature_C": temperature_C,
            "c_out_mM": c_out, "c_in_mM": c_in, "e_target_mV": e_target, "asked_side": asked,
            "c_known_mM": c_known, "known_digits": known_digits,
            "asked_digits": out_digits if asked == "out" else in_digits,
            "out_digits": out_digits, "in_digits": in_digits}


def inverse_concentration(params: dict, *, rt_f: float | None = None, base: float = math.e,
                          e_mV: float | None = None) -> float:
    """(b)'s concentration [mM] on ``asked_side`` from E_X and the known side; ``rt_f`` [mV], ``base``
    and ``e_mV`` let a misconception swap in a wrong RT/F, 10^x for e^x or E in volts."""
    z = params["valence"]
    rt_f = thermal_voltage_mV(params["temperature_C"]) if rt_f is None else rt_f
    e = params["e_target_mV"] if e_mV is None else e_mV
    factor = base ** (z * e / rt_f)            # [X]o / [X]i
    return params["c_known_mM"] * factor if params["asked_side"] == "out" else params["c_known_mM"] / factor


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

    c_b = inverse_concentration(params)
    c_known, other = params["c_known_mM"], "inside" if params["asked_side"] == "out" else "outside"
    wrong_c = distinct_misconceptions(c_b, TOLERANCE_B, [
        Misconception("ratio-inverted", f"You solved for the wrong side: E_X fixes [X]o/[X]i, and here "
                      f"[X] {other} is the known one.", c_known ** 2 / c_b),
        Misconception("log10-instead-of-ln", "You used 10^x instead of e^x to undo the logarithm.",
                      inverse_concentration(params, base=10.0)),
        Misconception("celsius-instead-of-kelvin", "RT/F needs the absolute temperature in kelvin.",
                      inverse_concentration(params, rt_f=rt_f * t / (t + 273.15))),
        Misconception("volts-instead-of-millivolts", "You put E in volts against RT/F in mV: the exponent "
                      "came out a thousand times too small.", inverse_concentration(params, e_mV=params["e_target_mV"] / 1000)),
    ])
    return [
        NumericQuestion("a", f"Equilibrium potential E<sub>{params['ion']}</sub>", e, "mV",
                        Tolerance("rel", 0.01), weight=2,
                        misconceptions=distinct_misconceptions(e, Tolerance("rel", 0.01), wrong_e)),
        NumericQuestion("b", f"{'Extracellular' if params['asked_side'] == 'out' else 'Intracellular'} "
                        f"concentration [{params['ion']}]<sub>{'o' if params['asked_side'] == 'out' else 'i'}</sub> "
                        "in the second cell", c_b, "mM", TOLERANCE_B, weight=1,
                        misconceptions=wrong_c, digits=max(2, params["asked_digits"])),
    ]


def printed_numbers(params: dict) -> tuple[float, ...]:
    """Every number the statement prints (and its magnitude, for the signed potential)."""
    return (params["temperature_C"], params["c_out_mM"], params["c_in_mM"], params["c_known_mM"],
            params["e_target_mV"], abs(params["e_target_mV"]), abs(params["valence"]))


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: equal concentrations, an unphysiological inverse answer, an inverse
    answer that a number printed in the statement would pass."""
    problems = []
    symbol, z, out_range, in_range, _, _ = IONS[params["ion"]]
    asked_range = out_range if params["asked_side"] == "out" else in_range
    if abs(params["c_out_mM"] - params["c_in_mM"]) < 0.05 * params["c_out_mM"]:
        problems.append("concentrations nearly equal: E_X near 0")
    answer_b = next((q.answer for q in questions if q.key == "b"), None)
    if answer_b is not None:
        if not 0.8 * asked_range[0] <= answer_b <= 1.2 * asked_range[1]:
            problems.append(f"inverse answer {answer_b:.3g} mM outside the physiological range")
        width = PRINTED_SEPARATION * TOLERANCE_B.half_width(answer_b)
        near = [x for x in printed_numbers(params) if abs(x - answer_b) <= width]
        if near:
            problems.append(f"(b) {answer_b:.4g} mM lies within {PRINTED_SEPARATION:g} tolerances of the printed "
                            f"number {near[0]:g}")
    return problems + misconception_overlaps(questions)
