"""Voltage clamp of the HH axon: separate I_Na and I_K with TTX or TEA, fit g_K and n_inf, the n^4 delay, tail currents."""
from __future__ import annotations

import math

from spikeset.model import (ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance,
                            distinct_misconceptions, misconception_overlaps)
from spikeset.sampling import Draw
from spikeset.solutions import hh_model as hh
from spikeset.solutions.voltage_clamp import clamp_step_currents, conductance_half_time

ID = "voltage-clamp"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Voltage clamp: separating I_Na and I_K, g_K, the n^4 delay and tail currents"
TOPIC = "voltage clamp"

#: Times [ms] after the step at which the currents are tabulated; the last one is the steady state.
TABLE_TIMES_MS = (0.2, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 40.0)
#: Tail potentials [mV] are at least this far from E_K.
MIN_TAIL_DRIVE_MV = 8.0


def hh_params(params: dict) -> hh.HHParams:
    """The variant's HH membrane (printed values)."""
    return hh.HHParams(C_m=1.0, g_Na=params["gbar_na"], g_K=params["gbar_k"], g_L=params["g_l"],
                       E_Na=params["e_na_mV"], E_K=params["e_k_mV"], E_L=params["e_l_mV"],
                       temperature=params["temperature_C"])


def sample(draw: Draw) -> dict:
    """Membrane parameters, holding, clamp and tail potentials [mV], the drug of recording B, and
    the recorded currents [uA/cm^2] (rounded to 0.1 as printed)."""
    p = {
        "gbar_na": draw.uniform("gbar_na", 100.0, 140.0, digits=0),
        "gbar_k": draw.uniform("gbar_k", 30.0, 42.0, digits=0),
        "g_l": draw.uniform("g_l", 0.2, 0.4, digits=2),
        "e_na_mV": draw.uniform("e_na_mV", 45.0, 58.0, digits=1),
        "e_k_mV": draw.uniform("e_k_mV", -80.0, -70.0, digits=1),
        "e_l_mV": draw.uniform("e_l_mV", -60.0, -50.0, digits=1),
        "temperature_C": draw.uniform("temperature_C", 6.3, 12.0, digits=1),
        "v_hold_mV": draw.uniform("v_hold_mV", -75.0, -65.0, digits=0),
        "v_clamp_mV": draw.uniform("v_clamp_mV", -45.0, 5.0, digits=0),
        "drug": draw.choice("drug", ["TTX", "TEA"]),
    }
    # Tail potential uniform over [-110, -40] mV without the band E_K +- 8 mV.
    e_k = p["e_k_mV"]
    below, above = (e_k - MIN_TAIL_DRIVE_MV) - (-110.0), -40.0 - (e_k + MIN_TAIL_DRIVE_MV)
    x = float(draw.rng.random()) * (below + above)
    v_tail = round(-110.0 + x if x < below else e_k + MIN_TAIL_DRIVE_MV + (x - below))
    p["v_tail_mV"] = draw.uniform("v_tail_mV", v_tail, v_tail, digits=0)
    membrane = hh_params(p)
    control, drugged, i_na = [], [], []
    for t in TABLE_TIMES_MS:
        c = clamp_step_currents(membrane, p["v_hold_mV"], p["v_clamp_mV"], t)
        control.append(round(c.total, 1))
        drugged.append(round(c.i_k + c.i_leak if p["drug"] == "TTX" else c.i_na + c.i_leak, 1))
        i_na.append(c.i_na)
    p["times_ms"] = list(TABLE_TIMES_MS)
    p["i_control"] = control
    p["i_drug"] = drugged
    # (b) asks for I_Na at the tabulated time where it is largest
    p["t_na_index"] = max(range(len(TABLE_TIMES_MS)), key=lambda i: abs(i_na[i]))
    p["n_hold"] = round(float(hh.steady_state("n", p["v_hold_mV"])), 4)
    tau_n = float(hh.time_constant("n", p["v_clamp_mV"], p["temperature_C"]))
    p["tau_n_ms"] = round(tau_n, 2 - math.floor(math.log10(tau_n)))
    return p


def separated(params: dict) -> dict:
    """I_Na at the asked time and the steady-state I_K [uA/cm^2] from the printed recordings, and
    the printed leak current at the clamp potential."""
    i = params["t_na_index"]
    a, b = params["i_control"], params["i_drug"]
    leak = params["g_l"] * (params["v_clamp_mV"] - params["e_l_mV"])
    if params["drug"] == "TTX":
        return {"i_na": a[i] - b[i], "i_k_ss": b[-1] - leak, "leak": leak}
    return {"i_na": b[i] - leak, "i_k_ss": a[-1] - b[-1], "leak": leak}


