"""Accuracy of the numba HH solver against an independent scipy reference.

The reference integrates the HH equations written again here (not imported
from the solver) with ``solve_ivp(method="Radau", rtol=atol=1e-10,
max_step=0.01)``, piecewise between stimulus discontinuities, all variants
of one condition stacked in one system to keep the cost down.  Peaks and
minima are roots of dV/dt along the reference's dense output.

Targets: spike counts equal, spike times within 0.01 ms, peak and AHP
voltages within 0.05 mV, thresholds within 0.1 %.
"""
from __future__ import annotations

import multiprocessing
import os

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from spikeset.solutions.hh_model import HHParams
from spikeset.solutions.hh_search import threshold_amplitude
from spikeset.solutions.hh_solver import simulate
from spikeset.solutions.hh_stimulus import Stimulus

REF_RTOL = REF_ATOL = 1e-10
REF_MAX_STEP_MS = 0.01
SPIKE_TIME_TOL_MS = 0.01
VOLTAGE_TOL_MV = 0.05
THRESHOLD_REL_TOL = 1e-3

BASE = dict(C_m=1.0, g_Na=120.0, g_K=36.0, g_L=0.3, E_Na=50.0, E_K=-77.0, E_L=-54.387, temperature=6.3)


# ---------------------------------------------------------------------------
# Independent reference model
# ---------------------------------------------------------------------------

def _x_over_one_minus_exp(x):
    """x / (1 - exp(-x)), with its limit 1 + x/2 close to x = 0."""
    small = np.abs(x) < 1e-7
    if np.any(small):
        safe = np.where(small, 1.0, x)
        return np.where(small, 1.0 + x / 2.0, safe / (1.0 - np.exp(-safe)))
    return x / (1.0 - np.exp(-x))


def _rates(V, phi):
    """alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n (1/ms) at V (mV)."""
    return (phi * _x_over_one_minus_exp((V + 40.0) / 10.0),
            phi * 4.0 * np.exp(-(V + 65.0) / 18.0),
            phi * 0.07 * np.exp(-(V + 65.0) / 20.0),
            phi / (1.0 + np.exp(-(V + 35.0) / 10.0)),
            phi * 0.1 * _x_over_one_minus_exp((V + 55.0) / 10.0),
            phi * 0.125 * np.exp(-(V + 65.0) / 80.0))


def _reference_rest(p):
    """Rest (V, m, h, n) of one scalar parameter set, by brentq on the steady-state current."""
    def current(V):
        am, bm, ah, bh, an, bn = _rates(np.asarray(V, float), 1.0)
        m, h, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
        return (p["g_Na"] * m ** 3 * h * (V - p["E_Na"]) + p["g_K"] * n ** 4 * (V - p["E_K"])
                + p["g_L"] * (V - p["E_L"]))
    lo = min(p["E_K"], p["E_L"], p["E_Na"])
    grid = np.arange(lo, 0.0, 0.5)
    vals = current(grid)
    k = int(np.flatnonzero(vals >= 0)[0])
    v = brentq(lambda x: float(current(x)), grid[k - 1], grid[k], xtol=1e-14, rtol=1e-15)
    am, bm, ah, bh, an, bn = _rates(np.asarray(v), 1.0)
    return np.array([v, am / (am + bm), ah / (ah + bh), an / (an + bn)])


def _reference_run(param_rows, amplitude_rows, pulses, t_end):
    """Integrate K variants stacked in one Radau system.

    param_rows: list of K parameter dicts; amplitude_rows: (K, P) amplitudes
    (uA/cm2) of the P pulses ``pulses`` = [(start_ms, duration_ms), ...].
    Returns a list of K feature dicts.
    """
    amps = np.atleast_2d(np.asarray(amplitude_rows, float))
    k_var = amps.shape[0]
    col = {name: np.array([row[name] for row in param_rows], float) for name in BASE}
    col["phi"] = 3.0 ** ((col["temperature"] - 6.3) / 10.0)
    rests = np.array([_reference_rest(row) for row in param_rows])  # (K, 4)
    y0 = rests.T.ravel()
    breaks = sorted({0.0, t_end} | {b for s, d in pulses for b in (s, s + d) if 0 < b < t_end})

    c = {k: v[:, None] for k, v in col.items()}  # (K, 1) columns

    def make_rhs(current):
        cur = current[:, None]

        def rhs(t, y):
            V, m, h, n = y.reshape(4, k_var, -1)
            am, bm, ah, bh, an, bn = _rates(V, c["phi"])
            i_ion = (c["g_Na"] * m ** 3 * h * (V - c["E_Na"]) + c["g_K"] * n ** 4 * (V - c["E_K"])
                     + c["g_L"] * (V - c["E_L"]))
            out = np.empty((4,) + V.shape)
            out[0] = (cur - i_ion) / c["C_m"]
            out[1] = am * (1 - m) - bm * m
            out[2] = ah * (1 - h) - bh * h
            out[3] = an * (1 - n) - bn * n
            return out.reshape(y.shape)
        return rhs

    segments = []
    y = y0
    for a, b in zip(breaks[:-1], breaks[1:]):
        mid = 0.5 * (a + b)
        current = np.zeros(k_var)
        for j, (s, d) in enumerate(pulses):
            if s <= mid < s + d:
                current += amps[:, j]
        rhs = make_rhs(current)
        sol = solve_ivp(rhs, (a, b), y, method="Radau", rtol=REF_RTOL, atol=REF_ATOL,
                        max_step=REF_MAX_STEP_MS, dense_output=True, vectorized=True)
        assert sol.success
        segments.append((sol, rhs))
        y = sol.y[:, -1]
    return [_reference_features(segments, j) for j in range(k_var)]


