"""Batched threshold, repetitive-firing and refractory searches."""
from __future__ import annotations

import numpy as np
import pytest

from spikeset.errors import ParameterError
from spikeset.solutions import hh_search
from spikeset.solutions.hh_model import HHParams
from spikeset.solutions.hh_search import (
    refractory_interval, repetitive_firing_threshold, second_pulse_threshold, threshold_amplitude)
from spikeset.solutions.hh_solver import simulate
from spikeset.solutions.hh_stimulus import Stimulus


def _count(params, stim, t_end):
    return simulate(params, stim, t_end).spike_count


def test_threshold_brackets_the_switch_and_follows_strength_duration():
    durations = np.array([0.1, 1.0, 5.0])
    params = HHParams(g_Na=np.full(3, 120.0))
    thr = threshold_amplitude(params, durations)
    assert np.all(np.diff(thr) < 0)  # shorter pulses need more current
    assert np.all(np.diff(thr * durations) > 0)  # ... but less charge
    below = _count(params, Stimulus.pulse(thr * (1 - 1e-3), 2.0, durations), 30.0)
    above = _count(params, Stimulus.pulse(thr * (1 + 1e-3), 2.0, durations), 30.0)
    assert np.all(below == 0) and np.all(above == 1)


def test_threshold_batch_equals_single_runs_and_uses_one_call_per_step(monkeypatch):
    calls = []
    real = hh_search.simulate

    def counting(params, stimulus, *args, **kwargs):
        calls.append(params.n_variants)
        return real(params, stimulus, *args, **kwargs)

    params = HHParams(g_Na=np.array([100.0, 120.0, 140.0]), temperature=np.array([6.3, 10.0, 18.5]))
    monkeypatch.setattr(hh_search, "simulate", counting)
    batch = threshold_amplitude(params, 1.0)
    # first call: both ends of the 3 starting brackets; then one call per bisection step
    assert len(calls) <= 25 and calls[0] == 6 and max(calls[1:]) <= 3
    monkeypatch.setattr(hh_search, "simulate", real)
    single = [threshold_amplitude(params.variant(i), 1.0)[0] for i in range(3)]
    np.testing.assert_allclose(batch, single, rtol=1e-4)


def test_passive_membrane_only_crosses_zero_by_charging():
    # With g_Na = 0 there is no action potential; the "threshold" (V above 0 mV)
    # is just the current that charges the passive membrane to 0 mV: far larger.
    thr = threshold_amplitude(HHParams(g_Na=np.array([0.0, 120.0])), 1.0)
    assert np.all(np.isfinite(thr)) and thr[0] > 10 * thr[1]


def test_repetitive_firing_threshold_definition():
    params = HHParams()
    rep = repetitive_firing_threshold(params, rel_tol=1e-3)[0]
    assert 5.0 < rep < 8.0  # HH (1952) at 6.3 degC: about 6.2-6.3 uA/cm2
    below = simulate(params, Stimulus.pulse(rep * 0.99, 2.0, 150.0), 152.0)
    above = simulate(params, Stimulus.pulse(rep * 1.01, 2.0, 150.0), 152.0)
    assert below.spike_count[0] < 2 or below.spike_times(0)[-1] < 152.0 - 50.0
    assert above.spike_count[0] >= 2 and above.spike_times(0)[-1] >= 152.0 - 50.0
    warm = repetitive_firing_threshold(HHParams(temperature=18.5))[0]
    assert np.isfinite(warm) and warm != pytest.approx(rep)


def test_refractory_interval_brackets_second_spike():
    params = HHParams(temperature=np.array([6.3, 18.5]))
    refr = refractory_interval(params, 20.0, 1.0)
    assert np.all(np.isfinite(refr)) and refr[1] < refr[0]  # warmer: shorter
    for delay, expected in ((refr + 0.01, 2), (refr - 0.01, 1)):
        stim = Stimulus.paired_pulses(20.0, 1.0, delay, start_ms=2.0)
        np.testing.assert_array_equal(_count(params, stim, 60.0), expected)


