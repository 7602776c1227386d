"""Repetitive firing in a simulated HH patch: spike count and rate for a current step, and the
smallest step that makes the patch fire repetitively."""
from __future__ import annotations

import math

import numpy as np

from spikeset.model import Misconception, NumericQuestion, Tolerance
from spikeset.problems._simhh import pulse_simulator
from spikeset.problems._simhh import (REP_FINAL_WINDOW_MS, REP_START_MS, REP_STEP_MS, batch, cli_params,
                                      distinct_misconceptions, rest_rows, sample_hh, unstable_reason)
from spikeset.sampling import Draw

ID = "sim-firing"
REVISION = 2  # bump when sample() draws differently (tests/test_family_revisions.py)
TITLE = "Simulated repetitive firing"
TOPIC = "simulation"
#: The page's HH simulator starts with the printed pulse or step.
simulator = pulse_simulator

STEP_START_MS = 10.0
TAIL_MS = 40.0            # simulated time after the step's end
ROBUST_REL = 0.01         # +-1 % of the amplitude must not change the spike count
NUDGE_REL = 0.007         # step of the deterministic nudge of the printed amplitude
MAX_NUDGES = 6
REP_REL_TOL = 3.4e-3      # final bracket 0.34 %: midpoint within 0.17 % (+ <0.03 % integrator; tolerance 2 %)
REP_SEARCH_RTOL = 1e-5    # repetitive threshold within 0.03 % of a 1e-7 search (150 ms runs: 1e-6 costs +40 %)
STEP_RTOL = 1e-5          # rates within ~1e-5 relative of 1e-7 runs (1000 variants): far inside 3 %


def sample(draw: Draw) -> dict:
    """HH parameters (g_Na 105-140, g_K 30-38, T 6.3-18 degC: repetitive firing exists), step duration [ms];
    the amplitude [uA/cm^2] is set in solve_batch to amp_factor x the repetitive threshold."""
    p = sample_hh(draw, temperature=(6.3, 18.0), g_na=(105.0, 140.0), g_k=(30.0, 38.0))
    p["step_ms"] = float(draw.integer("step_ms_tens", 5, 30) * 10)
    p["amp_factor"] = draw.uniform("amp_factor", 1.4, 4.0, digits=2)
    p["start_ms"] = STEP_START_MS
    p["t_end_ms"] = STEP_START_MS + p["step_ms"] + TAIL_MS
    # an assignment may fix it; else set by solve_batch (adjusted_params)
    p["amplitude"] = draw.fixed_number("amplitude") or 0.0
    p["cli"] = cli_params(p)
    p["rep_start_ms"], p["rep_step_ms"], p["rep_window_ms"] = REP_START_MS, REP_STEP_MS, REP_FINAL_WINDOW_MS
    return p


def _step_sim(params_list, amps):
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.hh_stimulus import Stimulus
    reps = params_list
    hh = batch(reps)
    steps = np.array([p["step_ms"] for p in reps])
    own_end = np.array([p["t_end_ms"] for p in reps])
    # one call; each variant stops at its own t_end (and only counts spikes before it)
    res = simulate(hh, Stimulus.pulse(np.asarray(amps), STEP_START_MS, steps), own_end,
                   rtol=STEP_RTOL, atol=STEP_RTOL)
    times = res.spike_times_ms
    counts = np.array([int(np.sum(times[i, :min(res.spike_count[i], times.shape[1])] <= own_end[i]))
                       for i in range(len(reps))])
    return res, counts


