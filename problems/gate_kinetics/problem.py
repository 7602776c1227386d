"""HH gate kinetics after a voltage step: the starting value, tau_x at the new voltage, x(t), and recovery from inactivation."""
from __future__ import annotations

import math

from spikeset.model import FollowOn, Misconception, NumericQuestion, Tolerance, distinct_misconceptions, misconception_overlaps
from spikeset.sampling import Draw
from spikeset.solutions import hh_model as hh
from spikeset.solutions.gate_kinetics import relaxed_gate, time_to_reach

ID = "gate-kinetics"
REVISION = 1  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Gate kinetics after a voltage step; recovery from inactivation"
TOPIC = "channel gating"

GATE_NAME = {"m": "Na<sup>+</sup> activation m", "h": "Na<sup>+</sup> inactivation h",
             "n": "K<sup>+</sup> activation n"}
#: Recovery targets for (d): fractions of h_inf at the recovery potential.
RECOVERY_FRACTIONS = (0.5, 0.75, 0.8, 0.9)


def sample(draw: Draw) -> dict:
    """Temperature [degC]; the stepped gate, holding and step potentials [mV] and a time [ms];
    the inactivating prepulse, recovery potential [mV] and recovery fraction."""
    temperature = draw.uniform("temperature_C", 6.3, 20.0, digits=1)
    gate = draw.choice("gate", ["m", "h", "n"])
    v_hold = draw.uniform("v_hold_mV", -90.0, -65.0, digits=0)
    v_step = draw.uniform("v_step_mV", -40.0, 30.0, digits=0)
    tau = float(hh.time_constant(gate, v_step, temperature))
    # t between 0.3 and 2 time constants, printed to 2 significant figures
    t_raw = tau * (0.3 + 1.7 * float(draw.rng.random()))
    digits = max(0, 1 - math.floor(math.log10(t_raw)))
    t = draw.uniform("t_ms", t_raw, t_raw, digits=digits)
    v_pre = draw.uniform("v_pre_mV", -10.0, 20.0, digits=0)
    v_rec = draw.uniform("v_rec_mV", -100.0, -70.0, digits=0)
    fraction = draw.choice("fraction", list(RECOVERY_FRACTIONS))
    return {"temperature_C": temperature, "gate": gate, "gate_name": GATE_NAME[gate], "v_hold_mV": v_hold,
            "v_step_mV": v_step, "t_ms": t, "t_digits": digits, "v_pre_mV": v_pre, "v_rec_mV": v_rec,
            "fraction": fraction}


def kinetics(params: dict) -> dict:
    """Everything the answers need, from the printed values: rates [1/ms] at 6.3 degC, phi,
    x0, x_inf, tau [ms] of the stepped gate, and h0, h_inf, tau_h [ms] of the recovery."""
    gate, t = params["gate"], params["temperature_C"]
    a_fn, b_fn = {"m": (hh.alpha_m, hh.beta_m), "h": (hh.alpha_h, hh.beta_h), "n": (hh.alpha_n, hh.beta_n)}[gate]
    v1, v_rec = params["v_step_mV"], params["v_rec_mV"]
    return {
        "phi": float(hh.temperature_factor(t)),
        "alpha0": float(a_fn(v1)), "beta0": float(b_fn(v1)),
        "x0": float(hh.steady_state(gate, params["v_hold_mV"])),
        "x_inf": float(hh.steady_state(gate, v1)),
        "tau": float(hh.time_constant(gate, v1, t)),
        "tau_hold": float(hh.time_constant(gate, params["v_hold_mV"], t)),
        "h0": float(hh.steady_state("h", params["v_pre_mV"])),
        "h_inf": float(hh.steady_state("h", v_rec)),
        "tau_h": float(hh.time_constant("h", v_rec, t)),
        "tau_h_pre": float(hh.time_constant("h", params["v_pre_mV"], t)),
        "alpha_h_rec": float(hh.alpha_h(v_rec, t)),
    }


def solve_batch(params_list: list[dict]) -> list[dict]:
    """The kinetics of each variant (printed in the worked solution); cheap, no simulation."""
    return [kinetics(p) for p in params_list]