def test_refractory_interval_nan_for_subthreshold_pulse():
    assert np.isnan(refractory_interval(HHParams(), 1.0, 1.0)[0])


def test_second_pulse_threshold_is_raised_early_and_recovers_late():
    single = threshold_amplitude(HHParams(), 1.0)[0]
    delays = np.array([12.0, 20.0, 60.0])
    second = second_pulse_threshold(HHParams(g_Na=np.full(3, 120.0)), 1.0, delays, 20.0)
    assert second[0] > second[1] > single * 0.8
    assert second[0] > 1.2 * single
    assert second[2] == pytest.approx(single, rel=0.15)
    # no conditioning spike -> NaN
    assert np.isnan(second_pulse_threshold(HHParams(), 1.0, 20.0, 1.0)[0])


@pytest.mark.parametrize("call", [
    lambda: threshold_amplitude(HHParams(), -1.0),
    lambda: threshold_amplitude(HHParams(), float("nan")),
    lambda: refractory_interval(HHParams(), float("inf"), 1.0),
    lambda: threshold_amplitude(HHParams(g_Na=np.ones(2)), np.ones(3)),
    lambda: repetitive_firing_threshold(HHParams(), step_duration_ms=10.0, final_window_ms=20.0),
])
def test_bad_arguments_raise(call):
    with pytest.raises(ParameterError):
        call()


def test_bisect_monotone_brackets_widen_and_fail_cleanly():
    switch = np.array([0.3, 5.0, 80.0, 1e9])
    calls = []

    def predicate(values, idx):
        calls.append(len(idx))
        return values >= switch[idx]

    out = hh_search.bisect_monotone(predicate, np.full(4, 4.0), np.full(4, 6.0), rel_tol=1e-3, floor=0.0,
                                    ceiling=1e4)
    np.testing.assert_allclose(out[:3], switch[:3], rtol=1e-3)
    assert np.isnan(out[3])                       # nothing up to the ceiling is True
    assert calls[0] == 8                          # both ends of every bracket in one call


def test_search_options_keep_the_definitions():
    params = HHParams(g_Na=np.array([110.0, 130.0]), temperature=np.array([6.3, 12.0]))
    tight = threshold_amplitude(params, 1.0, rel_tol=1e-4)
    loose = threshold_amplitude(params, 1.0, rel_tol=2.8e-3, rtol=1e-6, atol=1e-6, bracket=(1.0, 50.0))
    np.testing.assert_allclose(loose, tight, rtol=2e-3)
    rep = repetitive_firing_threshold(params, rel_tol=1e-3, rtol=1e-5, atol=1e-5, bracket=5.0, spread=1.5)
    np.testing.assert_allclose(rep, repetitive_firing_threshold(params, rel_tol=1e-3), rtol=2e-3)


def test_early_stop_from_a_time_and_per_variant_end_match_full_runs():
    params = HHParams(g_Na=np.full(4, 120.0))
    amps = np.array([5.0, 6.5, 9.0, 20.0])
    stim = Stimulus.pulse(amps, 2.0, 150.0)
    full = simulate(params, stim, 152.0)
    early = simulate(params, stim, 152.0, stop_after_spikes=2, stop_from_ms=102.0)
    decided = (full.spike_count >= 2) & (np.array([full.spike_times(i)[-1] if full.spike_count[i] else -1
                                                   for i in range(4)]) >= 102.0)
    decided_early = (early.spike_count >= 2) & (np.array([early.spike_times(i)[-1] if early.spike_count[i]
                                                          else -1 for i in range(4)]) >= 102.0)
    np.testing.assert_array_equal(decided, decided_early)
    assert np.all(early.n_steps[decided] < full.n_steps[decided])
    ends = np.array([30.0, 60.0, 90.0, 152.0])
    each = simulate(params, stim, ends)
    for i, t_end in enumerate(ends):
        alone = simulate(params.variant(i), Stimulus.pulse(amps[i], 2.0, 150.0), float(t_end))
        assert each.spike_count[i] == alone.spike_count[0]
        np.testing.assert_allclose(each.spike_times(i), alone.spike_times(0), rtol=0, atol=1e-12)
