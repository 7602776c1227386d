"""Hodgkin-Huxley gating: conductances from gate values, the currents, and x_inf, tau_x from the rates."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import FollowOn, Misconception, NumericQuestion, Tolerance, distinct_misconceptions, misconception_overlaps
from spikeset.sampling import Draw
from spikeset.solutions import hh_model as hh

ID = "gating"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Hodgkin-Huxley gates and conductances"
TOPIC = "channel gating"

#: Voltage range per gate for the steady-state question, chosen so that 0.02 < x_inf < 0.98.
GATE_V_RANGE = {"m": (-60.0, 0.0), "h": (-80.0, -30.0), "n": (-75.0, 0.0)}
#: The snapshot of (a)-(d) is taken from a simulated spike of the printed membrane with these
#: values of the parameters it does not print (classic squid values, 6.3 degC).
SPIKE_G_L, SPIKE_E_L, SPIKE_TEMPERATURE_C = 0.3, -54.387, 6.3
#: The snapshot voltage lies between this level [mV] and SNAPSHOT_BELOW_PEAK_mV below the peak.
SNAPSHOT_LOW_mV, SNAPSHOT_BELOW_PEAK_mV = -40.0, 5.0
GATE_NAME = {"m": "Na<sup>+</sup> activation m", "h": "Na<sup>+</sup> inactivation h",
             "n": "K<sup>+</sup> activation n"}




def sample(draw: Draw) -> dict:
    """Maximal conductances [mS/cm^2], reversal potentials [mV], where on the spike the snapshot
    of (a)-(d) is taken (phase, and level as a fraction from SNAPSHOT_LOW_mV to near the peak:
    ``solve_batch`` simulates the spike and sets V [mV], m, h and n), and a gate, voltage [mV]
    and temperature [degC] for the kinetics questions."""
    gbar_na = draw.uniform("gbar_na", 80.0, 150.0, digits=0)
    gbar_k = draw.uniform("gbar_k", 20.0, 45.0, digits=0)
    e_na = draw.uniform("e_na_mV", 45.0, 60.0, digits=1)
    e_k = draw.uniform("e_k_mV", -85.0, -72.0, digits=1)
    phase = draw.choice("phase", ["rising", "falling"])
    level = draw.uniform("snapshot_level", 0.0, 1.0, digits=3)
    gate = draw.choice("gate", ["m", "h", "n"])
    v_gate = draw.uniform("v_gate_mV", *GATE_V_RANGE[gate], digits=1)
    temperature = draw.uniform("temperature_C", 10.0, 25.0, digits=1)
    return {"gbar_na": gbar_na, "gbar_k": gbar_k, "e_na_mV": e_na, "e_k_mV": e_k, "phase": phase,
            "snapshot_level": level, "gate": gate, "gate_name": GATE_NAME[gate], "v_gate_mV": v_gate,
            "temperature_C": temperature}


def rates(params: dict) -> dict:
    """alpha, beta [1/ms] of the asked gate at v_gate, at 6.3 degC and at the temperature; phi."""
    gate, v, t = params["gate"], params["v_gate_mV"], params["temperature_C"]
    a_fn, b_fn = {"m": (hh.alpha_m, hh.beta_m), "h": (hh.alpha_h, hh.beta_h), "n": (hh.alpha_n, hh.beta_n)}[gate]
    return {"alpha0": float(a_fn(v)), "beta0": float(b_fn(v)), "phi": float(hh.temperature_factor(t)),
            "alpha": float(a_fn(v, t)), "beta": float(b_fn(v, t))}


def solve_batch(params_list: list[dict]) -> list[dict]:
    """The snapshot of (a)-(d) from one simulated spike per variant (all variants in one batch),
    printed as V [mV, 0.1] and m, h, n [0.001]; and the asked gate's rates for the worked solution."""
    from spikeset.solutions.hh_model import HHParams
    from spikeset.solutions.spike_snapshots import record_spikes

    if not params_list:
        return []
    col = {k: np.array([p[k] for p in params_list], float) for k in ("gbar_na", "gbar_k", "e_na_mV", "e_k_mV")}
    spikes = record_spikes(HHParams(g_Na=col["gbar_na"], g_K=col["gbar_k"], E_Na=col["e_na_mV"], E_K=col["e_k_mV"],
                                    g_L=SPIKE_G_L, E_L=SPIKE_E_L, temperature=SPIKE_TEMPERATURE_C))
    fraction = np.array([p["snapshot_level"] for p in params_list])
    level = np.round(SNAPSHOT_LOW_mV + fraction * (spikes.peak_mV - SNAPSHOT_BELOW_PEAK_mV - SNAPSHOT_LOW_mV), 1)
    snap = spikes.snapshot(level, np.array([p["phase"] == "rising" for p in params_list]))
    out = []
    for i, p in enumerate(params_list):
        printed = {"v_mV": float(snap.V_mV[i]), "m": round(float(snap.m[i]), 3), "h": round(float(snap.h[i]), 3),
                   "n": round(float(snap.n[i]), 3), "peak_mV": round(float(spikes.peak_mV[i]), 1),
                   "t_snapshot_ms": round(float(snap.t_ms[i]), 3)}
        out.append({**rates(p), "adjusted_params": printed})
    return out


