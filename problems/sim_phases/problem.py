"""Phases of a simulated action potential: labelled points on V(t), and where the net ionic
current, h, g_K and the balance of conductances take their extremes (from the simulation)."""
from __future__ import annotations

import functools
import itertools

import numpy as np

from spikeset.model import ChoiceQuestion, Misconception, Option
from spikeset.problems._simhh import pulse_simulator
from spikeset.problems._simhh import batch, cli_params, rest_rows, sample_hh, unstable_reason
from spikeset.sampling import Draw

ID = "sim-phases"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Phases of a simulated action potential"
TOPIC = "simulation"
#: The page's HH simulator starts with the printed pulse or step.
simulator = pulse_simulator

START_MS = 2.0
RECORD_DT_MS = 0.02
PHASES = ("rising", "peak", "falling", "undershoot", "recovery")
PHASE_TEXT = {"rising": "rising phase (fastest upstroke)", "peak": "peak",
              "falling": "falling phase (fastest downstroke)", "undershoot": "undershoot minimum",
              "recovery": "recovery towards rest"}
LETTERS = "ABCDE"
PERMUTATIONS = ["".join(p) for p in itertools.permutations(LETTERS)]
MARGIN = 0.15             # the winner must beat the runner-up by 15 % (relative): robust to 1 % changes


def sample(draw: Draw) -> dict:
    """HH parameters, a brief suprathreshold pulse, and the letters of the five phases."""
    p = sample_hh(draw)
    p["duration_ms"] = draw.uniform("duration_ms", 0.2, 0.4, digits=1)
    charge = draw.uniform("charge", 12.0, 20.0, digits=1)
    amplitude = draw.fixed_number("amplitude")
    p["amplitude"] = amplitude if amplitude is not None else float(round(charge / p["duration_ms"]))
    p["labels"] = draw.choice("labels", PERMUTATIONS)   # letter of rising, peak, falling, undershoot, recovery
    p["start_ms"] = START_MS
    phi = 3.0 ** ((p["temperature"] - 6.3) / 10.0)
    p["t_end_ms"] = float(round(START_MS + 4.0 + 26.0 / phi ** 0.8))
    p["points"] = {}          # letter -> time (ms), set by solve_batch
    p["cli"] = cli_params(p)
    return p


def _label_of(params: dict) -> dict:
    return dict(zip(PHASES, params["labels"]))


