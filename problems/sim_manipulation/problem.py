"""Manipulating the simulated HH patch: TTX-like partial Na+ block, raised extracellular K+
(E_K by Nernst, resting potential, excitability) and temperature (spike width, firing rate)."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import ChoiceQuestion, FollowOn, Misconception, NumericQuestion, Option, Tolerance
from spikeset.problems._simhh import pulse_simulator
from spikeset.problems._simhh import (LONG_WINDOW_MS, SEARCH_ATOL, SEARCH_RTOL, batch, cli_params, concat,
                                      distinct_misconceptions, growth_rates, printed_rests, quiet_below, rel_gap,
                                      rest_states, sample_hh, stable, unstable_reason, volts_misconception)
from spikeset.sampling import Draw
from spikeset.solutions.constants import thermal_voltage_mV
from spikeset.solutions.electrochemistry import nernst_potential

ID = "sim-manipulation"
REVISION = 3  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Manipulating a simulated neuron: TTX, raised K+, temperature"
TOPIC = "simulation"
#: The page's HH simulator starts with the printed pulse or step.
simulator = pulse_simulator

START_MS = 2.0
WINDOW_MS = 25.0
THR_REL_TOL = 2.8e-3      # final bracket 0.28 %: midpoint within 0.14 %, 1/14 of the 2 % tolerance
MIN_GAP = 0.04            # raised-K+ threshold vs control: > 4 % apart (direction choice robust)
MIN_K_RATIO = 0.15        # raised-K+ threshold below 0.15 x control or 0.5 uA/cm^2: the patch is near
MIN_K_THRESHOLD = 0.5     # spontaneous firing and the threshold is ill-conditioned (degenerate)
STEP_START_MS = 5.0
STEP_MS = 100.0
COOLEST_C = 2.0           # a cooled patch stays above this temperature [degC]
STEP_RTOL = 1e-5          # half-widths and rates within ~1e-5 relative of 1e-7 runs (tolerances 3 %)


def sample(draw: Draw) -> dict:
    """HH parameters at T1 with E_K from [K]o/[K]i, a TTX fraction, a raised [K]o, a second temperature
    (warmer or cooler, drawn) and which manipulation (e) asks about."""
    # g_Na / g_K kept away from the ratio where a slightly depolarized patch fires by itself
    p = sample_hh(draw, temperature=(6.3, 14.0), g_na=(110.0, 130.0), g_k=(33.0, 39.0))
    p["E_L"] = draw.uniform("E_L", -60.0, -50.0, digits=1)
    p["K_in_mM"] = draw.uniform("K_in_mM", 360.0, 440.0, digits=0)
    p["K_out_mM"] = draw.uniform("K_out_mM", 7.0, 20.0, digits=1)
    p["K_out_raised_mM"] = round(p["K_out_mM"] * draw.uniform("K_raise_factor", 1.3, 1.8, digits=2), 1)
    p["E_K"] = nernst_potential(p["K_out_mM"], p["K_in_mM"], 1, p["temperature"])
    p["ttx_fraction"] = draw.uniform("ttx_fraction", 0.2, 0.5, digits=2)
    p["duration_ms"] = draw.uniform("duration_ms", 0.5, 2.0, digits=1)
    change = draw.uniform("warming", 4.0, 8.0, digits=1)
    p["step_amplitude"] = draw.uniform("step_amplitude", 12.0, 40.0, digits=1)
    if draw.choice("temperature_change", ("warming", "cooling")) == "warming":
        p["temperature2"] = round(p["temperature"] + change, 1)
    else:
        # scaled down near the coldest temperature (not clipped: a clip would pile many variants
        # onto COOLEST_C, and a fixed answer would pass them all)
        p["temperature2"] = round(p["temperature"] - change * min(1.0, (p["temperature"] - COOLEST_C) / 8.0), 1)
    p["excitability_probe"] = draw.choice("excitability_probe", ("raised-K", "TTX"))
    p["start_ms"], p["window_ms"] = START_MS, WINDOW_MS
    p["step_start_ms"], p["step_ms"] = STEP_START_MS, STEP_MS
    return p


def _derived(p: dict) -> dict:
    """Conditions as printed: E_K raised, g_Na with TTX."""
    return {"E_K_raised": nernst_potential(p["K_out_raised_mM"], p["K_in_mM"], 1, p["temperature"]),
            "g_Na_ttx": p["g_Na"] * (1.0 - p["ttx_fraction"])}


def _thresholds(hh, dur):
    from spikeset.solutions.hh_search import threshold_amplitude
    return threshold_amplitude(hh, dur, start_ms=START_MS, response_window_ms=WINDOW_MS, rel_tol=THR_REL_TOL,
                               rtol=SEARCH_RTOL, atol=SEARCH_ATOL)


def solve_batch(params_list: list[dict]) -> list[dict]:
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.hh_stimulus import Stimulus
    n = len(params_list)
    params_list = [dict(p) for p in params_list]
    adjusted = [{} for _ in range(n)]
    dur = np.array([p["duration_ms"] for p in params_list])

    def conditions(sel):
        ps = [params_list[i] for i in sel]
        der = [_derived(p) for p in ps]
        control = batch(ps)
        ttx = batch(ps, g_Na=[d["g_Na_ttx"] for d in der])
        raised = batch(ps, E_K=[d["E_K_raised"] for d in der])
        return control, ttx, raised

    # 1. A raised-K+ rest that is not stable with margin: raise [K]o less (printed values,
    #    deterministic, adjusted_params); most such draws are far beyond the edge, so this comes
    #    before any threshold search.
    for _ in range(8):
        _, _, raised = conditions(np.arange(n))
        bad = np.flatnonzero(~stable(growth_rates(raised)))
        lowered = False
        for i in bad:
            new = round(params_list[i]["K_out_raised_mM"] * 0.93, 1)
            if new > params_list[i]["K_out_mM"] * 1.1:
                params_list[i]["K_out_raised_mM"] = new
                adjusted[i]["K_out_raised_mM"] = new
                lowered = True
        if not lowered:
            break
    # 2. thresholds of control, TTX and raised K+: one bisection over 3N variants.  Raised-K+
    #    threshold too close to control (ambiguous direction): raise [K]o further (if the rest stays
    #    stable).  Far below control, not found or unstable: raise [K]o less.
    control, ttx, raised = conditions(np.arange(n))
    thr = _thresholds(concat(control, ttx, raised), np.concatenate([dur, dur, dur]))
    thr_c, thr_t, thr_k = thr[:n].copy(), thr[n:2 * n].copy(), thr[2 * n:].copy()
    for _ in range(4):
        close = np.array([rel_gap(a, b) < MIN_GAP for a, b in zip(thr_c, thr_k)])
        _, _, raised = conditions(np.arange(n))
        unstable = (~np.isfinite(thr_k) | (thr_k < np.maximum(MIN_K_RATIO * thr_c, MIN_K_THRESHOLD))
                    | ~stable(growth_rates(raised)))
        redo = np.flatnonzero(close | unstable)
        if redo.size == 0:
            break
        for i in redo:
            factor = 0.87 if unstable[i] else 1.15
            new = round(params_list[i]["K_out_raised_mM"] * factor, 1)
            if new <= params_list[i]["K_out_mM"] * 1.1:
                continue
            if not unstable[i]:
                trial = dict(params_list[i], K_out_raised_mM=new)
                if not stable(growth_rates(batch([trial], E_K=[_derived(trial)["E_K_raised"]])))[0]:
                    continue
            params_list[i]["K_out_raised_mM"] = new
            adjusted[i]["K_out_raised_mM"] = new
        _, _, raised_sub = conditions(redo)
        thr_k[redo] = _thresholds(raised_sub, dur[redo])
    # 3. resting states (no simulation: root of the steady-state current) and their stability; a
    #    pulse 1 % below each threshold must stay silent for LONG_WINDOW_MS (window-independent)
    control, ttx, raised = conditions(np.arange(n))
    three = concat(control, ttx, raised)
    rest = rest_states(three)
    growth = growth_rates(three, rest).reshape(3, n)
    printed = printed_rests(rest)
    rest_c, rest_k = rest.V_mV[:n], rest.V_mV[2 * n:]
    quiet = quiet_below(three, np.concatenate([thr_c, thr_t, thr_k]), np.concatenate([dur, dur, dur]),
                        START_MS, growth.ravel()).reshape(3, n)
    # 4. the current step at T1 and T2: one call over 2N variants
    amps = np.array([p["step_amplitude"] for p in params_list])
    half = np.full((2, n), np.nan)
    rate = np.full((2, n), np.nan)
    count = np.zeros((2, n), int)
    todo = np.arange(n)
    original = amps.copy()
    for factor in (0.8, 1.3, 0.65, 1.6, None):
        sub = [params_list[i] for i in todo]
        m = len(sub)
        warm = batch(sub, temperature=[p["temperature2"] for p in sub])
        res = simulate(concat(batch(sub), warm),
                       Stimulus.pulse(np.concatenate([amps[todo], amps[todo]]), STEP_START_MS, STEP_MS),
                       STEP_START_MS + STEP_MS, rtol=STEP_RTOL, atol=STEP_RTOL)
        half[:, todo] = res.half_width_ms.reshape(2, m)
        rate[:, todo] = res.firing_rate_hz.reshape(2, m)
        count[:, todo] = res.spike_count.reshape(2, m)
        # repetitive firing at both temperatures (>= 3 spikes): else try other printed amplitudes
        # (below the repetitive threshold at one temperature, or depolarization block at the other)
        bad = todo[np.any(count[:, todo] < 3, axis=0)]
        if bad.size == 0 or factor is None:
            break
        amps[bad] = np.round(original[bad] * factor, 1)
        for i in bad:
            params_list[i]["step_amplitude"] = float(amps[i])
            adjusted[i]["step_amplitude"] = float(amps[i])
        todo = bad
    out = []
    for i, p in enumerate(params_list):
        der = _derived(p)
        sol = {"threshold": float(thr_c[i]), "threshold_ttx": float(thr_t[i]), "threshold_k": float(thr_k[i]),
               "rest_mV": float(rest_c[i]), "rest_k_mV": float(rest_k[i]), "E_K_raised": der["E_K_raised"],
               "g_Na_ttx": der["g_Na_ttx"],
               "half_width_1": float(half[0, i]), "half_width_2": float(half[1, i]),
               "rate_1": float(rate[0, i]), "rate_2": float(rate[1, i]),
               "count_1": int(count[0, i]), "count_2": int(count[1, i]),
               "growth": [float(g) for g in growth[:, i]], "quiet": [bool(q) for q in quiet[:, i]],
               "search": {"rel_tol": THR_REL_TOL, "rtol": SEARCH_RTOL, "step_rtol": STEP_RTOL}}
        adjusted[i]["rests"] = [{"label": "control (the same at either temperature)",
                                 **printed[i]},
                                {"label": "TTX", **printed[n + i]}]
        adjusted[i]["cli"] = cli_params(p)
        adjusted[i]["cli_ttx"] = cli_params(p, g_Na=der["g_Na_ttx"])
        adjusted[i]["cli_k"] = cli_params(p, E_K=round(der["E_K_raised"], 4))
        adjusted[i]["cli_warm"] = cli_params(p, temperature=p["temperature2"])
        sol["adjusted_params"] = adjusted[i]
        out.append(sol)
    return out


def questions(params: dict, solution: dict) -> list:
    s = solution
    t1, t2 = params["temperature"], params["temperature2"]
    ko, ki, ko2 = params["K_out_mM"], params["K_in_mM"], params["K_out_raised_mM"]
    ek2 = nernst_potential(ko2, ki, 1, t1)
    rt_f = thermal_voltage_mV(t1)
    d = params["duration_ms"]
    charge = Misconception("charge-instead-of-amplitude", "You gave a charge (amplitude x duration); the "
                           "question asks for the amplitude.", None)
    return distinct_misconceptions([
        NumericQuestion(
            "a", f"E<sub>K</sub> with [K<sup>+</sup>]<sub>o</sub> = {ko2:g} mM", ek2, "mV",
            Tolerance("abs", 0.2),
            misconceptions=(
                Misconception("log10-instead-of-ln", "You used log10 instead of ln.", rt_f * math.log10(ko2 / ki)),
                Misconception("ratio-inverted", "The Nernst ratio is [K]o/[K]i, outside over inside.", -ek2),
                Misconception("celsius-instead-of-kelvin", "RT/F needs the temperature in kelvin.",
                              rt_f * t1 / (t1 + 273.15) * math.log(ko2 / ki)),
                volts_misconception(ek2),
            )),
        NumericQuestion(
            "b", "Resting potential with the raised [K<sup>+</sup>]<sub>o</sub>",
            s["rest_k_mV"], "mV", Tolerance("abs", 0.2),
            misconceptions=(
                Misconception("rest-equals-EK", "The resting potential is not E_K: the leak (and a little Na+) "
                              "conductance keep it above E_K.", ek2),
                Misconception("rest-unchanged", "Raising [K]o moves E_K and with it the resting potential.",
                              s["rest_mV"]),
                volts_misconception(s["rest_k_mV"]),
            )),
        NumericQuestion(
            "c", f"Threshold amplitude of a {d:g} ms pulse, control", s["threshold"],
            "uA/cm^2", Tolerance("rel", 0.02),
            misconceptions=(Misconception(charge.id, charge.feedback, s["threshold"] * d),)),
        NumericQuestion(
            "d", f"Threshold amplitude of the same pulse with [K<sup>+</sup>]<sub>o</sub> = {ko2:g} mM",
                 s["threshold_k"], "uA/cm^2", Tolerance("rel", 0.02),
            misconceptions=(
                Misconception("threshold-unchanged-by-K", "Raising [K]o depolarizes the rest and changes the "
                              "gates at rest: the threshold changes.", s["threshold"]),
                Misconception(charge.id, charge.feedback, s["threshold_k"] * d))),
        _excitability_question(params, s),
        NumericQuestion(
            "f", f"Threshold amplitude of the same pulse with {100 * params['ttx_fraction']:g} % of the Na<sup>+</sup> "
                 "channels blocked", s["threshold_ttx"], "uA/cm^2", Tolerance("rel", 0.02),
            misconceptions=(
                Misconception("threshold-scales-with-block", "The threshold does not scale as 1/(1 - fraction): "
                              "simulate it.", s["threshold"] / (1 - params["ttx_fraction"])),
                Misconception("ttx-unchanged", "Blocking Na+ channels makes the patch less excitable.",
                              s["threshold"]))),
        NumericQuestion(
            "g", f"Half-width of the first spike of the step at {t1:g} &deg;C",
            s["half_width_1"], "ms", Tolerance("rel", 0.03), trace_feature="half_width_ms", digits=3),
        NumericQuestion(
            "h", f"Half-width of the first spike of the step at {t2:g} &deg;C",
            s["half_width_2"], "ms", Tolerance("rel", 0.03), trace_feature="half_width_ms", digits=3,
            misconceptions=(
                Misconception("q10-applied-to-width", "The width does not simply scale by 1/phi: V also depends on "
                              "the (temperature-independent) capacitance and conductances.",
                              s["half_width_1"] / 3.0 ** ((t2 - t1) / 10.0)),)),
        NumericQuestion(
            "i", f"Firing rate during the step at {t1:g} &deg;C", s["rate_1"], "Hz",
            Tolerance("rel", 0.03), trace_feature="firing_rate_hz", digits=1,
            misconceptions=(
                Misconception("count-over-step-duration", "The rate is 1000 / mean inter-spike interval, not the "
                              "count divided by the step duration.", 1000.0 * s["count_1"] / STEP_MS),)),
        NumericQuestion(
            "j", f"Firing rate during the step at {t2:g} &deg;C", s["rate_2"], "Hz",
            Tolerance("rel", 0.03), trace_feature="firing_rate_hz", digits=1,
            misconceptions=(
                Misconception("count-over-step-duration", "The rate is 1000 / mean inter-spike interval, not the "
                              "count divided by the step duration.", 1000.0 * s["count_2"] / STEP_MS),
                Misconception("q10-applied-to-rate", "The rate does not simply scale by phi = 3^(dT/10).",
                              s["rate_1"] * 3.0 ** ((t2 - t1) / 10.0)))),
        _temperature_question(params, s),
    ])


def _excitability_question(params: dict, s: dict) -> ChoiceQuestion:
    """(e): does the drawn manipulation (raised K+ or TTX) make the patch more or less excitable?
    Keyed by that condition's simulated threshold against control."""
    if params["excitability_probe"] == "TTX":
        lower = s["threshold_ttx"] < s["threshold"]
        prompt = f"Blocking {100 * params['ttx_fraction']:g} % of the Na<sup>+</sup> channels makes the patch&hellip;"
        wrong_more = Misconception("block-helps-firing", "With fewer Na+ channels a pulse must open a larger share "
                                   "of them to outrun the K+ and leak currents: the threshold rises.")
        wrong_less = Misconception("block-always-hinders", "Here the simulated threshold falls.")
        wrong_same = Misconception("threshold-set-by-rest", "Blocking Na+ channels barely moves the rest, but the "
                                   "threshold depends on how much Na+ current a pulse can recruit.")
        follow_on = None    # (f), the TTX threshold, comes after (e): nothing earlier to carry from
    else:
        lower = s["threshold_k"] < s["threshold"]
        prompt = (f"Raising [K<sup>+</sup>]<sub>o</sub> from {params['K_out_mM']:g} to {params['K_out_raised_mM']:g} "
                  "mM makes the patch&hellip;")
        wrong_more = Misconception("depolarization-always-helps", "A larger depolarization of the rest inactivates "
                                   "Na+ channels (h falls) and raises g_K at rest: here the threshold rises.")
        wrong_less = Misconception("k-always-inactivates", "A moderate depolarization of the rest brings V closer to "
                                   "threshold: here the threshold falls.")
        wrong_same = Misconception("threshold-fixed", "The threshold depends on the state of the gates at rest, "
                                   "which the new resting potential changes.")
        follow_on = FollowOn.comparison("c", "d", higher="less", lower="more", same="same")
    return ChoiceQuestion(
        "e", prompt,
        (Option("more", "more excitable (lower threshold)", correct=lower, misconception=None if lower else wrong_more),
         Option("less", "less excitable (higher threshold)", correct=not lower,
                misconception=None if not lower else wrong_less),
         Option("same", "neither: the threshold is a fixed property of the membrane", misconception=wrong_same)),
        follow_on=follow_on)