def _reference_features(segments, j):
    """Spikes (peaks of excursions above 0 mV) and the AHP minimum of variant j."""
    maxima, minima, grid_t, grid_v = [], [], [], []
    for sol, rhs in segments:
        def dvdt(t, sol=sol, rhs=rhs):
            return rhs(t, sol.sol(t))[j]
        ts = sol.t
        fs = rhs(ts[0], sol.y)[j]
        for i in range(len(ts) - 1):
            if fs[i] > 0 >= fs[i + 1]:
                tr = brentq(dvdt, ts[i], ts[i + 1], xtol=1e-13) if fs[i + 1] < 0 else ts[i + 1]
                maxima.append((tr, sol.sol(tr)[j]))
            if fs[i] < 0 <= fs[i + 1]:
                tr = brentq(dvdt, ts[i], ts[i + 1], xtol=1e-13) if fs[i + 1] > 0 else ts[i + 1]
                minima.append((tr, sol.sol(tr)[j]))
        grid_t.append(ts)
        grid_v.append(sol.y[j])
    t = np.concatenate(grid_t)
    v = np.concatenate(grid_v)
    above = v > 0
    ups = np.flatnonzero(~above[:-1] & above[1:])
    downs = np.flatnonzero(above[:-1] & ~above[1:])
    spikes = []
    for u in ups:
        later = downs[downs > u]
        t_lo = t[u]
        t_hi = t[later[0] + 1] if later.size else t[-1]
        cands = [(tm, vm) for tm, vm in maxima if t_lo <= tm <= t_hi and vm > 0]
        if cands and (later.size or v[-1] < max(c[1] for c in cands)):
            spikes.append(max(cands, key=lambda c: c[1]))
    result = {"times": np.array([s[0] for s in spikes]), "peaks": np.array([s[1] for s in spikes]),
              "ahp": None}
    if spikes and downs.size:
        first_down = t[downs[0] + 1]
        end = t[ups[1]] if ups.size > 1 else t[-1]
        mins = [(tm, vm) for tm, vm in minima if first_down <= tm <= end]
        if mins:
            result["ahp"] = min(mins, key=lambda c: c[1])
    return result


def _solver_params(param_rows):
    return HHParams(**{name: np.array([row[name] for row in param_rows], float) for name in BASE})


# ---------------------------------------------------------------------------
# Spike train matrix: 4 conditions x (4 steps + 3 single pulses), one stacked reference solve
# ---------------------------------------------------------------------------

STEP_AMPLITUDES = (3.0, 7.0, 10.0, 20.0)
PULSE_DURATIONS = (0.1, 1.0, 5.0)
STIM_START_MS = 2.0
T_END_MS = 25.0
THRESHOLD_T_END_MS = 25.0

CONDITIONS = {
    "standard 6.3C": dict(BASE),
    "warm 18.5C": dict(BASE, temperature=18.5),
    "g_Na halved": dict(BASE, g_Na=60.0),
    "E_Na +60, E_K -90": dict(BASE, E_Na=60.0, E_K=-90.0),
}
THRESHOLD_CONDITIONS = ("standard 6.3C", "warm 18.5C", "g_Na halved", "E_Na +60, E_K -90")
# Steps last to the end; pulses: (start, duration).
PULSES = [(STIM_START_MS, T_END_MS)] + [(STIM_START_MS, d) for d in PULSE_DURATIONS]
N_PER_CONDITION = len(STEP_AMPLITUDES) + len(PULSE_DURATIONS)


