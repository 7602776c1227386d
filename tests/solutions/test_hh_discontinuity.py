"""Spikes whose peak lands on a stimulus discontinuity (a forced step boundary) or on t_end.

Regression: a spike whose maximum falls exactly on a pulse's end (dV/dt > 0 before the
boundary, < 0 after it) had no interior root of dV/dt in either step and was not counted,
which made threshold searches wrong for ~0.5 % of random variants.  The reference here is an
independent scipy ``solve_ivp(Radau)`` integration of the 1952 equations written again here.
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
from parallel_reference import reference_map

BASE = dict(C_m=1.0, g_Na=120.0, g_K=36.0, g_L=0.3, E_Na=50.0, E_K=-77.0, E_L=-54.387, temperature=6.3)


def _xexp(x):
    return 1.0 + x / 2.0 if abs(x) < 1e-7 else x / (1.0 - np.exp(-x))


def _rates(V, phi):
    return (phi * _xexp((V + 40.0) / 10.0), phi * 4.0 * np.exp(-(V + 65.0) / 18.0),
            phi * 0.07 * np.exp(-(V + 65.0) / 20.0), phi / (1.0 + np.exp(-(V + 35.0) / 10.0)),
            phi * 0.1 * _xexp((V + 55.0) / 10.0), phi * 0.125 * np.exp(-(V + 65.0) / 80.0))


def _rest(p):
    def current(V):
        am, bm, ah, bh, an, bn = _rates(V, 1.0)
        m, h, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
        return (p["g_Na"] * m ** 3 * h * (V - p["E_Na"]) + p["g_K"] * n ** 4 * (V - p["E_K"])
                + p["g_L"] * (V - p["E_L"]))
    v = brentq(current, -90.0, -40.0, xtol=1e-14)
    am, bm, ah, bh, an, bn = _rates(v, 1.0)
    return [v, am / (am + bm), ah / (ah + bh), an / (an + bn)]


def _radau_pulse(p, amp, start, dur, t_end):
    """(spike count = excursions above 0 mV, max V, time of max V) of one pulse, Radau piecewise."""
    phi = 3.0 ** ((p["temperature"] - 6.3) / 10.0)

    def rhs(t, y, i_stim):
        V, m, h, n = y
        am, bm, ah, bh, an, bn = _rates(V, phi)
        i_ion = (p["g_Na"] * m ** 3 * h * (V - p["E_Na"]) + p["g_K"] * n ** 4 * (V - p["E_K"])
                 + p["g_L"] * (V - p["E_L"]))
        return [(i_stim - i_ion) / p["C_m"], am * (1 - m) - bm * m, ah * (1 - h) - bh * h,
                an * (1 - n) - bn * n]
    y = _rest(p)
    ts, vs = [], []
    for t0, t1, cur in ((0.0, start, 0.0), (start, start + dur, amp), (start + dur, t_end, 0.0)):
        if t1 <= t0:
            continue
        sol = solve_ivp(rhs, (t0, t1), y, method="Radau", args=(cur,), rtol=1e-10, atol=1e-10,
                        max_step=0.01, dense_output=True)
        grid = np.linspace(t0, t1, int((t1 - t0) / 0.001) + 2)
        ts.append(grid)
        vs.append(sol.sol(grid)[0])
        y = sol.y[:, -1]
    t, v = np.concatenate(ts), np.concatenate(vs)
    above = v > 0.0
    count = int(above[0]) + int(np.sum(above[1:] & ~above[:-1]))
    k = int(np.argmax(v))
    return count, float(v[k]), float(t[k])


def _pp(**kw):
    return {**BASE, **kw}


def test_spike_peaking_exactly_at_pulse_end_is_counted():
    p = _pp(g_Na=147.0, g_K=41.0, temperature=11.0)
    res = simulate(HHParams(g_Na=147.0, g_K=41.0, temperature=11.0),
                   Stimulus.pulse([6.81818182], 2.0, [2.2]), 29.2)
    count, vmax, tmax = _radau_pulse(p, 6.81818182, 2.0, 2.2, 29.2)
    assert count == 1
    assert res.spike_count[0] == 1
    assert res.spike_times_ms[0, 0] == pytest.approx(tmax, abs=2e-3)
    assert res.spike_times_ms[0, 0] == pytest.approx(4.2, abs=1e-9)   # the kink at the pulse's end
    assert res.spike_peaks_mV[0, 0] == pytest.approx(vmax, abs=0.05)


def test_spike_peaking_exactly_at_t_end():
    params = HHParams(g_Na=147.0, g_K=41.0, temperature=11.0)
    stim = Stimulus.pulse([6.81818182], 2.0, [2.2])
    # t_end on the pulse's end: V rises up to t_end and falls just after it -> its peak is t_end
    at_end = simulate(params, stim, 4.2)
    assert at_end.spike_count[0] == 1 and at_end.spike_times_ms[0, 0] == pytest.approx(4.2)
    # slightly earlier, V is still rising: the peak has not been passed, no spike yet
    assert simulate(params, stim, 4.15).spike_count[0] == 0


def test_minimum_at_a_pulse_onset_is_an_ahp_candidate():
    # a second pulse starting during the undershoot makes V's minimum a kink at its onset
    params = HHParams()
    one = simulate(params, Stimulus.pulse(20.0, 2.0, 1.0), 40.0)
    t_min = float(one.ahp_time_ms[0])
    two = simulate(params, Stimulus.paired_pulses(20.0, 1.0, t_min - 2.0 - 0.3, start_ms=2.0,
                                                  second_amplitude=1.0), 40.0)
    assert two.ahp_min_mV[0] >= one.ahp_min_mV[0] - 1e-6
    assert two.ahp_time_ms[0] <= t_min + 1e-6


def _peak_on_pulse_end_batch(n, seed):
    """n random variants whose pulse ends 0-0.06 ms before the spike's natural peak (so that the
    maximum is the kink at the pulse's end), plus amplitudes around threshold."""
    rng = np.random.default_rng(seed)
    g_na = rng.uniform(100.0, 150.0, n).round()
    g_k = rng.uniform(30.0, 42.0, n).round()
    temp = rng.uniform(6.3, 20.0, n).round(1)
    amp = rng.uniform(6.0, 30.0, n)
    params = HHParams(g_Na=g_na, g_K=g_k, temperature=temp)
    long = simulate(params, Stimulus.pulse(amp, 2.0, 40.0), 42.0, stop_after_spikes=1)
    fired = long.spike_count > 0
    t_peak = np.where(fired, long.first_spike_time_ms, 10.0)
    dur = np.maximum(t_peak - 2.0 - rng.uniform(0.0, 0.06, n), 0.05)
    return params, amp, dur, fired