def _temperature_question(params: dict, s: dict) -> ChoiceQuestion:
    """(k): what warming or cooling (drawn) does to spike width and firing rate; keyed by the two
    simulated steps."""
    t1, t2 = params["temperature"], params["temperature2"]
    narrower = s["half_width_2"] < s["half_width_1"]
    faster = s["rate_2"] > s["rate_1"]
    key = "faster" if narrower and faster else "slower" if not narrower and not faster else "mixed"
    wrong_direction = {
        "faster": Misconception("warming-slows", "All HH rates grow with temperature (Q10 = 3): warmed, the gates "
                                "open and close faster."),
        "slower": Misconception("cooling-speeds", "All HH rates fall with temperature (Q10 = 3): cooled, the gates "
                                "open and close more slowly."),
    }
    verb = "Warming" if t2 > t1 else "Cooling"

    def wrong(option_id: str) -> Misconception | None:
        if option_id == key:
            return None
        if option_id == "mixed":
            return Misconception("rate-set-by-stimulus", "The interval between spikes is set by the recovery of h "
                                 "and n, which changes with temperature as the width does.")
        return wrong_direction.get(key, Misconception("temperature-acts-alike", "Here the width and the rate do "
                                                      "not move together."))
    return ChoiceQuestion(
        "k", f"{verb} from {t1:g} to {t2:g} &deg;C&hellip;",
        (Option("faster", "narrows the spikes and raises the firing rate: every gate moves faster",
                correct=key == "faster", misconception=wrong("faster")),
         Option("slower", "widens the spikes and lowers the firing rate: every gate moves more slowly",
                correct=key == "slower", misconception=wrong("slower")),
         Option("mixed", "changes the spike width but leaves the firing rate unchanged: the rate is set by the "
                "stimulus", correct=key == "mixed", misconception=wrong("mixed"))))


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    s = solution
    out = []
    for k in ("threshold", "threshold_ttx", "threshold_k", "half_width_1", "half_width_2", "rate_1", "rate_2"):
        if not math.isfinite(s[k]):
            out.append(f"{k} not found")
    if math.isfinite(s["threshold_k"]) and s["threshold_k"] < max(MIN_K_RATIO * s["threshold"], MIN_K_THRESHOLD):
        out.append("raised-K+ patch is close to firing spontaneously")
    if rel_gap(s["threshold"], s["threshold_k"]) < MIN_GAP:
        out.append("raised-K+ threshold too close to control")
    if s["count_1"] < 3 or s["count_2"] < 3:
        out.append("the step does not make repetitive firing at both temperatures")
    if math.isfinite(s["threshold_ttx"]) and not s["threshold_ttx"] > 1.04 * s["threshold"]:
        out.append("TTX threshold not clearly above control")
    warm = (s["half_width_2"] < 0.97 * s["half_width_1"] and s["rate_2"] > 1.03 * s["rate_1"])
    cool = (s["half_width_1"] < 0.97 * s["half_width_2"] and s["rate_1"] > 1.03 * s["rate_2"])
    if not (warm if params["temperature2"] > params["temperature"] else cool):
        out.append("temperature effect not clear")
    for name, g, q in zip(("control", "TTX", "raised-K+"), s.get("growth", [0.0] * 3), s.get("quiet", [True] * 3)):
        out += unstable_reason(g, f"the {name} resting state")
        if not q:
            out.append(f"{name}: a pulse 1 % below threshold fires within {LONG_WINDOW_MS:g} ms (the threshold "
                       "depends on the response window)")
    return out