def questions(params: dict, solution: dict) -> list:
    gna, gk, m, h, n = params["gbar_na"], params["gbar_k"], params["m"], params["h"], params["n"]
    v, e_na, e_k = params["v_mV"], params["e_na_mV"], params["e_k_mV"]
    g_na = gna * m ** 3 * h
    g_k = gk * n ** 4
    i_na = g_na * (v - e_na)
    i_k = g_k * (v - e_k)
    r = rates(params)
    gate, t = params["gate"], params["temperature_C"]
    x_inf = float(hh.steady_state(gate, params["v_gate_mV"]))
    tau = float(hh.time_constant(gate, params["v_gate_mV"], t))
    a, b, phi = r["alpha"], r["beta"], r["phi"]
    rel = Tolerance("rel", 0.01)
    wrong_gna = [
        Misconception("m-instead-of-m3", "Three activation particles: g_Na = gbar_Na m^3 h, not m h.", gna * m * h),
        Misconception("h-left-out", "Inactivation multiplies the conductance: g_Na = gbar_Na m^3 h.", gna * m ** 3),
        Misconception("m4-instead-of-m3", "Na+ activation enters as m^3 (n enters as n^4).", gna * m ** 4 * h),
    ]
    wrong_gk = [
        Misconception("n-instead-of-n4", "Four activation particles: g_K = gbar_K n^4.", gk * n),
        Misconception("n3-instead-of-n4", "K+ activation enters as n^4 (m enters as m^3).", gk * n ** 3),
    ]
    wrong_ina = [
        Misconception("e-minus-v", "I = g (V - E): outward positive. You computed g (E - V).", -i_na),
        Misconception("m-instead-of-m3", "You used g_Na = gbar m h; it is gbar m^3 h.", gna * m * h * (v - e_na)),
    ]
    wrong_ik = [
        Misconception("e-minus-v", "I = g (V - E): outward positive. You computed g (E - V).", -i_k),
        Misconception("n-instead-of-n4", "You used g_K = gbar n; it is gbar n^4.", gk * n * (v - e_k)),
    ]
    wrong_inf = [
        Misconception("alpha-over-beta", "x_inf = alpha/(alpha + beta), not alpha/beta.", a / b),
        Misconception("beta-over-sum", "alpha is the opening rate: x_inf = alpha/(alpha + beta); "
                      "beta/(alpha + beta) is the closed fraction 1 - x_inf.", b / (a + b)),
    ]
    wrong_tau = [
        Misconception("phi-forgotten", "The rates were measured at 6.3 degC; multiply each by "
                      "phi = 3^((T - 6.3)/10) at the given temperature.", 1.0 / (r["alpha0"] + r["beta0"])),
        Misconception("tau-one-over-alpha", "tau = 1/(alpha + beta): opening and closing both relax x.", 1.0 / a),
        Misconception("phi-inverted", "A higher temperature speeds the gates: the rates are multiplied by "
                      "phi, so tau is divided by phi.", phi / (r["alpha0"] + r["beta0"])),
        Misconception("tau-one-over-beta", "tau = 1/(alpha + beta), not 1/beta.", 1.0 / b),
    ]
    gsub = {"m": "m", "h": "h", "n": "n"}[gate]
    return [
        NumericQuestion("a", "Na<sup>+</sup> conductance g<sub>Na</sub>", g_na, "mS/cm^2", rel,
                        misconceptions=distinct_misconceptions(g_na, rel, wrong_gna), digits=3),
        NumericQuestion("b", "K<sup>+</sup> conductance g<sub>K</sub>", g_k, "mS/cm^2", rel,
                        misconceptions=distinct_misconceptions(g_k, rel, wrong_gk), digits=3),
        NumericQuestion("c", "Na<sup>+</sup> current I<sub>Na</sub> (outward positive)", i_na, "uA/cm^2", rel,
                        misconceptions=distinct_misconceptions(i_na, rel, wrong_ina), digits=2,
                        follow_on=FollowOn(("a",), lambda ans: ans["a"] * (v - e_na))),
        NumericQuestion("d", "K<sup>+</sup> current I<sub>K</sub> (outward positive)", i_k, "uA/cm^2", rel,
                        misconceptions=distinct_misconceptions(i_k, rel, wrong_ik), digits=2,
                        follow_on=FollowOn(("b",), lambda ans: ans["b"] * (v - e_k))),
        NumericQuestion("e", f"Steady-state value {gsub}<sub>&infin;</sub>", x_inf, None, rel,
                        misconceptions=distinct_misconceptions(x_inf, rel, wrong_inf), digits=4),
        NumericQuestion("f", f"Time constant &tau;<sub>{gsub}</sub> at {params['temperature_C']:.1f} &deg;C",
                        tau, "ms", rel, weight=2, misconceptions=distinct_misconceptions(tau, rel, wrong_tau), digits=4),
    ]