def solve_batch(params_list: list[dict]) -> list[dict]:
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.hh_stimulus import Stimulus
    amps = np.array([p["amplitude"] for p in params_list])
    dur = np.array([p["duration_ms"] for p in params_list])
    t_end = max(p["t_end_ms"] for p in params_list)
    res = simulate(batch(params_list), Stimulus.pulse(amps, START_MS, dur), t_end,
                   record=True, record_dt_ms=RECORD_DT_MS)
    tr = res.trace
    t = tr.t_ms
    growth, rests = rest_rows("all simulations", batch(params_list))
    out = []
    for i, p in enumerate(params_list):
        V, m, h, n = tr.V_mV[i], tr.m[i], tr.h[i], tr.n[i]
        g_na = p["g_Na"] * m**3 * h
        g_k = p["g_K"] * n**4
        i_ion = g_na * (V - p["E_Na"]) + g_k * (V - p["E_K"]) + p["g_L"] * (V - p["E_L"])
        dvdt = (tr.I_stim[i] - i_ion) / p["C_m"]
        sol = {"count": int(res.spike_count[i]), "ok": res.spike_count[i] == 1, "growth": float(growth[i])}
        if not sol["ok"]:
            sol["adjusted_params"] = {"points": {}, "rests": rests[i]}
            out.append(sol)
            continue
        after = t > START_MS + p["duration_ms"] + 0.05      # no stimulus at any labelled point
        t_peak, t_ahp = float(res.spike_times_ms[i, 0]), float(res.ahp_time_ms[i])
        k_peak = int(np.argmin(np.abs(t - t_peak)))
        k_ahp = int(np.argmin(np.abs(t - t_ahp)))
        rise = np.flatnonzero(after & (t < t_peak))
        fall = np.flatnonzero((t > t_peak) & (t < t_ahp))
        k_rise = int(rise[np.argmax(dvdt[rise])]) if rise.size else k_peak
        k_fall = int(fall[np.argmin(dvdt[fall])]) if fall.size else k_peak
        label = _label_of(p)
        rest_v = float(res.rest_mV[i])

        def value_at(k: int, at: float | None = None) -> dict:
            """The state at sample ``k``, or interpolated at time ``at`` (ms, no stimulus there)."""
            if at is None:
                return {"t": float(t[k]), "V": float(V[k]), "h": float(h[k]), "n": float(n[k]), "m": float(m[k]),
                        "I_ion": float(i_ion[k]), "dVdt": float(dvdt[k]), "g_Na": float(g_na[k]),
                        "g_K": float(g_k[k]), "dist_rest": abs(float(V[k]) - rest_v),
                        "dist_EK": abs(float(V[k]) - p["E_K"])}
            v_, m_, h_, n_ = (float(np.interp(at, t, x)) for x in (V, m, h, n))
            gna, gk = p["g_Na"] * m_**3 * h_, p["g_K"] * n_**4
            ion = gna * (v_ - p["E_Na"]) + gk * (v_ - p["E_K"]) + p["g_L"] * (v_ - p["E_L"])
            return {"t": at, "V": v_, "h": h_, "n": n_, "m": m_, "I_ion": ion, "dVdt": -ion / p["C_m"],
                    "g_Na": gna, "g_K": gk, "dist_rest": abs(v_ - rest_v), "dist_EK": abs(v_ - p["E_K"])}

        # The peak point is the simulated peak time as printed (0.01 ms), where dV/dt is ~0.
        t_peak_printed = round(t_peak, 2)
        # The falling and undershoot points may move along their phase until every question has
        # a clear winner; the first clear candidate (fastest downstroke, V minimum) is preferred.
        for k_fall_c, k_ahp_c in _candidates(dvdt, fall, k_fall, k_ahp, len(t)):
            k_rec = min(int(round(k_ahp_c + 2.0 * (k_ahp_c - k_peak))), len(t) - 1)
            ks = {"rising": k_rise, "peak": k_peak, "falling": k_fall_c, "undershoot": k_ahp_c, "recovery": k_rec}
            vals = {ph: value_at(k, t_peak_printed if ph == "peak" else None) for ph, k in ks.items()}
            # At the simulated maximum dV/dt = 0 and so I_ion = 0 (linear interpolation of the
            # 0.02 ms trace across the sharp peak would not reproduce that).
            vals["peak"].update(dVdt=0.0, I_ion=0.0)
            if _all_clear(vals):
                break
        pts = {label[ph]: round(vals[ph]["t"], 2) for ph in ks}
        sol["values"] = vals
        sol["ok"] = bool(after[k_rise] and k_rise < k_peak < ks["falling"] < ks["undershoot"] < k_rec)
        # the plotted trace (decimated), for the figure
        stop = min(len(t), k_rec + int(2.0 / RECORD_DT_MS))
        sol["plot_t"] = t[:stop:2].tolist()
        sol["plot_V"] = V[:stop:2].tolist()
        sol["adjusted_params"] = {"points": dict(sorted(pts.items())), "rests": rests[i]}
        out.append(sol)
    return out


def _candidates(dvdt: np.ndarray, fall: np.ndarray, k_fall: int, k_ahp: int, n: int):
    """(falling index, undershoot index) pairs to try, best first: the fastest downstroke and the
    V minimum, then points where the downstroke is 80 % or 60 % as fast (earlier or later), and
    undershoot points up to 1 ms (50 samples) after the minimum."""
    falls = [k_fall]
    if fall.size:
        for frac in (0.8, 0.6):
            slow = fall[dvdt[fall] <= frac * dvdt[k_fall]]
            falls += [int(slow[0]), int(slow[-1])]
    ahps = [k_ahp] + [min(k_ahp + d, n - 1) for d in (10, 25, 50)]
    for k_a in ahps:
        for k_f in falls:
            yield k_f, k_a


