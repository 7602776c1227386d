"""The passive RC membrane: input resistance, membrane time constant and the charging curve to a current step."""
from __future__ import annotations

import math

from spikeset.model import (ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance,
                            distinct_misconceptions, misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions.passive import (charging_voltage_mV, input_resistance_Mohm, membrane_time_constant_ms,
                                        sphere_area_cm2, time_to_fraction_ms)

ID = "passive-membrane"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Passive membrane: input resistance, time constant, charging"
TOPIC = "passive membrane"

#: Fractions of the final deflection asked for in (d) (never 1 - 1/e, which is tau itself).
FRACTIONS = (0.5, 0.75, 0.8, 0.9, 0.95, 0.99)
#: Manipulations for (e): (id, text, factor on the diameter, factor on R_m).
MANIPULATIONS = {
    "diameter-doubled": ("a soma of twice the diameter (same membrane)", 2.0, 1.0),
    "diameter-halved": ("a soma of half the diameter (same membrane)", 0.5, 1.0),
    "leak-halved": ("the same soma with half of its leak channels blocked (R<sub>m</sub> doubled)", 1.0, 2.0),
    "leak-doubled": ("the same soma with twice as many open leak channels (R<sub>m</sub> halved)", 1.0, 0.5),
}
FACTOR_TEXT = {1.0: "unchanged", 2.0: "&times;2", 0.5: "&times;&frac12;", 4.0: "&times;4", 0.25: "&times;&frac14;"}


def sample(draw: Draw) -> dict:
    """Soma diameter [um], R_m [kOhm cm^2] or g_L [mS/cm^2], C_m [uF/cm^2], rest [mV], the current
    step [pA], a time [ms], a fraction of the final deflection, and a manipulation for (e)."""
    diameter = draw.uniform("diameter_um", 12.0, 40.0, digits=0)
    spec = draw.choice("spec", ["R_m", "g_L"])
    r_m_drawn = draw.uniform("r_m_kohm_cm2", 5.0, 50.0, digits=1)
    g_l = draw.uniform("g_l_mS_per_cm2", 0.02, 0.20, digits=3)
    c_m = draw.uniform("c_m_uF_per_cm2", 0.8, 1.2, digits=2)
    v_rest = draw.uniform("v_rest_mV", -75.0, -55.0, digits=1)
    r_m = r_m_drawn if spec == "R_m" else 1.0 / g_l
    r_in = input_resistance_Mohm(r_m, sphere_area_cm2(diameter))
    direction = draw.choice("direction", ["depolarizing", "hyperpolarizing"])
    # Current sized for a 4-20 mV final deflection, printed to 2 significant figures.
    low, high = 4000.0 / r_in, 20000.0 / r_in
    digits = max(0, 1 - math.floor(math.log10(low)))
    magnitude = draw.uniform("current_magnitude_pA", low, high, digits=digits)
    current = magnitude if direction == "depolarizing" else -magnitude
    tau = membrane_time_constant_ms(r_m, c_m)
    t = draw.uniform("t_ms", 0.2 * tau, 1.5 * tau, digits=1)
    fraction = draw.choice("fraction", list(FRACTIONS))
    manipulation = draw.choice("manipulation", list(MANIPULATIONS))
    return {"diameter_um": diameter, "spec": spec, "r_m_kohm_cm2": r_m_drawn, "g_l_mS_per_cm2": g_l,
            "c_m_uF_per_cm2": c_m, "v_rest_mV": v_rest, "direction": direction, "current_pA": current,
            "current_digits": digits, "t_ms": t, "fraction": fraction, "manipulation": manipulation,
            "manipulation_text": MANIPULATIONS[manipulation][0]}


def specific_resistance(params: dict) -> float:
    """R_m [kOhm cm^2] as printed, or 1/g_L for the g_L form."""
    return params["r_m_kohm_cm2"] if params["spec"] == "R_m" else 1.0 / params["g_l_mS_per_cm2"]


def scaling_question(params: dict) -> ChoiceQuestion:
    """(e): how tau_m and R_in change under the manipulation; the options are the plausible errors."""
    _, k_d, k_r = MANIPULATIONS[params["manipulation"]]
    rule = ("&tau;<sub>m</sub> = R<sub>m</sub>C<sub>m</sub> is a property of the membrane, the same for any "
            "cell size; R<sub>in</sub> = R<sub>m</sub>/(&pi;d<sup>2</sup>) falls with the area, i.e. with d<sup>2</sup>, "
            "and rises with R<sub>m</sub>.")
    if k_r == 1.0:
        correct = (1.0, 1.0 / k_d ** 2)
        wrong = [((1.0, 1.0 / k_d), "r-in-scales-with-diameter", "R_in scales with the area, d^2, not with d."),
                 ((1.0, k_d ** 2), "bigger-cell-more-resistance", "A bigger cell has more membrane in parallel: "
                  "more channels, a lower input resistance."),
                 ((k_d ** 2, 1.0 / k_d ** 2), "tau-scales-with-size", "The total capacitance grows with the area, "
                  "but R_in falls by the same factor: tau_m = R_in C = R_m C_m does not depend on size.")]
    else:
        correct = (k_r, k_r)
        wrong = [((1.0, k_r), "tau-independent-of-leak", "tau_m = R_m C_m: changing the leak changes R_m and "
                  "so the time constant, not only R_in."),
                 ((k_r, 1.0), "r-in-independent-of-leak", "R_in = R_m / A: the leak channels set R_m, so R_in "
                  "changes with them."),
                 ((1.0 / k_r, 1.0 / k_r), "resistance-conductance-confused", "Fewer open channels means a "
                  "lower conductance and so a higher resistance (and vice versa).")]

    def text(factors):
        return f"&tau;<sub>m</sub> {FACTOR_TEXT[factors[0]]}, R<sub>in</sub> {FACTOR_TEXT[factors[1]]}"

    def oid(factors):
        return f"tau-x{factors[0]:g}-rin-x{factors[1]:g}"

    options = [Option(oid(correct), text(correct), correct=True)]
    options += [Option(oid(f), text(f), misconception=Misconception(mid, f"{fb} {rule}")) for f, mid, fb in wrong]
    return ChoiceQuestion("e", f"Compared with this cell, how do &tau;<sub>m</sub> and R<sub>in</sub> change for "
                          f"{params['manipulation_text']}?", tuple(options))


def questions(params: dict, solution: dict) -> list:
    d, c_m, v0, i_pa, t, f = (params["diameter_um"], params["c_m_uF_per_cm2"], params["v_rest_mV"],
                              params["current_pA"], params["t_ms"], params["fraction"])
    r_m = specific_resistance(params)
    area = sphere_area_cm2(d)
    r_in = input_resistance_Mohm(r_m, area)
    tau = membrane_time_constant_ms(r_m, c_m)
    v_t = charging_voltage_mV(v0, i_pa, r_in, tau, t)
    t_f = time_to_fraction_ms(tau, f)
    dv_inf = i_pa * r_in * 1e-3

    rel = Tolerance("rel", 0.01)
    wrong_r = [
        Misconception("diameter-as-radius", "The sphere's area is 4 pi r^2 = pi d^2; you used the diameter "
                      "as the radius (4 pi d^2).", r_in / 4.0),
        Misconception("cross-section-area", "The membrane is the sphere's surface, pi d^2, not the area of "
                      "its cross-section pi d^2/4.", r_in * 4.0),
        Misconception("area-conversion-linear", "1 um = 1e-4 cm, so 1 um^2 = 1e-8 cm^2 (you converted "
                      "the area with 1e-4).", r_in / 1e4),
        Misconception("conductance-instead-of-resistance", "You gave the input conductance G_in = A/R_m (nS); "
                      "the question asks for R_in = R_m/A in MOhm.", 1000.0 / r_in),
        Misconception("ohm-instead-of-megaohm", "Your value is in ohms; the answer is asked in MOhm.", r_in * 1e6),
    ]
    if params["spec"] == "R_m":
        inverted = Misconception("rc-ratio-inverted", "tau_m = R_m C_m (a product), not R_m/C_m.", r_m / c_m)
    else:
        inverted = Misconception("rc-ratio-inverted", "tau_m = C_m/g_L (R_m = 1/g_L), not C_m g_L.",
                                 c_m * params["g_l_mS_per_cm2"])
    wrong_tau = [
        inverted,
        Misconception("seconds-instead-of-ms", "Your value is in seconds; the answer is asked in ms "
                      "(kOhm cm^2 x uF/cm^2 = ms).", tau / 1000.0),
        Misconception("tau-from-input-resistance", "R_in C_m mixes a whole-cell resistance with a capacitance "
                      "per area: tau_m = R_in C_total = R_m C_m.", r_in * c_m * 1000.0),
    ]
    tol_v = Tolerance("abs", 0.3)
    wrong_v = [
        Misconception("deflection-only", "You gave the change in V; the question asks for the membrane "
                      "potential V(t) = V_rest + Delta V(t).", dv_inf * (1 - math.exp(-t / tau))),
        Misconception("steady-state-reached", "The membrane charges with time constant tau_m: at time t only "
                      "a fraction 1 - exp(-t/tau_m) of the final deflection I R_in is reached.", v0 + dv_inf),
        Misconception("decay-instead-of-charging", "After the step starts, V rises towards V_rest + I R_in as "
                      "1 - exp(-t/tau_m), not as exp(-t/tau_m).", v0 + dv_inf * math.exp(-t / tau)),
        Misconception("current-sign-ignored", "A hyperpolarizing (negative) current moves V below rest; "
                      "a depolarizing one above.", v0 - dv_inf * (1 - math.exp(-t / tau))),
        Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.", v_t / 1000.0),
    ]
    ln_form = math.log(1.0 / (1.0 - f))
    wrong_t = [
        Misconception("fraction-times-tau", "The charging is exponential, not linear: t = tau_m ln(1/(1 - f)), "
                      "not f tau_m.", f * tau),
        Misconception("ln-of-fraction", "Solve 1 - exp(-t/tau_m) = f: t = tau_m ln(1/(1 - f)), not "
                      "tau_m ln(1/f).", tau * math.log(1.0 / f)),
        Misconception("log10-instead-of-ln", "Undo the exponential with the natural logarithm, not log10.",
                      tau * math.log10(1.0 / (1.0 - f))),
        Misconception("tau-is-the-answer", "tau_m is the time to reach 1 - 1/e = 63 % of the final deflection, "
                      "not any fraction.", tau),
    ]
    return [
        NumericQuestion("a", "Input resistance R<sub>in</sub>", r_in, "MΩ", rel,
                        misconceptions=distinct_misconceptions(r_in, rel, wrong_r), digits=1),
        NumericQuestion("b", "Membrane time constant &tau;<sub>m</sub>", tau, "ms", rel,
                        misconceptions=distinct_misconceptions(tau, rel, wrong_tau), digits=2),
        NumericQuestion("c", f"Membrane potential {t:.1f} ms after the step starts", v_t, "mV", tol_v, weight=2,
                        misconceptions=distinct_misconceptions(v_t, tol_v, wrong_v), digits=2,
                        follow_on=FollowOn(("a", "b"), lambda ans: charging_voltage_mV(
                            v0, i_pa, ans["a"], ans["b"], t) if ans["b"] > 0 else math.nan)),
        NumericQuestion("d", f"Time to reach {f * 100:g} % of the final deflection", t_f, "ms", rel,
                        misconceptions=distinct_misconceptions(t_f, rel, wrong_t), digits=2,
                        follow_on=FollowOn(("b",), lambda ans: ans["b"] * ln_form)),
        scaling_question(params),
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: an unphysiological cell, a deflection too small or too large, a time
    at which the membrane is barely charging or fully charged."""
    problems = []
    r_m = specific_resistance(params)
    r_in = input_resistance_Mohm(r_m, sphere_area_cm2(params["diameter_um"]))
    tau = membrane_time_constant_ms(r_m, params["c_m_uF_per_cm2"])
    dv_inf = abs(params["current_pA"] * r_in * 1e-3)
    if not 30.0 <= r_in <= 15000.0:
        problems.append(f"R_in = {r_in:.0f} MOhm outside 30-15000 MOhm")
    if not 3.0 <= tau <= 80.0:
        problems.append(f"tau_m = {tau:.1f} ms outside 3-80 ms")
    if not 3.0 <= dv_inf <= 22.0:
        problems.append(f"final deflection {dv_inf:.1f} mV outside 3-22 mV")
    if not 0.15 <= params["t_ms"] / tau <= 1.6:
        problems.append(f"t/tau_m = {params['t_ms'] / tau:.2f}: the charging is barely started or complete")
    return problems + misconception_overlaps(questions, minimum=1)
