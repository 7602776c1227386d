"""Driving force V_m - E_X, the ohmic current I_X = g_X (V_m - E_X), and which way current and ions go."""
from __future__ import annotations

from spikeset.model import (ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option,
                            Tolerance, distinct_misconceptions, misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions.electrochemistry import driving_force, nernst_potential, ohmic_current

ID = "driving-force"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Driving force and ionic current"
TOPIC = "electrochemical gradients"

# Ion: (printed symbol, valence, (out low, high) mM, (in low, high) mM, E range mV, g range mS/cm^2)
IONS = {
    "K": ("K<sup>+</sup>", 1, (3.0, 10.0), (120.0, 155.0), (-100.0, -80.0), (0.5, 10.0)),
    "Na": ("Na<sup>+</sup>", 1, (135.0, 150.0), (8.0, 20.0), (45.0, 70.0), (0.2, 5.0)),
    "Cl": ("Cl<sup>&minus;</sup>", -1, (105.0, 125.0), (5.0, 20.0), (-80.0, -45.0), (0.1, 3.0)),
}
MIN_DRIVING_FORCE_mV = 5.0


def sample(draw: Draw) -> dict:
    """Ion, membrane potential [mV], reversal potential [mV] or concentrations [mM], conductance [mS/cm^2]."""
    ion = draw.choice("ion", list(IONS))
    symbol, z, out_range, in_range, e_range, g_range = IONS[ion]
    given = draw.choice("given", ["reversal", "concentrations"])
    temperature_C = draw.uniform("temperature_C", 20.0, 37.0, digits=0)
    c_out = draw.uniform("c_out_mM", *out_range, digits=1)
    c_in = draw.uniform("c_in_mM", *in_range, digits=1)
    e_rev = draw.uniform("e_rev_mV", *e_range, digits=1)
    if given == "concentrations":
        e_rev = round(nernst_potential(c_out, c_in, z, temperature_C), 6)
    g = draw.uniform("g_mS_per_cm2", *g_range, digits=2)
    v_m = draw.uniform("v_m_mV", -90.0, 40.0, digits=1)
    # Keep clear of zero driving force: reflect V_m away from E_X (deterministic, no redraw).
    if abs(v_m - e_rev) < MIN_DRIVING_FORCE_mV:
        v_m = round(e_rev + (MIN_DRIVING_FORCE_mV + 10.0) * (1 if v_m >= e_rev else -1), 1)
    return {"ion": ion, "symbol": symbol, "valence": z, "given": given,
            "temperature_C": temperature_C, "c_out_mM": c_out, "c_in_mM": c_in,
            "e_rev_mV": e_rev, "g_mS_per_cm2": g, "v_m_mV": v_m}


def questions(params: dict, solution: dict) -> list:
    v, e, g, z = params["v_m_mV"], params["e_rev_mV"], params["g_mS_per_cm2"], params["valence"]
    df = driving_force(v, e)
    current = ohmic_current(g, v, e)
    # With E_X from the concentrations, RT/F taken with the temperature in degC gives a wrong E_X.
    celsius = []
    if params["given"] == "concentrations":
        t = params["temperature_C"]
        e_celsius = e * t / (t + 273.15)
        celsius = [("celsius-instead-of-kelvin", "RT/F needs the absolute temperature in kelvin: your E_X is off.",
                    v - e_celsius, g * (v - e_celsius))]
    outward = current > 0
    ions_leave = outward == (z > 0)
    return [
        NumericQuestion(
            "a", "Driving force V<sub>m</sub> &minus; E<sub>X</sub>", df, "mV", Tolerance("rel", 0.01),
            misconceptions=distinct_misconceptions(df, Tolerance("rel", 0.01), [
                Misconception("e-minus-v", "You computed E - V; the driving force is V_m - E_X.", -df),
                Misconception("volts-instead-of-millivolts", "Your value is in volts; the answer is asked in mV.", df / 1000),
                *(Misconception(mid, text, a) for mid, text, a, _ in celsius),
            ])),
        NumericQuestion(
            "b", "Ionic current I<sub>X</sub> (inward negative)", current, "uA/cm^2", Tolerance("rel", 0.01),
            weight=2,
            misconceptions=distinct_misconceptions(current, Tolerance("rel", 0.01), [
                Misconception("e-minus-v", "Your current has the wrong sign: I = g (V_m - E_X), "
                              "outward positive.", -current),
                Misconception("conductance-as-resistance", "You divided by the conductance; "
                              "Ohm's law for conductance is I = g x (V - E).", df / g),
                Misconception("volts-instead-of-millivolts", "mS/cm^2 x V gives mA/cm^2: with the driving force in "
                              "volts your current is a thousand times too small in uA/cm^2.", current / 1000),
                *(Misconception(mid, text, b) for mid, text, _, b in celsius),
            ]),
            follow_on=FollowOn(("a",), lambda ans: g * ans["a"])),
        ChoiceQuestion(
            "c", "Is the current I<sub>X</sub> inward or outward?",
            (Option("inward", "Inward (negative current: positive charge enters the cell)", correct=not outward,
                    misconception=None if not outward else Misconception(
                        "sign-convention", "A positive I = g(V - E) is outward: positive charge leaves the cell.")),
             Option("outward", "Outward (positive current: positive charge leaves the cell)", correct=outward,
                    misconception=None if outward else Misconception(
                        "sign-convention", "A negative I = g(V - E) is inward by convention.")),
             Option("none", "No net current flows", misconception=Misconception(
                 "zero-current", "Current is zero only when V_m equals E_X; here the driving force is not zero."))),
            follow_on=FollowOn(("b",), lambda ans: "outward" if ans["b"] > 0 else "inward")),
        ChoiceQuestion(
            "d", f"Which way do the {params['ion']} ions themselves move?",
            (Option("into", "Into the cell", correct=not ions_leave,
                    misconception=None if not ions_leave else Misconception(
                        "anion-current-direction" if z < 0 else "current-vs-ion-flow",
                        "For an anion the ions move opposite to the current: an outward current is anions moving in."
                        if z < 0 else "For a cation, ions move the same way as the current.")),
             Option("out", "Out of the cell", correct=ions_leave,
                    misconception=None if ions_leave else Misconception(
                        "anion-current-direction" if z < 0 else "current-vs-ion-flow",
                        "For an anion the ions move opposite to the current: an inward current is anions moving out."
                        if z < 0 else "For a cation, ions move the same way as the current."))),
            follow_on=FollowOn(("c",), lambda ans: _ion_direction(ans["c"], z))),
    ]


def _ion_direction(current_direction: str, valence: int) -> str | None:
    """Which way the ions move ("into", "out") for an inward or outward current."""
    if current_direction not in ("inward", "outward"):
        return None
    return "out" if (current_direction == "outward") == (valence > 0) else "into"


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: a driving force too small to call the direction."""
    problems = []
    if abs(params["v_m_mV"] - params["e_rev_mV"]) < MIN_DRIVING_FORCE_mV:
        problems.append("driving force below 5 mV")
    return problems + misconception_overlaps(questions)