def solve_batch(params_list: list[dict]) -> list[dict]:
    n = len(params_list)
    hh = batch(params_list)
    from spikeset.solutions.hh_search import repetitive_firing_threshold
    i_rep = repetitive_firing_threshold(hh, step_duration_ms=REP_STEP_MS, final_window_ms=REP_FINAL_WINDOW_MS,
                                        start_ms=REP_START_MS, rel_tol=REP_REL_TOL, max_amplitude=150.0,
                                        rtol=REP_SEARCH_RTOL, atol=REP_SEARCH_RTOL)
    fallback = np.where(np.isfinite(i_rep), i_rep, 10.0)
    amps = np.array([round(p["amp_factor"] * fallback[i], 1) if p.get("amplitude", 0.0) == 0.0
                     else p["amplitude"] for i, p in enumerate(params_list)])
    # Robustness: +-1 % of the amplitude must give the same spike count; else nudge the printed
    # amplitude up by 0.7 % steps (deterministic) and check again, only for those variants.
    # The features at the printed amplitude come from the first third of the same call.
    todo = np.arange(n)
    robust = np.zeros(n, bool)
    counts = np.zeros(n, int)
    rate = np.full(n, np.nan)
    isi = np.full(n, np.nan)
    times = [np.zeros(0)] * n
    for _ in range(MAX_NUDGES + 1):
        sub = [params_list[i] for i in todo]
        a = amps[todo]
        res, c = _step_sim(sub + sub + sub, np.concatenate([a, a * (1 - ROBUST_REL), a * (1 + ROBUST_REL)]))
        m = len(todo)
        same = (c[:m] == c[m:2 * m]) & (c[:m] == c[2 * m:])
        last = np.array([res.spike_times_ms[j, c[j] - 1] if c[j] else -np.inf for j in range(m)])
        step_end = STEP_START_MS + np.array([p["step_ms"] for p in sub])
        # all three amplitudes must still fire at the end of the step (no depolarization block)
        sustained = np.all((c.reshape(3, m) >= 3), axis=0) & (last >= step_end - 50.0)
        counts[todo] = c[:m]
        robust[todo] = same
        rate[todo] = res.firing_rate_hz[:m]
        isi[todo] = res.mean_isi_ms[:m]
        for j, i in enumerate(todo):
            times[i] = res.spike_times_ms[j, :c[j]].copy()
        ok = same & sustained
        blocked = todo[~sustained]
        todo = todo[~ok]
        if todo.size == 0:
            break
        amps[todo] = np.round(amps[todo] * (1 + NUDGE_REL), 1) + 0.1
        # depolarization block (or too few spikes): move the step down towards 1.3 x threshold
        amps[blocked] = np.round(np.maximum(0.8 * amps[blocked], 1.3 * fallback[blocked]), 1)
    growth, rests = rest_rows("all simulations", hh)
    out = []
    for i, p in enumerate(params_list):
        c = int(counts[i])
        times_i = times[i]
        last = float(times_i[-1]) if c else math.nan
        step_end = STEP_START_MS + p["step_ms"]
        out.append({
            "i_rep": float(i_rep[i]), "count": c, "rate_hz": float(rate[i]),
            "mean_isi_ms": float(isi[i]), "first_spike_ms": float(times_i[0]) if c else math.nan,
            "last_spike_ms": last, "robust": bool(robust[i]),
            "sustained": bool(c >= 3 and last >= step_end - 50.0),
            "growth": float(growth[i]),
            "search": {"rel_tol": REP_REL_TOL, "rtol": REP_SEARCH_RTOL, "step_rtol": STEP_RTOL},
            "adjusted_params": {"amplitude": float(amps[i]), "rests": rests[i],
                                "cli": cli_params(p)},
        })
    return out


def questions(params: dict, solution: dict) -> list:
    c, rate, isi = solution["count"], solution["rate_hz"], solution["mean_isi_ms"]
    step, t_end = params["step_ms"], params["t_end_ms"]
    return distinct_misconceptions([
        NumericQuestion(
            "a", "Number of spikes in the whole simulation (exact)", c, None, Tolerance("abs", 0.5),
            misconceptions=(
                Misconception("intervals-instead-of-spikes", "You counted inter-spike intervals; "
                              "n spikes have n - 1 intervals.", c - 1),),
            trace_feature="spike_count", digits=0),
        NumericQuestion(
            "b", "Firing rate = 1000 / (mean inter-spike interval in ms)", rate, "Hz",
            Tolerance("rel", 0.03), weight=2,
            misconceptions=(
                Misconception("count-over-simulation-time", "You divided the spike count by the whole "
                              "simulated time; the rate is 1 / mean inter-spike interval.", 1000.0 * c / t_end),
                Misconception("count-over-step-duration", "Spike count / step duration is not the rate "
                              "asked for: it counts the latency before the first spike and the time after the "
                              "last one; use 1 / mean inter-spike interval.", 1000.0 * c / step),
                Misconception("isi-instead-of-rate", "You gave the mean inter-spike interval (ms), "
                              "not its inverse in Hz.", isi),
            ),
            trace_feature="firing_rate_hz", digits=1),
        NumericQuestion(
            "c", "Smallest step amplitude that makes the patch fire repetitively (definition above)",
                 solution["i_rep"], "uA/cm^2", Tolerance("rel", 0.02), weight=2,
            misconceptions=(
                Misconception("step-amplitude-given", "You gave the amplitude of the step of (a); the "
                              "repetitive threshold is the smallest amplitude, found by bisection.",
                              params["amplitude"]),),
        ),
    ])


def plausible(params: dict, solution: dict, questions: list) -> list[str]:
    out = []
    if not math.isfinite(solution["i_rep"]):
        out.append("no repetitive firing threshold below 150 uA/cm^2")
    if not solution["robust"]:
        out.append("spike count changes with a 1 % change of the amplitude")
    if not solution["sustained"]:
        out.append("the step does not make sustained firing")
    if not math.isfinite(solution["rate_hz"]):
        out.append("fewer than 2 spikes")
    out += unstable_reason(solution.get("growth", 0.0))
    return out
