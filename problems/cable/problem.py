"""Passive cable: the length constant from diameter, R_m and R_i; steady-state decay along the axon; conduction velocity scaling."""
from __future__ import annotations

import math

from spikeset.model import (ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance,
                            distinct_misconceptions, misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions.cable import (distance_to_fraction_mm, length_constant_mm, steady_state_attenuation,
                                      unmyelinated_velocity)

ID = "cable"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Cable: length constant, electrotonic decay, conduction velocity"
TOPIC = "passive membrane"

FRACTIONS = (0.5, 0.25, 0.2, 0.1)
#: Diameter factors of the second axon in (d).
DIAMETER_FACTORS = (0.25, 0.5, 2.0, 3.0, 4.0, 6.0)
#: Manipulations for (e): id -> (text, factor on d, factor on R_m, factor on R_i).
MANIPULATIONS = {
    "d-x4": ("an axon of four times the diameter (same membrane and axoplasm)", 4.0, 1.0, 1.0),
    "d-x1/4": ("an axon of a quarter of the diameter (same membrane and axoplasm)", 0.25, 1.0, 1.0),
    "rm-x4": ("the same axon with its specific membrane resistance R<sub>m</sub> four times larger", 1.0, 4.0, 1.0),
    "ri-x4": ("the same axon with its axoplasmic resistivity R<sub>i</sub> four times larger", 1.0, 1.0, 4.0),
    "d-x4-ri-x4": ("an axon of four times the diameter whose axoplasm is four times as resistive", 4.0, 1.0, 4.0),
}
LAMBDA_FACTORS = (4.0, 2.0, 1.0, 0.5, 0.25)
FACTOR_TEXT = {4.0: "&times;4", 2.0: "&times;2", 1.0: "unchanged", 0.5: "&times;&frac12;", 0.25: "&times;&frac14;"}
#: Reference axon for the velocities: the squid giant axon, 476 um, 21.2 m/s (Hodgkin and Huxley 1952).
SQUID_D_UM, SQUID_V_M_PER_S = 476.0, 21.2


def sample(draw: Draw) -> dict:
    """Diameter [um], R_m [kOhm cm^2], R_i [Ohm cm], a steady deflection [mV] and a distance [mm],
    a fraction, the velocity [m/s] of this axon and the diameter [um] of a second one, a manipulation."""
    d = draw.uniform("diameter_um", 0.5, 10.0, digits=1)
    r_m = draw.uniform("r_m_kohm_cm2", 5.0, 40.0, digits=1)
    r_i = draw.uniform("r_i_ohm_cm", 60.0, 250.0, digits=0)
    v0 = draw.uniform("v0_mV", 5.0, 20.0, digits=1)
    lam = length_constant_mm(r_m, r_i, d)
    x_raw = lam * (0.3 + 1.7 * float(draw.rng.random()))
    x_digits = max(0, 1 - math.floor(math.log10(x_raw)))
    x = draw.uniform("distance_mm", x_raw, x_raw, digits=x_digits)
    fraction = draw.choice("fraction", list(FRACTIONS))
    v1_raw = SQUID_V_M_PER_S * math.sqrt(d / SQUID_D_UM) * (0.85 + 0.3 * float(draw.rng.random()))
    v1 = draw.uniform("velocity_m_per_s", v1_raw, v1_raw, digits=max(0, 1 - math.floor(math.log10(v1_raw))))
    k = draw.choice("diameter_factor", list(DIAMETER_FACTORS))
    d2 = round(d * k, 2)
    manipulation = draw.choice("manipulation", list(MANIPULATIONS))
    return {"diameter_um": d, "r_m_kohm_cm2": r_m, "r_i_ohm_cm": r_i, "v0_mV": v0, "distance_mm": x,
            "distance_digits": x_digits, "fraction": fraction, "velocity_m_per_s": v1, "diameter2_um": d2,
            "manipulation": manipulation, "manipulation_text": MANIPULATIONS[manipulation][0]}


def lambda_factor(manipulation: str) -> float:
    """The factor on lambda = sqrt(R_m d / (4 R_i)) under the manipulation."""
    _, k_d, k_m, k_i = MANIPULATIONS[manipulation]
    return math.sqrt(k_d * k_m / k_i)


def scaling_question(params: dict) -> ChoiceQuestion:
    correct = lambda_factor(params["manipulation"])
    rule = "lambda = sqrt(r_m/r_i) = sqrt(R_m d / (4 R_i)): it grows with the square root of d and of R_m/R_i."
    options = []
    for f in LAMBDA_FACTORS:
        if math.isclose(f, correct):
            options.append(Option(f"x{f:g}", f"&lambda; {FACTOR_TEXT[f]}", correct=True))
            continue
        if correct != 1.0 and math.isclose(f, correct ** 2):
            m = Misconception("lambda-linear", f"The factor enters under a square root. {rule}")
        elif math.isclose(f, 1.0 / correct):
            m = Misconception("lambda-direction-reversed", f"A higher membrane resistance or a wider (less "
                              f"resistive) core lets current spread further. {rule}")
        elif math.isclose(f, 1.0):
            m = Misconception("lambda-independent", f"Unlike tau_m, lambda depends on the geometry and on R_i. {rule}")
        else:
            m = Misconception("lambda-scaling-wrong", rule)
        options.append(Option(f"x{f:g}", f"&lambda; {FACTOR_TEXT[f]}", misconception=m))
    return ChoiceQuestion("e", f"How does the length constant change for {params['manipulation_text']}?", tuple(options))


def questions(params: dict, solution: dict) -> list:
    d, r_m, r_i = params["diameter_um"], params["r_m_kohm_cm2"], params["r_i_ohm_cm"]
    v0, x, f = params["v0_mV"], params["distance_mm"], params["fraction"]
    v1, d2 = params["velocity_m_per_s"], params["diameter2_um"]
    lam = length_constant_mm(r_m, r_i, d)
    v_x = steady_state_attenuation(v0, x, lam)
    x_f = distance_to_fraction_mm(lam, f)
    v2 = unmyelinated_velocity(v1, d, d2)
    rel = Tolerance("rel", 0.01)
    wrong_lam = [
        Misconception("radius-for-diameter", "The formula sqrt(R_m d / (4 R_i)) takes the diameter; with the "
                      "radius it reads sqrt(R_m a / (2 R_i)).", length_constant_mm(r_m, r_i, d / 2)),
        Misconception("factor-4-missing", "r_i = R_i / (pi (d/2)^2) = 4 R_i / (pi d^2): the 4 comes from the "
                      "radius; lambda = sqrt(R_m d / (4 R_i)).", 2 * lam),
        Misconception("cm-instead-of-mm", "Your value is in cm; the answer is asked in mm.", lam / 10),
        Misconception("kohm-not-converted", "R_m is in kOhm cm^2: multiply by 1000 to get Ohm cm^2.",
                      lam / math.sqrt(1000.0)),
        Misconception("no-square-root", "lambda = sqrt(r_m / r_i), not r_m / r_i.", lam ** 2),
    ]
    wrong_vx = [
        Misconception("linear-decay", "In a passive cable the steady deflection falls exponentially, "
                      "V0 exp(-x/lambda), not linearly.", v0 * (1 - x / lam)),
        Misconception("halving-length", "lambda is the distance over which V falls by a factor e (to 37 %), "
                      "not by half.", v0 * 0.5 ** (x / lam)),
        Misconception("distance-not-scaled", "The exponent is x/lambda, in the same units.", v0 * math.exp(-x)),
        Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.", v_x / 1000),
    ]
    wrong_xf = [
        Misconception("fraction-times-lambda", "The decay is exponential: x = lambda ln(1/f), not f lambda.", f * lam),
        Misconception("ln-of-complement", "V(x)/V0 = exp(-x/lambda) = f gives x = lambda ln(1/f).",
                      lam * math.log(1 / (1 - f))),
        Misconception("log10-instead-of-ln", "Undo the exponential with the natural logarithm.", lam * math.log10(1 / f)),
        Misconception("lambda-is-the-answer", "At x = lambda the deflection is 37 % of V0, not any fraction.", lam),
    ]
    wrong_v = [
        Misconception("linear-in-diameter", "v proportional to d holds for myelinated fibres; unmyelinated "
                      "axons scale with sqrt(d).", v1 * d2 / d),
        Misconception("inverse-scaling", "A wider axon has a lower axial resistance and conducts faster.",
                      v1 * math.sqrt(d / d2)),
        Misconception("quadratic-in-diameter", "v scales with lambda/tau_m, and lambda with sqrt(d).", v1 * (d2 / d) ** 2),
        Misconception("diameter-independent", "The axial resistance falls with the cross-section, so wider "
                      "axons conduct faster.", v1),
    ]
    return [
        NumericQuestion("a", "Length constant &lambda;", lam, "mm", rel,
                        misconceptions=distinct_misconceptions(lam, rel, wrong_lam), digits=3),
        NumericQuestion("b", f"Steady deflection {x:.{params['distance_digits']}f} mm from the injection site",
                        v_x, "mV", rel, misconceptions=distinct_misconceptions(v_x, rel, wrong_vx), digits=3,
                        follow_on=FollowOn(("a",), lambda ans: steady_state_attenuation(v0, x, ans["a"])
                                           if ans["a"] > 0 else math.nan)),
        NumericQuestion("c", f"Distance at which the deflection has fallen to {f * 100:g} %", x_f, "mm", rel,
                        misconceptions=distinct_misconceptions(x_f, rel, wrong_xf), digits=3,
                        follow_on=FollowOn(("a",), lambda ans: ans["a"] * math.log(1 / f))),
        NumericQuestion("d", f"Conduction velocity of the {d2:g} &micro;m axon", v2, "m/s", rel,
                        misconceptions=distinct_misconceptions(v2, rel, wrong_v), digits=3),
        scaling_question(params),
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: the distance barely or far beyond lambda, equal diameters, lambda outside
    the range of real unmyelinated axons."""
    problems = []
    lam = length_constant_mm(params["r_m_kohm_cm2"], params["r_i_ohm_cm"], params["diameter_um"])
    if not 0.25 <= params["distance_mm"] / lam <= 2.1:
        problems.append(f"x/lambda = {params['distance_mm'] / lam:.2f}")
    if not 0.05 <= lam <= 5.0:
        problems.append(f"lambda = {lam:.3f} mm outside 0.05-5 mm")
    if math.isclose(params["diameter2_um"], params["diameter_um"]):
        problems.append("the two axons have the same diameter")
    return problems + misconception_overlaps(questions, minimum=2)