def questions(params: dict, solution: dict) -> list:
    s = separated(params)
    i, drug = params["t_na_index"], params["drug"]
    a, b, leak = params["i_control"], params["i_drug"], s["leak"]
    vc, ek, v_tail = params["v_clamp_mV"], params["e_k_mV"], params["v_tail_mV"]
    gbar_k = params["gbar_k"]
    i_na, g_k = s["i_na"], s["i_k_ss"] / (vc - ek)
    n_inf = (g_k / gbar_k) ** 0.25
    n0, tau_n = params["n_hold"], params["tau_n_ms"]
    t_half = conductance_half_time(n0, n_inf, tau_n)
    i_tail = g_k * (v_tail - ek)
    rel = Tolerance("rel", 0.01)
    rel_n = Tolerance("rel", 0.005)

    if drug == "TTX":
        wrong_na = [
            Misconception("drug-trace-is-the-current", "TTX blocks the Na+ channels: recording B is what remains "
                          "without I_Na (I_K + leak); I_Na = control - B.", b[i]),
            Misconception("subtraction-reversed", "I_Na = control - (control without I_Na); you subtracted the "
                          "other way round.", b[i] - a[i]),
            Misconception("control-is-na", "The control current holds I_K and the leak as well as I_Na.", a[i]),
            Misconception("leak-subtracted-twice", "The leak is in both recordings and cancels in the difference.",
                          a[i] - b[i] - leak),
        ]
        wrong_gk = [
            Misconception("leak-not-subtracted", "Recording B (TTX) is I_K + leak: subtract g_L (V - E_L).",
                          b[-1] / (vc - ek)),
            Misconception("control-instead-of-drug", "The control current includes the steady Na+ window "
                          "current; take I_K from the TTX recording.", (a[-1] - leak) / (vc - ek)),
        ]
    else:
        wrong_na = [
            Misconception("leak-not-subtracted", "TEA blocks the K+ channels: recording B is I_Na + leak; "
                          "subtract g_L (V - E_L).", b[i]),
            Misconception("subtraction-gives-k", "control - B is the current TEA blocked, I_K; I_Na is what "
                          "remains in B once the leak is removed.", a[i] - b[i]),
            Misconception("control-is-na", "The control current holds I_K and the leak as well as I_Na.", a[i]),
        ]
        wrong_gk = [
            Misconception("drug-trace-is-the-current", "TEA blocks the K+ channels: I_K = control - B, not B.",
                          (b[-1] - leak) / (vc - ek)),
            Misconception("leak-and-na-not-subtracted", "The control current also holds the leak and the steady "
                          "Na+ window current; subtract recording B.", a[-1] / (vc - ek)),
        ]
    wrong_gk += [
        Misconception("divided-by-v", "The conductance divides the current by the driving force V - E_K, not by V.",
                      s["i_k_ss"] / vc if vc != 0 else math.nan),
        Misconception("e-minus-v", "g_K = I_K/(V - E_K); you divided by E_K - V.", -g_k),
        Misconception("peak-instead-of-steady", "g_K is asked at the steady state (the end of the step), not at "
                      "the time of the Na+ peak.", ((a[i] - b[i]) if drug == "TEA" else (b[i] - leak)) / (vc - ek)),
    ]
    wrong_n = [
        Misconception("n-instead-of-n4", "g_K = gbar_K n^4: take the fourth root of g_K/gbar_K.", g_k / gbar_k),
        Misconception("n3-instead-of-n4", "K+ activation enters as n^4 (m enters as m^3).", (g_k / gbar_k) ** (1 / 3)),
    ]
    wrong_t = [
        Misconception("exponential-not-sigmoidal", "g_K = gbar n^4 rises sigmoidally: n itself is halfway at "
                      "tau ln 2, but n^4 lags (the n^4 delay).", tau_n * math.log(2.0)),
        Misconception("n0-ignored", "n starts from its value at the holding potential, not from 0.",
                      tau_n * math.log(1.0 / (1.0 - 0.5 ** 0.25))),
        Misconception("tau-is-the-answer", "tau_n is the time constant of n, not the half-time of n^4.", tau_n),
        Misconception("fourth-root-forgotten", "Half of g_inf needs n = 2^(-1/4) n_inf = 0.84 n_inf, not n_inf/2.",
                      tau_n * math.log((n_inf - n0) / (0.5 * n_inf)) if n0 < 0.5 * n_inf else math.nan),
    ]
    n_inf_tail = float(hh.steady_state("n", v_tail))
    wrong_tail = [
        Misconception("driving-force-unchanged", "The conductance carries over, but the driving force is now "
                      "V_tail - E_K.", g_k * (vc - ek)),
        Misconception("conductance-closes-instantly", "The gates need time to close: right after the step g_K is "
                      "still the steady-state g_K at the clamp potential.", gbar_k * n_inf_tail ** 4 * (v_tail - ek)),
        Misconception("no-tail-current", "The K+ channels are still open right after the step: current flows "
                      "until n relaxes (the tail).", 0.0),
        Misconception("e-minus-v", "I = g (V - E): outward positive. You computed g (E - V).", -i_tail),
    ]
    drug_options = (
        Option("TTX", "Tetrodotoxin (TTX), which blocks the voltage-gated Na<sup>+</sup> channels",
               correct=drug == "TTX", misconception=None if drug == "TTX" else Misconception(
                   "ttx-tea-confused", "Recording B keeps the transient inward current and loses the sustained "
                   "outward one: the K+ channels are blocked (TEA).")),
        Option("TEA", "Tetraethylammonium (TEA), which blocks the delayed-rectifier K<sup>+</sup> channels",
               correct=drug == "TEA", misconception=None if drug == "TEA" else Misconception(
                   "ttx-tea-confused", "Recording B keeps the sustained outward current and loses the transient "
                   "inward one: the Na+ channels are blocked (TTX).")),
        Option("ouabain", "Ouabain, which blocks the Na<sup>+</sup>/K<sup>+</sup> pump", misconception=Misconception(
            "pump-carries-the-current", "The pump's current is a fraction of a uA/cm^2; the large currents of a "
            "clamp step flow through the voltage-gated channels.")),
        Option("leak", "A blocker of the leak channels", misconception=Misconception(
            "leak-carries-the-transient", "The leak is a small, linear, time-independent current; what changed "
            "between A and B is time-dependent.")),
    )
    t_na = params["times_ms"][i]
    return [
        ChoiceQuestion("a", "Which drug was applied for recording B?", drug_options),
        NumericQuestion("b", f"Na<sup>+</sup> current I<sub>Na</sub> at t = {t_na:g} ms", i_na, "uA/cm^2", rel,
                        misconceptions=distinct_misconceptions(i_na, rel, wrong_na), digits=1),
        NumericQuestion("c", "Steady-state K<sup>+</sup> conductance g<sub>K</sub> at the clamp potential", g_k,
                        "mS/cm^2", rel, weight=2, misconceptions=distinct_misconceptions(g_k, rel, wrong_gk), digits=3),
        # n = (g_K/gbar_K)^(1/4) carries a quarter of g_K's relative error: 0.5 % matches (c)'s 1 %, twice over
        NumericQuestion("d", "Steady-state value n<sub>&infin;</sub> at the clamp potential", n_inf, None, rel_n,
                        misconceptions=distinct_misconceptions(n_inf, rel_n, wrong_n), digits=4,
                        follow_on=FollowOn(("c",), lambda ans: (ans["c"] / gbar_k) ** 0.25 if ans["c"] > 0 else math.nan)),
        NumericQuestion("e", "Time after the step at which g<sub>K</sub> reaches half its steady-state value",
                        t_half, "ms", Tolerance("rel", 0.02), weight=2,
                        misconceptions=distinct_misconceptions(t_half, Tolerance("rel", 0.02), wrong_t), digits=3,
                        follow_on=FollowOn(("d",), lambda ans: _half_time_or_nan(n0, ans["d"], tau_n))),
        NumericQuestion("f", f"K<sup>+</sup> tail current just after the step to {v_tail:.0f} mV", i_tail,
                        "uA/cm^2", rel, misconceptions=distinct_misconceptions(i_tail, rel, wrong_tail), digits=1,
                        follow_on=FollowOn(("c",), lambda ans: ans["c"] * (v_tail - ek))),
    ]