#: The phase each question keys when the points sit where their names say: five questions, five
#: different points, so no answer gives another away (the letters are permuted per student).
NATURAL_WINNERS = {"a": "falling", "b": "rising", "c": "recovery", "d": "undershoot", "e": "peak"}


def _all_clear(values: dict) -> bool:
    """Every question has a clear winner (margin) and it is the point of its natural phase."""
    analysis = _analysis({}, {"values": values})
    return all(analysis[key][0] == phase and analysis[key][1] >= MARGIN for key, phase in NATURAL_WINNERS.items())


def _winner(values: dict, key, sign: float):
    """(phase with the largest sign*key, relative gap to the runner-up: (s1 - s2) / max(|s1|, |s2|))."""
    scores = {ph: sign * key(v) for ph, v in values.items()}
    order = sorted(scores, key=scores.get, reverse=True)
    s1, s2 = scores[order[0]], scores[order[1]]
    scale = max(abs(s1), abs(s2))
    return order[0], ((s1 - s2) / scale if scale > 0 else 0.0)


# question key -> (prompt, value function, sign, feedback for a wrong phase)
CRITERIA = {
    "a": ("At which labelled point is the net ionic current most <em>outward</em>?",
          lambda v: v["I_ion"], 1.0,
          {"rising": "During the upstroke the net ionic current is inward (V rises): I_ion = -C dV/dt.",
           "peak": "At the peak dV/dt = 0, so the net ionic current is zero there.",
           "falling": "During the fastest downstroke the net current is most outward.",
           "undershoot": "At the undershoot minimum dV/dt = 0: the net ionic current is zero although g_K is high.",
           "recovery": "During the recovery the currents are small: V changes slowly."}),
    "b": ("At which labelled point is the net ionic current most <em>inward</em>?",
          lambda v: v["I_ion"], -1.0,
          {"peak": "At the peak the Na+ current is balanced by outward currents: the net current is zero.",
           "falling": "During repolarization the net current is outward (V falls).",
           "undershoot": "At the undershoot minimum the net ionic current is zero (dV/dt = 0).",
           "recovery": "During the recovery V creeps back slowly: the net current is small.",
           "rising": ""}),
    "c": ("At which labelled point is V closest to the resting potential (the table above)?",
          lambda v: v["dist_rest"], -1.0,
          {"rising": "During the upstroke V is tens of mV above rest: the Na+ current is taking over.",
           "peak": "At the peak V is near E_Na's side, far from rest.",
           "falling": "During the fastest downstroke V is still far above rest.",
           "undershoot": "At the undershoot V overshoots rest towards E_K: g_K is still raised.",
           "recovery": ""}),
    "d": ("At which labelled point is V closest to E<sub>K</sub>?",
          lambda v: v["dist_EK"], -1.0,
          {"rising": "During the upstroke V moves towards E_Na, away from E_K.",
           "peak": "At the peak V is closest to E_Na, not E_K.",
           "falling": "During the fastest downstroke V is still far above E_K.",
           "recovery": "During the recovery V has moved back from the undershoot towards rest, away from E_K.",
           "undershoot": ""}),
}


def _phase_conditions(values: dict):
    """Phase where dV/dt = 0 (within 5 % of the largest |dV/dt|) AND g_Na > g_K; None unless unique."""
    big = max(abs(v["dVdt"]) for v in values.values())
    hits = [ph for ph, v in values.items() if abs(v["dVdt"]) < 0.05 * big and v["g_Na"] > v["g_K"]]
    return hits[0] if len(hits) == 1 else None


def _analysis(params: dict, solution: dict) -> dict:
    values = solution.get("values")
    if not values:
        return {}
    result = {}
    for key, (_, fn, sign, _) in CRITERIA.items():
        result[key] = _winner(values, fn, sign)
    result["e"] = (_phase_conditions(values), 1.0)
    return result


#: Question e, and the feedback for each wrong point.
E_PROMPT = ("At which labelled point is dV/dt = 0 while the Na<sup>+</sup> conductance exceeds the K<sup>+</sup> "
            "conductance?")