def _spike_train_cases():
    """(param_rows, amplitude_rows, labels) of the whole matrix, condition after condition."""
    names = list(CONDITIONS)
    # Single pulses at 1.5x each condition's own threshold (from the solver; the
    # threshold itself is checked separately).
    thr_rows = [CONDITIONS[nm] for nm in names for _ in PULSE_DURATIONS]
    thresholds = threshold_amplitude(_solver_params(thr_rows), np.tile(PULSE_DURATIONS, len(names)),
                                     start_ms=STIM_START_MS).reshape(len(names), -1)
    param_rows, amp_rows, labels = [], [], []
    for ci, nm in enumerate(names):
        for a in STEP_AMPLITUDES:
            param_rows.append(CONDITIONS[nm])
            amp_rows.append([a, 0.0, 0.0, 0.0])
            labels.append(f"{nm}: step {a} uA/cm2")
        for j, d in enumerate(PULSE_DURATIONS):
            row = [0.0, 0.0, 0.0, 0.0]
            row[1 + j] = 1.5 * thresholds[ci, j]
            param_rows.append(CONDITIONS[nm])
            amp_rows.append(row)
            labels.append(f"{nm}: {d} ms pulse of {row[1 + j]:.4g} uA/cm2")
    return param_rows, np.array(amp_rows), labels


def _threshold_cases():
    rows = [CONDITIONS[nm] for nm in THRESHOLD_CONDITIONS for _ in PULSE_DURATIONS]
    durations = np.tile(PULSE_DURATIONS, len(THRESHOLD_CONDITIONS))
    thr = threshold_amplitude(_solver_params(rows), durations, start_ms=STIM_START_MS, rel_tol=1e-5)
    param_rows, amp_rows = [], []
    n_d = len(PULSE_DURATIONS)
    for i, row in enumerate(rows):
        for factor in (1 - THRESHOLD_REL_TOL, 1 + THRESHOLD_REL_TOL):
            amp = np.zeros(n_d)
            amp[i % n_d] = thr[i] * factor
            param_rows.append(row)
            amp_rows.append(amp)
    return rows, durations, thr, param_rows, np.array(amp_rows)


PAIRED_AMPLITUDES = np.array([[20.0, 20.0], [20.0, 0.0], [0.0, 40.0]])
PAIRED_PULSES = [(2.0, 1.0), (4.0, 1.0)]
PAIRED_T_END_MS = 15.0


def _run_job(job):
    return _reference_run(*job)


@pytest.fixture(scope="module")
def reference():
    """All reference solves of this module, spread over the CPUs (they dominate the run time)."""
    train_rows, train_amps, labels = _spike_train_cases()
    thr_rows, durations, thr, thr_param_rows, thr_amps = _threshold_cases()
    jobs = {}
    for ci, nm in enumerate(CONDITIONS):
        sl = slice(ci * N_PER_CONDITION, (ci + 1) * N_PER_CONDITION)
        jobs[("train", nm)] = (train_rows[sl], train_amps[sl], PULSES, T_END_MS)
    half = len(thr_param_rows) // 2
    for k, sl in enumerate((slice(0, half), slice(half, None))):
        jobs[("threshold", k)] = (thr_param_rows[sl], thr_amps[sl],
                                  [(STIM_START_MS, d) for d in PULSE_DURATIONS], THRESHOLD_T_END_MS)
    jobs[("paired",)] = ([CONDITIONS["standard 6.3C"]] * 3, PAIRED_AMPLITUDES, PAIRED_PULSES, PAIRED_T_END_MS)
    workers = min(len(jobs), max(1, len(os.sched_getaffinity(0))))
    if workers > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            results = dict(zip(jobs, pool.map(_run_job, list(jobs.values()), chunksize=1)))
    else:
        results = {key: _run_job(job) for key, job in jobs.items()}
    train_ref = [r for nm in CONDITIONS for r in results[("train", nm)]]
    thr_ref = results[("threshold", 0)] + results[("threshold", 1)]
    stim = Stimulus()
    for j, (s, d) in enumerate(PULSES):
        stim = stim + Stimulus.pulse(train_amps[:, j], s, d)
    train_res = simulate(_solver_params(train_rows), stim, T_END_MS)
    return {"train": (list(CONDITIONS), labels, train_res, train_ref),
            "threshold": (thr_rows, durations, thr, thr_ref),
            "paired": results[("paired",)]}