def _half_time_or_nan(n0: float, n_inf: float, tau_n: float) -> float:
    try:
        return conductance_half_time(n0, n_inf, tau_n)
    except ValueError:
        return math.nan


def figure(params: dict, solution: dict):
    """The two recordings A and B against time (the data of the table; no answer marked)."""
    from spikeset.render.chart import Chart, HLine, Line
    return Chart(
        series=(Line(params["times_ms"], params["i_control"], "-", marker="o", label="A (control)"),
                Line(params["times_ms"], params["i_drug"], "--", color="0.45", marker="s", label="B (drug)")),
        hlines=(HLine(0.0, color="0.7"),), xscale="log", grid=True, legend="best",
        xlabel="time after the step (ms, log scale)", ylabel="current (µA/cm²)",
        caption=(f"Ionic currents after the step from {params['v_hold_mV']:.0f} to "
                 f"{params['v_clamp_mV']:.0f} mV (the values of the table)."))


def figure_alt(params: dict, solution: dict) -> str:
    return ("Two current recordings against time on a logarithmic axis, plotting the values of the table: "
            "A (control) and B (with the drug), outward current positive.")


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: a small Na+ or K+ current, a tail potential near E_K, n not below the
    half-conductance value at the start."""
    problems = []
    s = separated(params)
    if abs(s["i_na"]) < 100.0:
        problems.append(f"I_Na = {s['i_na']:.1f} uA/cm^2 too small to read")
    if s["i_k_ss"] < 100.0:
        problems.append(f"steady I_K = {s['i_k_ss']:.1f} uA/cm^2 too small")
    if abs(params["v_tail_mV"] - params["e_k_mV"]) < MIN_TAIL_DRIVE_MV - 0.5:
        problems.append("tail potential too close to E_K")
    g_k = s["i_k_ss"] / (params["v_clamp_mV"] - params["e_k_mV"])
    n_inf = (g_k / params["gbar_k"]) ** 0.25 if g_k > 0 else 0.0
    if not params["n_hold"] < 0.9 * 0.5 ** 0.25 * n_inf:
        problems.append("n starts too close to the half-conductance value")
    return problems + misconception_overlaps(questions, minimum=1)
