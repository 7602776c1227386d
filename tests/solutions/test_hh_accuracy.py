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
    x = np.asarray(x, float)
    safe = np.where(np.abs(x) < 1e-7, 1.0, x)
    return np.where(np.abs(x) < 1e-7, 1.0 + x / 2.0, safe / (1.0 - np.exp(-safe)))


def _rates(V, phi):
    return (phi * _x_over_one_minus_exp((V + 40.0) / 10.0),
            phi * 4.0 * np.exp(-(V + 65.0) / 18.0),
            phi * 0.07 * np.exp(-(V + 65.0) / 20.0),
            phi / (1.0 + np.exp(-(V + 35.0) / 10.0)),
            phi * 0.1 * _x_over_one_minus_exp((V + 55.0) / 10.0),
            phi * 0.125 * np.exp(-(V + 65.0) / 80.0))


def _reference_rest(p):
    def current(V):
        am, bm, ah, bh, an, bn = _rates(V, 1.0)
        m, h, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
        return (p["g_Na"] * m ** 3 * h * (V - p["E_Na"]) + p["g_K"] * n ** 4 * (V - p["E_K"])
                + p["g_L"] * (V - p["E_L"]))
    lo = min(p["E_K"], p["E_L"], p["E_Na"])
    grid = np.arange(lo, 0.0, 0.5)
    vals = current(grid)
    k = int(np.flatnonzero(vals >= 0)[0])
    v = brentq(current, grid[k - 1], grid[k], xtol=1e-14, rtol=1e-15)
    am, bm, ah, bh, an, bn = _rates(v, 1.0)
    return np.array([v, am / (am + bm), ah / (ah + bh), an / (an + bn)])


def _reference_run(p, amplitude_rows, pulses, t_end):
    """Integrate K variants of one parameter set.

    amplitude_rows: (K, P) amplitudes of P pulses; pulses: list of (start, duration).
    Returns a list of K dicts of features.
    """
    amps = np.atleast_2d(np.asarray(amplitude_rows, float))
    k_var = amps.shape[0]
    phi = 3.0 ** ((p["temperature"] - 6.3) / 10.0)
    y0 = np.tile(_reference_rest(p)[:, None], (1, k_var)).ravel()
    breaks = sorted({0.0, t_end} | {b for s, d in pulses for b in (s, s + d) if 0 < b < t_end})

    def make_rhs(current):
        def rhs(t, y):
            y4 = y.reshape((4, k_var) + y.shape[1:])
            V, m, h, n = y4
            am, bm, ah, bh, an, bn = _rates(V, phi)
            cur = current if y.ndim == 1 else current[:, None]
            i_ion = (p["g_Na"] * m ** 3 * h * (V - p["E_Na"]) + p["g_K"] * n ** 4 * (V - p["E_K"])
                     + p["g_L"] * (V - p["E_L"]))
            out = np.stack([(cur - i_ion) / p["C_m"], am * (1 - m) - bm * m,
                            ah * (1 - h) - bh * h, an * (1 - n) - bn * n])
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
    return [_reference_features(segments, j, k_var, y0[j]) for j in range(k_var)]


def _reference_features(segments, j, k_var, v_rest):
    maxima, minima, grid_t, grid_v = [], [], [], []
    for sol, rhs in segments:
        def dvdt(t, sol=sol, rhs=rhs):
            return rhs(t, sol.sol(t))[j]
        ts = sol.t
        vs = sol.y[j]
        fs = rhs(ts[0], sol.y)[j]
        for i in range(len(ts) - 1):
            if fs[i] > 0 >= fs[i + 1]:
                tr = brentq(dvdt, ts[i], ts[i + 1], xtol=1e-13) if fs[i + 1] < 0 else ts[i + 1]
                maxima.append((tr, sol.sol(tr)[j]))
            if fs[i] < 0 <= fs[i + 1]:
                tr = brentq(dvdt, ts[i], ts[i + 1], xtol=1e-13) if fs[i + 1] > 0 else ts[i + 1]
                minima.append((tr, sol.sol(tr)[j]))
        grid_t.append(ts)
        grid_v.append(vs)
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


def _solver_params(p, k):
    return HHParams(**{name: np.full(k, value) for name, value in p.items()})


# ---------------------------------------------------------------------------
# Spike train matrix
# ---------------------------------------------------------------------------

STEP_AMPLITUDES = (3.0, 7.0, 10.0, 20.0)
PULSE_DURATIONS = (0.1, 1.0, 5.0)
STIM_START_MS = 2.0
T_END_MS = 40.0

