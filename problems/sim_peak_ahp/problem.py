"""Peak and undershoot (AHP) of a simulated action potential, compared with the reversal
potentials and the conductance-weighted (chord) average."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance
from spikeset.problems._simhh import pulse_simulator
from spikeset.problems._simhh import (batch, cli_params, distinct_misconceptions, rest_rows, sample_hh, unstable_reason,
                                      volts_misconception)
from spikeset.sampling import Draw

ID = "sim-peak-ahp"
REVISION = 3  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Peak and undershoot of a simulated spike"
TOPIC = "simulation"
#: The page's HH simulator starts with the printed pulse or step.
simulator = pulse_simulator

START_MS = 2.0
AFTER_MS = 40.0           # simulated time after the pulse onset
ROBUST_REL = 0.01
RECORD_DT_MS = 0.02
#: (c) changes one conductance at the peak, (d) one at the undershoot minimum, by one of these
#: factors; the reversal potential of each lies on a known side of V there (E_Na above the peak,
#: E_K and E_L below it; E_K below the minimum, E_L above it), so the direction is the physics'.
PEAK_PROBES = ("g_Na", "g_K", "g_L")
AHP_PROBES = ("g_K", "g_L")
PROBE_FACTORS = (0.5, 2.0)
PROBE_NAMES = {"g_Na": "g<sub>Na</sub>", "g_K": "g<sub>K</sub>", "g_L": "g<sub>L</sub>"}


def sample(draw: Draw) -> dict:
    """HH parameters (with E_Na, E_K and g_L varied too, so that peak and undershoot differ from
    student to student) and a brief strong pulse (duration [ms], amplitude [uA/cm^2])."""
    p = sample_hh(draw)
    p["E_Na"] = draw.uniform("E_Na", 40.0, 65.0, digits=1)
    p["E_K"] = draw.uniform("E_K", -96.0, -70.0, digits=1)
    p["E_K_fixed"] = "E_K" in draw.overrides
    p["g_L"] = draw.uniform("g_L", 0.2, 0.5, digits=2)
    p["duration_ms"] = draw.uniform("duration_ms", 0.2, 0.4, digits=1)
    # 12-20 nC/cm^2: 1.5-3x the threshold charge of a brief pulse; the spike peaks after the pulse
    charge = draw.uniform("charge", 12.0, 20.0, digits=1)
    amplitude = draw.fixed_number("amplitude")   # an assignment may fix the amplitude itself
    p["amplitude"] = amplitude if amplitude is not None else float(round(charge / p["duration_ms"]))
    p["start_ms"] = START_MS
    p["t_end_ms"] = START_MS + AFTER_MS
    # (c), (d): which conductance is changed at each extreme, and whether it is halved or doubled
    p["peak_probe"] = draw.choice("peak_probe", PEAK_PROBES)
    p["peak_probe_factor"] = draw.choice("peak_probe_factor", PROBE_FACTORS)
    p["ahp_probe"] = draw.choice("ahp_probe", AHP_PROBES)
    p["ahp_probe_factor"] = draw.choice("ahp_probe_factor", PROBE_FACTORS)
    p["cli"] = cli_params(p)
    return p


def probe_chord(p: dict, g_na: float, g_k: float, g_l: float, probe: str, factor: float) -> float:
    """The chord (balance) potential [mV] with the conductances g_na, g_k, g_l [mS/cm^2] of one
    instant, the one named by ``probe`` ("g_Na", "g_K" or "g_L") multiplied by ``factor``."""
    g = {"g_Na": g_na, "g_K": g_k, "g_L": g_l}
    g[probe] *= factor
    return (g["g_Na"] * p["E_Na"] + g["g_K"] * p["E_K"] + g["g_L"] * p["E_L"]) / sum(g.values())


def _chord(p: dict, m: float, h: float, n: float) -> tuple[float, float, float, float]:
    g_na = p["g_Na"] * m**3 * h
    g_k = p["g_K"] * n**4
    g_l = p["g_L"]
    return g_na, g_k, g_l, (g_na * p["E_Na"] + g_k * p["E_K"] + g_l * p["E_L"]) / (g_na + g_k + g_l)


#: A drawn E_K that gives no clean single spike with a clear undershoot (a depolarized E_K can make
#: the rest oscillate; with little leak the undershoot hugs E_K) is lowered by this much (mV),
#: at most MAX_E_K_MOVES times (printed values, deterministic).
E_K_MOVE_MV = 3.0
MAX_E_K_MOVES = 3


def solve_batch(params_list: list[dict]) -> list[dict]:
    params_list = [dict(p) for p in params_list]
    out = _solve(params_list)
    for _ in range(MAX_E_K_MOVES):
        bad = [i for i, (p, sol) in enumerate(zip(params_list, out)) if not p.get("E_K_fixed") and plausible(p, sol, [])]
        if not bad:
            break
        for i in bad:
            params_list[i]["E_K"] = round(params_list[i]["E_K"] - E_K_MOVE_MV, 1)
        for i, sol in zip(bad, _solve([params_list[i] for i in bad])):
            sol["adjusted_params"].update(E_K=params_list[i]["E_K"], cli=cli_params(params_list[i]))
            out[i] = sol
    return out


def _solve(params_list: list[dict]) -> list[dict]:
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.hh_stimulus import Stimulus
    n = len(params_list)
    amps = np.array([p["amplitude"] for p in params_list])
    dur = np.array([p["duration_ms"] for p in params_list])
    t_end = START_MS + AFTER_MS
    # Robustness (+-1 % amplitude: still exactly one spike), one call for 2N variants.
    hh2 = batch(params_list + params_list)
    rob = simulate(hh2, Stimulus.pulse(np.concatenate([amps * 0.99, amps * 1.01]), START_MS,
                                       np.concatenate([dur, dur])), t_end)
    # The reference, with a recorded trace for the gates at the peak and at the minimum.
    res = simulate(batch(params_list), Stimulus.pulse(amps, START_MS, dur), t_end,
                   record=True, record_dt_ms=RECORD_DT_MS)
    tr = res.trace
    growth, rests = rest_rows("all simulations", batch(params_list))
    out = []
    for i, p in enumerate(params_list):
        c = int(res.spike_count[i])
        peak = float(res.spike_peaks_mV[i, 0]) if c else math.nan
        t_peak = float(res.spike_times_ms[i, 0]) if c else math.nan
        ahp, t_ahp = float(res.ahp_min_mV[i]), float(res.ahp_time_ms[i])
        sol = {"count": c, "peak_mV": peak, "peak_ms": t_peak, "ahp_mV": ahp, "ahp_ms": t_ahp,
               "rest_mV": float(res.rest_mV[i]),
               "robust": bool(rob.spike_count[i] == c and rob.spike_count[n + i] == c),
               "growth": float(growth[i]), "adjusted_params": {"rests": rests[i]}}
        for name, t in (("peak", t_peak), ("ahp", t_ahp)):
            if math.isfinite(t):
                gates = [float(np.interp(t, tr.t_ms, getattr(tr, g)[i])) for g in ("m", "h", "n")]
                g_na, g_k, g_l, v_chord = _chord(p, *gates)
            else:
                gates, g_na, g_k, g_l, v_chord = [math.nan] * 3, math.nan, math.nan, math.nan, math.nan
            sol.update({f"{name}_m": gates[0], f"{name}_h": gates[1], f"{name}_n": gates[2],
                        f"{name}_gNa": g_na, f"{name}_gK": g_k, f"{name}_gL": g_l, f"{name}_chord": v_chord})
        sol["all_open_chord"] = _chord(p, 1.0, 1.0, 1.0)[3]
        for name in ("peak", "ahp"):
            sol[f"{name}_probe_chord"] = probe_chord(p, sol[f"{name}_gNa"], sol[f"{name}_gK"], sol[f"{name}_gL"],
                                                     p[f"{name}_probe"], p[f"{name}_probe_factor"])
        out.append(sol)
    return out


def questions(params: dict, solution: dict) -> list:
    peak, ahp = solution["peak_mV"], solution["ahp_mV"]
    e_na, e_k = params["E_Na"], params["E_K"]
    return distinct_misconceptions([
        NumericQuestion(
            "a", "Peak membrane potential of the spike", peak, "mV", Tolerance("abs", 0.5),
            weight=2,
            misconceptions=(
                Misconception("peak-equals-ENa", "The peak does not reach E_Na: K+ and leak conductances are "
                              "open at the peak and Na+ channels are inactivating.", e_na),
                Misconception("chord-with-maximal-conductances", "With every channel fully open (m = h = n = 1) "
                              "the weighted average uses the maximal conductances; at the peak the gates are far "
                              "from that.", solution["all_open_chord"]),
                volts_misconception(peak),
            ),
            digits=1),   # no trace_feature: SpikeFeatures has no scalar first-peak field
        NumericQuestion(
            "b", "Minimum of the undershoot after the spike", ahp, "mV",
            Tolerance("abs", 0.5), weight=2,
            misconceptions=(
                Misconception("ahp-equals-EK", "The undershoot does not reach E_K: the leak (and a little Na+) "
                              "conductance still pulls V towards E_L and E_Na.", e_k),
                Misconception("ahp-equals-rest", "After the spike V undershoots the resting potential before "
                              "recovering: the K+ conductance is still raised.", solution["rest_mV"]),
                volts_misconception(ahp),
            ),
            trace_feature="ahp_min_mV", digits=1),
        _peak_question(params, solution),
        _ahp_question(params, solution),
    ])


def _change(params: dict, at: str) -> str:
    """The printed counterfactual of (c) or (d): "g<sub>K</sub> were doubled"."""
    verb = "halved" if params[f"{at}_probe_factor"] < 1 else "doubled"
    return f"{PROBE_NAMES[params[f'{at}_probe']]} were {verb}"


def _peak_question(params: dict, solution: dict) -> ChoiceQuestion:
    """(c): the balance point at the peak after a drawn change of one conductance; keyed by the
    chord average of the simulated conductances at the peak."""
    higher = solution["peak_probe_chord"] > solution["peak_chord"]
    if params["peak_probe"] == "g_Na":
        wrong = Misconception("na-weight-direction", "E_Na lies above the peak: more g_Na gives it more weight in "
                              "the conductance-weighted average and raises the balance point; less lowers it.")
    else:
        wrong = Misconception("outward-weight-direction", "E_K and E_L lie below the peak: more g_K or g_L pulls the "
                              "balance point down, less lets it rise towards E_Na.")
    return ChoiceQuestion(
        "c", "At the peak dV/dt = 0: the inward and outward ionic currents cancel. Suppose that at that instant "
             f"{_change(params, 'peak')}, every gate staying as it is at the peak. The potential at which the "
             "currents cancel would be&hellip;",
        (Option("higher", "higher, closer to E<sub>Na</sub>: V is the conductance-weighted average of "
                "E<sub>Na</sub>, E<sub>K</sub> and E<sub>L</sub>, and the change gives E<sub>Na</sub> more weight",
                correct=higher, misconception=None if higher else wrong),
         Option("lower", "lower, further below E<sub>Na</sub>: V is the conductance-weighted average, and the "
                "change gives E<sub>K</sub> and E<sub>L</sub> more weight",
                correct=not higher, misconception=None if not higher else wrong),
         Option("unchanged", "unchanged: the peak is set by E<sub>Na</sub> and by how long the Na<sup>+</sup> "
                "channels stay open, not by the balance of conductances",
                misconception=Misconception("peak-set-by-ENa-alone", "The peak is where the currents cancel: "
                                            "V there is the conductance-weighted average of all reversal "
                                            "potentials, so every conductance moves it."))))


def _ahp_question(params: dict, solution: dict) -> ChoiceQuestion:
    """(d): the balance point at the undershoot minimum after a drawn change of g_K or g_L; keyed
    by the chord average of the simulated conductances at the minimum."""
    lower = solution["ahp_probe_chord"] < solution["ahp_chord"]
    if params["ahp_probe"] == "g_K":
        wrong = Misconception("k-weight-direction", "E_K lies below the undershoot: more g_K pulls the balance "
                              "point down towards E_K, less lets it rise.")
    else:
        wrong = Misconception("leak-weight-direction", "E_L lies above the undershoot: more leak pulls the balance "
                              "point up, away from E_K; less lets it fall towards E_K.")
    return ChoiceQuestion(
        "d", "At the undershoot minimum dV/dt = 0 as well. Suppose that at that instant "
             f"{_change(params, 'ahp')}, every gate staying as it is at the minimum. The potential at which the "
             "currents cancel would be&hellip;",
        (Option("lower", "lower, closer to E<sub>K</sub>: the change gives E<sub>K</sub> more weight in the "
                "conductance-weighted average", correct=lower, misconception=None if lower else wrong),
         Option("higher", "higher, further above E<sub>K</sub>: the change gives E<sub>L</sub> (and "
                "E<sub>Na</sub>) more weight in the conductance-weighted average",
                correct=not lower, misconception=None if not lower else wrong),
         Option("unchanged", "unchanged: the undershoot is set by the K<sup>+</sup> channels alone and tracks "
                "E<sub>K</sub>, whatever the leak",
                misconception=Misconception("ahp-set-by-EK-alone", "The undershoot stays above E_K because g_L "
                                            "(and a little g_Na) still pull towards E_L and E_Na: V there is the "
                                            "conductance-weighted average, so g_K and g_L both move it."))))


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    out = []
    if solution["count"] != 1:
        out.append(f"the pulse makes {solution['count']} spikes, not 1")
    if not solution["robust"]:
        out.append("the spike count changes with a 1 % change of the amplitude")
    if math.isfinite(solution["peak_ms"]) and solution["peak_ms"] < params["start_ms"] + params["duration_ms"] + 0.1:
        out.append("the peak comes during the pulse")
    if not (params["E_K"] + 0.6 < solution["ahp_mV"] < solution["rest_mV"] - 1.0):
        out.append("no clear undershoot between E_K and rest")
    if not solution["peak_mV"] < params["E_Na"] - 2.0:
        out.append("peak too close to E_Na")
    for at in ("peak", "ahp"):
        if not abs(solution[f"{at}_probe_chord"] - solution[f"{at}_chord"]) > 0.05:
            out.append(f"the change asked about at the {at} moves the balance point by less than 0.05 mV")
    out += unstable_reason(solution.get("growth", 0.0))
    return out
