"""The GHK current equation: the current one ion carries at a voltage, its reversal, chord conductance and rectification."""
from __future__ import annotations

import math

from spikeset.model import (ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance,
                            distinct_misconceptions, misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions.constants import faraday_constant, thermal_voltage_mV
from spikeset.solutions.electrochemistry import nernst_potential
from spikeset.solutions.ghk_current import ghk_current_density

ID = "ghk-current"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "GHK current equation and I-V relation"
TOPIC = "electrochemical gradients"

# Ion: (symbol, valence, (out low, high) mM, (in low, high) mM, digits out, digits in,
#       factor from mM to the unit printed for the inside, that unit)
IONS = {
    "K": ("K<sup>+</sup>", 1, (3.0, 10.0), (120.0, 155.0), 1, 1, 1.0, "mM"),
    "Na": ("Na<sup>+</sup>", 1, (135.0, 150.0), (8.0, 20.0), 1, 1, 1.0, "mM"),
    "Cl": ("Cl<sup>&minus;</sup>", -1, (105.0, 125.0), (5.0, 20.0), 1, 1, 1.0, "mM"),
    "Ca": ("Ca<sup>2+</sup>", 2, (1.2, 2.5), (0.00005, 0.0002), 2, 6, 1000.0, "&micro;M"),
}
#: Voltages drawn for (a) [mV]; at least MIN_DRIVE_MV from the reversal and MIN_ABS_V_MV from 0 mV.
V_RANGE_MV = (-100.0, 60.0)
MIN_DRIVE_MV = 10.0
MIN_ABS_V_MV = 3.0


def sample(draw: Draw) -> dict:
    """Ion, temperature [degC], concentrations [mM], permeability [1e-6 cm/s] and a voltage [mV]."""
    ion = draw.choice("ion", list(IONS))
    symbol, z, out_range, in_range, out_digits, in_digits, in_factor, in_unit = IONS[ion]
    t = draw.uniform("temperature_C", 20.0, 37.0, digits=0)
    c_out = draw.uniform("c_out_mM", *out_range, digits=out_digits)
    c_in = draw.uniform("c_in_mM", *in_range, digits=in_digits)
    p = draw.uniform("permeability_1e6_cm_per_s", 0.5, 5.0, digits=2)
    e_rev = nernst_potential(c_out, c_in, z, t)
    # V uniform over [-100, 60] mV minus a band of +-10 mV around the reversal potential.
    segments = [(V_RANGE_MV[0], min(V_RANGE_MV[1], e_rev - MIN_DRIVE_MV)),
                (max(V_RANGE_MV[0], e_rev + MIN_DRIVE_MV), V_RANGE_MV[1])]
    segments = [(a, b) for a, b in segments if b > a]
    x = float(draw.rng.random()) * sum(b - a for a, b in segments)
    for a, b in segments:
        if x <= b - a:
            v = a + x
            break
        x -= b - a
    v = round(v)
    if abs(v) < MIN_ABS_V_MV:  # 0/0 in the formula: move to a nearby voltage on the same side
        v = math.copysign(5.0, v if v != 0 else 1.0)
    v = draw.uniform("v_mV", v, v, digits=0)
    return {"ion": ion, "symbol": symbol, "valence": z, "temperature_C": t, "c_out_mM": c_out, "c_in_mM": c_in,
            "out_digits": out_digits, "in_digits": max(0, in_digits - round(math.log10(in_factor))),
            "in_factor": in_factor, "in_unit": in_unit, "permeability_1e6_cm_per_s": p, "v_mV": v}


def _current(params: dict, v: float, *, t=None, c_out=None, c_in=None, z=None) -> float:
    return ghk_current_density(params["permeability_1e6_cm_per_s"] * 1e-6, params["valence"] if z is None else z,
                               params["c_out_mM"] if c_out is None else c_out,
                               params["c_in_mM"] if c_in is None else c_in, v,
                               params["temperature_C"] if t is None else t)


def rectification(params: dict) -> str:
    """'outward' or 'inward': the current is larger when the ions flow from the side where they
    are more concentrated (cation inside > outside, or anion outside > inside: outward)."""
    inside_richer = params["c_in_mM"] > params["c_out_mM"]
    return "outward" if inside_richer == (params["valence"] > 0) else "inward"


def questions(params: dict, solution: dict) -> list:
    z, t, v = params["valence"], params["temperature_C"], params["v_mV"]
    c_o, c_i = params["c_out_mM"], params["c_in_mM"]
    i = _current(params, v)
    e = nernst_potential(c_o, c_i, z, t)
    g = i / (v - e)
    rt_f = thermal_voltage_mV(t)
    rel = Tolerance("rel", 0.01)
    zu = z * v / rt_f
    p = params["permeability_1e6_cm_per_s"] * 1e-6
    wrong_i = [
        Misconception("concentrations-swapped", "[X]_i goes with 1 and [X]_o with exp(-zFV/RT): outward "
                      "current is carried by ions leaving the cell.", _current(params, v, c_out=c_i, c_in=c_o)),
        Misconception("z-not-squared", "The prefactor holds z^2: one z for the charge each ion carries, one "
                      "from the field acting on that charge.", i / z),
        Misconception("exponent-sign-flipped", "Both exponentials are exp(-zFV/RT).",
                      p * z * faraday_constant() * (-zu) / -math.expm1(zu) * (c_i - c_o * math.exp(zu))),
        Misconception("celsius-instead-of-kelvin", "RT/F needs the absolute temperature in kelvin.",
                      ghk_current_density(p, z, c_o, c_i, v * (t + 273.15) / t, t)),
        Misconception("inward-positive", "Membrane currents are counted outward positive: an inward "
                      "current is negative.", -i),
        Misconception("amperes-instead-of-microamperes", "Your value is in A/cm^2; the answer is asked in "
                      "uA/cm^2.", i * 1e-6),
    ]
    tol_e = Tolerance("abs", 0.5)
    wrong_e = [
        Misconception("ratio-inverted" if z > 0 else "valence-sign-flipped",
                      "E = RT/(zF) ln([X]o/[X]i), outside over inside, with the ion's signed valence.", -e),
        Misconception("log10-instead-of-ln", "You used log10 instead of ln.", e * math.log10(math.e)),
        Misconception("celsius-instead-of-kelvin", "RT/F needs the absolute temperature in kelvin.",
                      e * t / (t + 273.15)),
        Misconception("valence-ignored", "A divalent ion needs RT/(zF) with z = 2.", e * z),
        # e / 1000 (volts for mV) lies within the tolerance of 0: one misconception names both
        Misconception("zero-current-at-zero-volts", "The GHK current is zero at the ion's Nernst potential, not at "
                      "0 mV (and if you computed E in volts: the answer is asked in mV).", 0.0),
    ]
    wrong_g = [
        Misconception("divided-by-v", "The chord conductance divides by the driving force V - E, not by V.", i / v),
        Misconception("e-minus-v", "g = I/(V - E); you divided by E - V.", -g),
        Misconception("microsiemens-instead-of-millisiemens", "uA/cm^2 divided by mV is mS/cm^2; your value "
                      "is in uS/cm^2 (or you divided by volts).", g * 1000.0),
    ]
    direction = rectification(params)
    other = "inward" if direction == "outward" else "outward"
    asym = ("The GHK current is larger when ions flow from the side where they are more concentrated: "
            "with an open, ungated pore the I-V bends towards that flow.")
    options = (
        Option(direction, f"{direction.capitalize()} rectification: the I-V is steeper on the {'positive' if direction == 'outward' else 'negative'} side of the reversal potential",
               correct=True),
        Option(other, f"{other.capitalize()} rectification: the I-V is steeper on the {'positive' if other == 'outward' else 'negative'} side of the reversal potential",
               misconception=Misconception("rectification-direction-reversed", asym)),
        Option("linear", "None: the I-V is a straight line through the reversal potential (constant slope)",
               misconception=Misconception("ghk-is-ohmic", "Only the linear (ohmic) model has a constant slope; "
                                           "the GHK current rectifies whenever [X]o differs from [X]i.")),
        Option("gating", "It cannot rectify: rectification needs a voltage-gated channel",
               misconception=Misconception("rectification-needs-gating", "Concentration asymmetry alone makes "
                                           "the GHK I-V rectify (Goldman rectification), without any gate.")),
    )
    return [
        NumericQuestion("a", f"GHK current density of {params['ion']} at {v:.0f} mV (outward positive)", i,
                        "uA/cm^2", rel, weight=2, misconceptions=distinct_misconceptions(i, rel, wrong_i), digits=3),
        NumericQuestion("b", "Reversal potential of this current", e, "mV", tol_e,
                        misconceptions=distinct_misconceptions(e, tol_e, wrong_e), digits=2),
        NumericQuestion("c", f"Chord conductance I/(V &minus; E<sub>rev</sub>) at {v:.0f} mV", g, "mS/cm^2", rel,
                        misconceptions=distinct_misconceptions(g, rel, wrong_g), digits=4,
                        follow_on=FollowOn(("a", "b"), lambda ans: ans["a"] / (v - ans["b"])
                                           if v != ans["b"] else math.nan)),
        ChoiceQuestion("d", f"How does the GHK I-V of {params['ion']} rectify with these concentrations?", options),
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: V at or near the reversal potential or 0 mV, a negligible current."""
    problems = []
    e = nernst_potential(params["c_out_mM"], params["c_in_mM"], params["valence"], params["temperature_C"])
    if abs(params["v_mV"] - e) < MIN_DRIVE_MV - 0.5:
        problems.append(f"V = {params['v_mV']} mV within {MIN_DRIVE_MV} mV of E_rev = {e:.1f} mV")
    if abs(params["v_mV"]) < MIN_ABS_V_MV:
        problems.append("V = 0 mV: the formula is 0/0 there")
    i = _current(params, params["v_mV"])
    if abs(i) < 0.01:
        problems.append(f"current {i:.3g} uA/cm^2 negligible")
    return problems + misconception_overlaps(questions, minimum=2)