E_FEEDBACK = {"rising": "During the upstroke dV/dt is at its largest, not zero.",
              "falling": "During the downstroke dV/dt is strongly negative.",
              "undershoot": "At the undershoot minimum dV/dt = 0, but g_K is far larger than g_Na there.",
              "recovery": "During the recovery both conductances are small and g_K exceeds g_Na.",
              "peak": "At the peak dV/dt = 0 and g_Na exceeds g_K."}


def questions(params: dict, solution: dict) -> list:
    """Always the same five questions (a-e); ``plausible`` flags a variant whose winner is not clear."""
    labels = params["labels"]
    analysis = _analysis(params, solution) or {key: (None, 0.0) for key in (*CRITERIA, "e")}
    first = PHASES[labels.index(min(labels))]          # the phase at point A
    qs = [_phase_question(key, labels, analysis[key][0] or first) for key in CRITERIA]
    qs.append(_phase_question("e", labels, analysis["e"][0] or "peak"))
    return qs


@functools.cache
def _phase_question(key: str, labels: str, winner: str) -> ChoiceQuestion:
    """Question ``key`` with the points lettered ``labels`` (the letters of PHASES, in order) and
    ``winner``'s point correct.  It depends on nothing else, so each of the few combinations is
    built once and shared between students (questions are immutable)."""
    label = dict(zip(PHASES, labels))
    prompt, feedback = (E_PROMPT, E_FEEDBACK) if key == "e" else (CRITERIA[key][0], CRITERIA[key][3])
    ordered = sorted(PHASES, key=lambda ph: label[ph])
    return ChoiceQuestion(key, prompt, tuple(
        Option(label[ph], f"point {label[ph]}", correct=(ph == winner),
               misconception=None if ph == winner else Misconception(
                   f"{key}-{ph}", feedback[ph] or "Check the sign of dV/dt at that point."))
        for ph in ordered), shuffle=False)


def figure(params: dict, solution: dict):
    """The simulated V(t) with the lettered points of the table (which phase a letter is, is the question)."""
    from spikeset.render.chart import Chart, Label, Line
    t, V = np.array(solution.get("plot_t", [])), np.array(solution.get("plot_V", []))
    phase_of = {letter: ph for ph, letter in _label_of(params).items()}
    # label offsets [pt] (right, up) from the point, away from the curve in each phase
    offsets = {"rising": (-12, -2), "peak": (0, 6), "falling": (7, 0), "undershoot": (0, -15), "recovery": (0, 9)}
    points = [(tp, float(np.interp(tp, t, V)) if t.size else 0.0) for _, tp in sorted(params["points"].items())]
    labels = tuple(Label(tp, vp, letter, *offsets[phase_of[letter]], color="tab:red", size_pt=11, bold=True)
                   for letter, (tp, vp) in zip(sorted(params["points"]), points))
    return Chart(
        series=(Line(t, V, width_pt=1.2),
                Line([p[0] for p in points], [p[1] for p in points], style="", color="tab:red", marker="o",
                     marker_size_pt=4)),
        labels=labels, xlabel="t (ms)", ylabel="V (mV)",
        xlim=(max(0.0, START_MS - 1.0), float(t[-1]) if t.size else 1.0),
        ylim=(min(float(V.min()) if V.size else -80.0, -80.0) - 20, 55),  # room for the undershoot's letter
        caption="Simulated membrane potential after the pulse; the labelled points are at the times given in "
                "the table.")


def figure_alt(params: dict, solution: dict) -> str:
    pts = ", ".join(f"{k} at {v:g} ms" for k, v in sorted(params["points"].items()))
    return f"Simulated action potential V(t) with labelled points {pts}."


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    out = unstable_reason(solution.get("growth", 0.0))
    if not solution.get("ok"):
        out.append(f"the pulse does not make one clean spike (count {solution.get('count')})")
        return out
    analysis = _analysis(params, solution)
    for key, (win, margin) in analysis.items():
        if win is None or margin < MARGIN:
            out.append(f"question {key}: no clear winner among the labelled points")
        elif win != NATURAL_WINNERS[key]:
            out.append(f"question {key}: keys the {win} point, not the {NATURAL_WINNERS[key]} one (keys not independent)")
    return out