@pytest.mark.parametrize("seed", [1, 2])
def test_random_batch_near_pulse_end_matches_per_variant_checks(seed):
    n = 150
    params, amp, dur, fired = _peak_on_pulse_end_batch(n, seed)
    stim = Stimulus.pulse(amp, 2.0, dur)
    batch = simulate(params, stim, 40.0, record=True, record_dt_ms=0.002)
    v = np.nan_to_num(batch.trace.V_mV, nan=-100.0)
    above = v > 0.0
    crossings = above[:, 0].astype(int) + np.sum(above[:, 1:] & ~above[:, :-1], axis=1)
    # every variant with a spike in the long pulse keeps it (V is at its maximum as the pulse ends)
    assert np.all(batch.spike_count[fired] >= 1)
    np.testing.assert_array_equal(batch.spike_count, crossings)
    # each variant alone gives the same answer as in the batch
    for j in range(0, n, 10):
        alone = simulate(params.variant(j), Stimulus.pulse(amp[j], 2.0, dur[j]), 40.0)
        assert alone.spike_count[0] == batch.spike_count[j]
    # and an independent Radau solve agrees on a few
    checked = np.flatnonzero(fired)[:4]
    radau = reference_map(_radau_pulse, [
        (_pp(g_Na=float(params.g_Na[j]), g_K=float(params.g_K[j]), temperature=float(params.temperature[j])),
         float(amp[j]), 2.0, float(dur[j]), 40.0) for j in checked])
    for j, (count, vmax, _) in zip(checked, radau, strict=True):
        assert batch.spike_count[j] == count
        assert batch.spike_peaks_mV[j, 0] == pytest.approx(vmax, abs=0.05)


def test_threshold_search_agrees_with_trace_crossings_on_random_variants():
    rng = np.random.default_rng(7)
    n = 200
    params = HHParams(g_Na=rng.uniform(100, 150, n).round(), g_K=rng.uniform(30, 42, n).round(),
                      temperature=rng.uniform(6.3, 20.0, n).round(1))
    dur = rng.uniform(0.5, 5.0, n).round(1)
    thr = threshold_amplitude(params, dur, rel_tol=1e-4)
    assert np.all(np.isfinite(thr))
    t_end = 2.0 + dur.max() + 25.0 / 1.0
    for factor, expect in ((1 - 2e-3, False), (1 + 2e-3, True)):
        res = simulate(params, Stimulus.pulse(thr * factor, 2.0, dur), float(t_end), record=True,
                       record_dt_ms=0.005)
        v = np.nan_to_num(res.trace.V_mV, nan=-100.0)
        t = res.trace.t_ms
        # a spike within the response window of each variant (25 ms after the pulse's end; phi >= 1)
        in_window = t[None, :] <= (2.0 + dur + 25.0)[:, None]
        spiked = np.any((v > 0.0) & in_window, axis=1)
        np.testing.assert_array_equal(spiked, np.full(n, expect))