@pytest.fixture(scope="module")
def spike_train_runs(reference):
    return reference["train"]


@pytest.fixture(scope="module")
def threshold_runs(reference):
    return reference["threshold"]


@pytest.mark.parametrize("name", list(CONDITIONS))
def test_spike_trains_match_reference(spike_train_runs, name):
    names, labels, res, ref = spike_train_runs
    ci = names.index(name)
    checked = 0
    for j in range(ci * N_PER_CONDITION, (ci + 1) * N_PER_CONDITION):
        label = labels[j]
        times, peaks = res.spike_times(j), res.spike_peaks(j)
        assert times.size == ref[j]["times"].size, label
        np.testing.assert_allclose(times, ref[j]["times"], atol=SPIKE_TIME_TOL_MS, rtol=0, err_msg=label)
        np.testing.assert_allclose(peaks, ref[j]["peaks"], atol=VOLTAGE_TOL_MV, rtol=0, err_msg=label)
        if ref[j]["ahp"] is None:
            assert np.isnan(res.ahp_min_mV[j]), label
        else:
            assert abs(res.ahp_min_mV[j] - ref[j]["ahp"][1]) < VOLTAGE_TOL_MV, label
            assert abs(res.ahp_time_ms[j] - ref[j]["ahp"][0]) < 0.05, label
        checked += times.size
    assert checked >= 5  # the matrix really exercises spikes


def test_thresholds_match_reference_within_0p1_percent(threshold_runs):
    """Reference: no spike at 0.999 x threshold, a spike at 1.001 x threshold."""
    rows, durations, thr, ref = threshold_runs
    assert np.all(np.isfinite(thr)) and np.all(thr > 0)
    for i in range(len(rows)):
        label = (THRESHOLD_CONDITIONS[i // len(PULSE_DURATIONS)], durations[i], thr[i])
        assert ref[2 * i]["times"].size == 0, label
        assert ref[2 * i + 1]["times"].size == 1, label


def test_rest_matches_reference_rest():
    for p in CONDITIONS.values():
        res = simulate(_solver_params([p]), Stimulus(), 1.0)
        assert abs(res.rest_mV[0] - _reference_rest(p)[0]) < 1e-9


def test_current_jump_during_a_spike_matches_reference(reference):
    """Paired pulses whose second one starts during the first spike: breakpoints land exactly."""
    p = CONDITIONS["standard 6.3C"]
    amps = PAIRED_AMPLITUDES
    stim = (Stimulus.pulse(amps[:, 0], *PAIRED_PULSES[0]) + Stimulus.pulse(amps[:, 1], *PAIRED_PULSES[1]))
    res = simulate(_solver_params([p] * 3), stim, PAIRED_T_END_MS)
    ref = reference["paired"]
    for j in range(3):
        np.testing.assert_allclose(res.spike_times(j), ref[j]["times"], atol=SPIKE_TIME_TOL_MS, rtol=0)
        np.testing.assert_allclose(res.spike_peaks(j), ref[j]["peaks"], atol=VOLTAGE_TOL_MV, rtol=0)


@pytest.mark.parametrize("v_singular", [-40.0, -55.0])
@pytest.mark.parametrize("offset", [0.0, 1e-9, -1e-9, 1e-3, -1e-3])
def test_solver_rates_near_singular_voltages(v_singular, offset):
    """The kernel's own rate evaluation matches the analytic limit near -40 / -55 mV."""
    from spikeset.solutions import hh_kernel

    V = v_singular + offset
    m, h, n = 0.3, 0.4, 0.5
    _, dm, dh, dn = hh_kernel._derivatives(V, m, h, n, 0.0, 1.0, 120.0, 36.0, 0.3, 50.0, -77.0, -54.387, 1.0)
    x_m, x_n = (V + 40.0) / 10.0, (V + 55.0) / 10.0
    # series of x / (1 - exp(-x)) to 4th order (error < 1e-15 for |x| <= 1e-3) or closed form
    frac = lambda x: 1 + x / 2 + x * x / 12 - x ** 4 / 720 if abs(x) < 1e-2 else x / (1 - np.exp(-x))
    am, an = frac(x_m), 0.1 * frac(x_n)
    bm, bn = 4 * np.exp(-(V + 65) / 18), 0.125 * np.exp(-(V + 65) / 80)
    assert np.isfinite(dm) and np.isfinite(dn)
    assert dm == pytest.approx(am * (1 - m) - bm * m, rel=1e-13)
    assert dn == pytest.approx(an * (1 - n) - bn * n, rel=1e-13)