def figure(params: dict, solution: dict):
    """m_inf, h_inf and n_inf against V (no answer marked)."""
    import numpy as np
    from spikeset.render.chart import Chart, Line
    v = np.linspace(-100.0, 50.0, 301)
    return Chart(
        series=tuple(Line(v, hh.steady_state(gate, v), style, label=f"{gate}_{{∞}}")
                     for gate, style in (("m", "-"), ("h", "--"), ("n", ":"))),
        xlabel="V (mV)", ylabel="steady-state value", xlim=(-100, 50), ylim=(0, 1), grid=True,
        legend="center right", caption="Steady-state activation and inactivation of the HH gates.")


def figure_alt(params: dict, solution: dict) -> str:
    return ("Curves of m_inf and n_inf rising from 0 to 1 with depolarization (m_inf steeper and further "
            "right in its rise) and h_inf falling from 1 to 0, for V from -100 to 50 mV.")


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    problems = []
    if not all(math.isfinite(params.get(k, math.nan)) for k in ("v_mV", "m", "h", "n")):
        return ["no snapshot: the simulated membrane did not spike or never reached the level"]
    if abs(params["v_mV"] - params["e_na_mV"]) < 5 or abs(params["v_mV"] - params["e_k_mV"]) < 5:
        problems.append("driving force below 5 mV")
    x_inf = float(hh.steady_state(params["gate"], params["v_gate_mV"]))
    if not 0.02 < x_inf < 0.98:
        problems.append(f"x_inf = {x_inf:.4f} too close to 0 or 1")
    for q in questions:
        if isinstance(q, NumericQuestion) and (not math.isfinite(q.answer) or q.answer == 0):
            problems.append(f"{q.key}: reference {q.answer} degenerate")
    problems += misconception_overlaps(questions, minimum=1)
    return problems