CONDITIONS = {
    "standard 6.3C": dict(BASE),
    "warm 18.5C": dict(BASE, temperature=18.5),
    "g_Na halved": dict(BASE, g_Na=60.0),
    "E_Na +60, E_K -90": dict(BASE, E_Na=60.0, E_K=-90.0),
}


def _compare(name, p, amplitudes, pulses, t_end):
    """Run solver and reference on the same K variants and compare their features."""
    amplitudes = np.asarray(amplitudes, float)
    k = amplitudes.shape[0]
    stim = Stimulus()
    for j, (s, d) in enumerate(pulses):
        stim = stim + Stimulus.pulse(amplitudes[:, j], s, d)
    res = simulate(_solver_params(p, k), stim, t_end)
    ref = _reference_run(p, amplitudes, pulses, t_end)
    n_spikes_checked = 0
    for j in range(k):
        label = f"{name}, variant {j}: amplitudes {amplitudes[j]}"
        times, peaks = res.spike_times(j), res.spike_peaks(j)
        assert times.size == ref[j]["times"].size, label
        np.testing.assert_allclose(times, ref[j]["times"], atol=SPIKE_TIME_TOL_MS, rtol=0, err_msg=label)
        np.testing.assert_allclose(peaks, ref[j]["peaks"], atol=VOLTAGE_TOL_MV, rtol=0, err_msg=label)
        if ref[j]["ahp"] is None:
            assert np.isnan(res.ahp_min_mV[j]), label
        else:
            assert abs(res.ahp_min_mV[j] - ref[j]["ahp"][1]) < VOLTAGE_TOL_MV, label
            assert abs(res.ahp_time_ms[j] - ref[j]["ahp"][0]) < 0.05, label
        n_spikes_checked += times.size
    return n_spikes_checked


@pytest.mark.parametrize("name", list(CONDITIONS))
def test_spike_trains_match_reference(name):
    p = CONDITIONS[name]
    # Steps (to the end) of 3, 7, 10, 20 uA/cm2 and single pulses of 0.1, 1, 5 ms
    # at 1.5x their threshold, stacked as one 7-variant system.
    pulse_thresholds = threshold_amplitude(_solver_params(p, 3), np.array(PULSE_DURATIONS),
                                           start_ms=STIM_START_MS)
    pulses = [(STIM_START_MS, T_END_MS)] + [(STIM_START_MS, d) for d in PULSE_DURATIONS]
    rows = []
    for a in STEP_AMPLITUDES:
        rows.append([a, 0.0, 0.0, 0.0])
    for j, thr in enumerate(pulse_thresholds):
        row = [0.0, 0.0, 0.0, 0.0]
        row[1 + j] = 1.5 * thr
        rows.append(row)
    checked = _compare(name, p, np.array(rows), pulses, T_END_MS)
    assert checked >= 7  # the matrix really exercises spikes


@pytest.mark.parametrize("name", ["standard 6.3C", "warm 18.5C", "E_Na +60, E_K -90"])
def test_thresholds_match_reference_within_0p1_percent(name):
    """Reference: no spike at 0.999 x threshold, a spike at 1.001 x threshold."""
    p = CONDITIONS[name]
    durations = np.array(PULSE_DURATIONS)
    thr = threshold_amplitude(_solver_params(p, 3), durations, start_ms=STIM_START_MS, rel_tol=1e-5)
    assert np.all(np.isfinite(thr)) and np.all(thr > 0)
    rows = np.zeros((6, 3))
    for j in range(3):
        rows[2 * j, j] = thr[j] * (1 - THRESHOLD_REL_TOL)
        rows[2 * j + 1, j] = thr[j] * (1 + THRESHOLD_REL_TOL)
    ref = _reference_run(p, rows, [(STIM_START_MS, d) for d in durations], 25.0)
    for j in range(3):
        assert ref[2 * j]["times"].size == 0, (name, durations[j], thr[j])
        assert ref[2 * j + 1]["times"].size == 1, (name, durations[j], thr[j])


def test_rest_matches_reference_rest():
    for p in CONDITIONS.values():
        res = simulate(_solver_params(p, 1), Stimulus(), 1.0)
        assert abs(res.rest_mV[0] - _reference_rest(p)[0]) < 1e-9


def test_ramp_and_paired_pulses_match_reference_at_breakpoints():
    """A current that jumps mid-spike: breakpoints land exactly, features still agree."""
    p = CONDITIONS["standard 6.3C"]
    # Paired 1 ms pulses (second during the first spike's repolarisation) as pulses.
    rows = np.array([[20.0, 20.0], [20.0, 0.0], [0.0, 20.0]])
    _compare("paired", p, rows, [(2.0, 1.0), (4.0, 1.0)], 25.0)