def questions(params: dict, solution: dict) -> list:
    k = kinetics(params)
    gate, t = params["gate"], params["t_ms"]
    a0, b0, phi = k["alpha0"], k["beta0"], k["phi"]
    x0, x_inf, tau = k["x0"], k["x_inf"], k["tau"]
    x_t = relaxed_gate(x0, x_inf, tau, t)
    h0, h_inf, tau_h = k["h0"], k["h_inf"], k["tau_h"]
    f = params["fraction"]
    t_rec = time_to_reach(h0, h_inf, tau_h, f * h_inf)
    rel = Tolerance("rel", 0.01)
    a_hold = float({"m": hh.alpha_m, "h": hh.alpha_h, "n": hh.alpha_n}[gate](params["v_hold_mV"]))
    b_hold = float({"m": hh.beta_m, "h": hh.beta_h, "n": hh.beta_n}[gate](params["v_hold_mV"]))
    wrong_x0 = [
        Misconception("alpha-over-beta", "x_inf = alpha/(alpha + beta), not alpha/beta.", a_hold / b_hold),
        Misconception("beta-over-sum", "alpha is the opening rate: x_inf = alpha/(alpha + beta); "
                      "beta/(alpha + beta) is the closed fraction 1 - x_inf.", b_hold / (a_hold + b_hold)),
        Misconception("beta-over-alpha", "x_inf = alpha/(alpha + beta): the opening rate alpha is on top.",
                      b_hold / a_hold),
        Misconception("steady-state-at-step", "Before the step the gate sits at its steady state at the "
                      "holding potential, not at the step potential.", x_inf),
    ]
    wrong_tau = [
        Misconception("phi-forgotten", "The rates hold at 6.3 degC; multiply each by phi = 3^((T - 6.3)/10).",
                      1.0 / (a0 + b0)),
        Misconception("phi-inverted", "A higher temperature speeds the gates: the rates are multiplied by phi, "
                      "so tau is divided by phi.", phi / (a0 + b0)),
        Misconception("tau-one-over-alpha", "tau = 1/(alpha + beta): opening and closing both relax x.",
                      1.0 / (a0 * phi)),
        Misconception("tau-one-over-beta", "tau = 1/(alpha + beta), not 1/beta.", 1.0 / (b0 * phi)),
        Misconception("tau-at-holding-potential", "After the step the rates are those at the new voltage.",
                      k["tau_hold"]),
    ]
    wrong_xt = [
        Misconception("steady-state-reached", "The gate relaxes with time constant tau: at time t it has "
                      "covered only 1 - exp(-t/tau) of the way to x_inf.", x_inf),
        Misconception("starts-from-zero", "The gate starts from its value at the holding potential, not from 0.",
                      x_inf * (1 - math.exp(-t / tau))),
        Misconception("decays-to-zero", "x relaxes towards x_inf at the new voltage, not towards 0.",
                      x0 * math.exp(-t / tau)),
        Misconception("phi-forgotten", "The rates hold at 6.3 degC; at the given temperature they are "
                      "phi times faster.", relaxed_gate(x0, x_inf, 1.0 / (a0 + b0), t)),
        Misconception("tau-at-holding-potential", "After the step the rates are those at the new voltage.",
                      relaxed_gate(x0, x_inf, k["tau_hold"], t)),
    ]
    ln_ratio = math.log((h_inf - h0) / (h_inf - f * h_inf))
    wrong_rec = [
        Misconception("tau-at-prepulse-potential", "Recovery runs at the recovery potential: use tau_h there.",
                      k["tau_h_pre"] * ln_ratio),
        Misconception("phi-forgotten", "The rates hold at 6.3 degC; multiply each by phi = 3^((T - 6.3)/10).",
                      tau_h * phi * ln_ratio),
        Misconception("tau-one-over-alpha", "tau_h = 1/(alpha_h + beta_h), not 1/alpha_h.",
                      ln_ratio / k["alpha_h_rec"]),
        Misconception("fraction-times-tau", "Recovery is exponential, not linear in time.", f * tau_h),
    ]
    return [
        NumericQuestion("a", f"Value of {gate} just before the step", x0, None, rel,
                        misconceptions=distinct_misconceptions(x0, rel, wrong_x0), digits=4),
        NumericQuestion("b", f"Time constant &tau;<sub>{gate}</sub> after the step", tau, "ms", rel,
                        misconceptions=distinct_misconceptions(tau, rel, wrong_tau), digits=4),
        NumericQuestion("c", f"Value of {gate} {t:.{params['t_digits']}f} ms after the step", x_t, None, rel,
                        weight=2, misconceptions=distinct_misconceptions(x_t, rel, wrong_xt), digits=4,
                        follow_on=FollowOn(("a", "b"), lambda ans: relaxed_gate(ans["a"], x_inf, ans["b"], t)
                                           if ans["b"] > 0 else math.nan)),
        NumericQuestion("d", f"Time after repolarization for h to reach {f * 100:g} % of h<sub>&infin;</sub>",
                        t_rec, "ms", rel, weight=2, misconceptions=distinct_misconceptions(t_rec, rel, wrong_rec),
                        digits=3),
    ]


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    """Degenerate variants: a step that barely moves the gate, a time at which the relaxation is
    barely started or finished, a prepulse that leaves h near its recovered value."""
    problems = []
    k = kinetics(params)
    if abs(k["x_inf"] - k["x0"]) < 0.1:
        problems.append(f"the step moves {params['gate']}_inf by only {abs(k['x_inf'] - k['x0']):.3f}")
    if not 0.25 <= params["t_ms"] / k["tau"] <= 2.1:
        problems.append(f"t/tau = {params['t_ms'] / k['tau']:.2f}")
    if not k["h0"] < 0.5 * params["fraction"] * k["h_inf"]:
        problems.append("the prepulse leaves too much h available")
    return problems + misconception_overlaps(questions, minimum=2)
