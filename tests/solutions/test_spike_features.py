"""Pure-numpy spike features of sampled traces (regular and irregular)."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from spikeset.errors import ParameterError
from spikeset.solutions.spike_features import spike_features


def _bump_train(t, centers, peak=40.0, rest=-65.0, width=0.5, dip=-10.0):
    """Synthetic spikes: Gaussian bumps to ``peak`` with a slower negative dip after each."""
    v = np.full_like(t, rest)
    for c in centers:
        v += (peak - rest) * np.exp(-0.5 * ((t - c) / width) ** 2)
        v += dip * np.exp(-0.5 * ((t - c - 4.0) / 1.0) ** 2)
    return v


def test_synthetic_train_regular_sampling():
    t = np.arange(0.0, 60.0, 0.01)
    f = spike_features(t, _bump_train(t, [10.0, 25.0, 40.0]))
    assert f.spike_count == 3
    np.testing.assert_allclose(f.spike_times_ms, [10.0, 25.0, 40.0], atol=1e-4)
    np.testing.assert_allclose(f.spike_peaks_mV, 40.0, atol=0.01)
    assert f.mean_isi_ms == pytest.approx(15.0, abs=1e-4)
    assert f.firing_rate_hz == pytest.approx(1000.0 / 15.0, rel=1e-4)
    # half-width of a Gaussian at half height: 2 sqrt(2 ln 2) sigma
    assert f.half_width_ms == pytest.approx(2 * np.sqrt(2 * np.log(2)) * 0.5, abs=2e-3)
    assert f.ahp_time_ms == pytest.approx(14.0, abs=0.05)
    assert f.ahp_min_mV == pytest.approx(-75.0, abs=0.05)


def test_irregular_sampling_gives_the_same_features():
    rng = np.random.default_rng(1)
    t = np.sort(np.concatenate([[0.0], rng.uniform(0.0, 60.0, 8000)]))
    t = np.unique(t)
    f = spike_features(t, _bump_train(t, [10.0, 25.0]))
    assert f.spike_count == 2
    np.testing.assert_allclose(f.spike_times_ms, [10.0, 25.0], atol=5e-3)
    np.testing.assert_allclose(f.spike_peaks_mV, 40.0, atol=0.02)
    assert f.half_width_ms == pytest.approx(1.1774, abs=0.02)


def test_matches_streamed_solver_features_on_a_recorded_trace():
    from spikeset.solutions.hh_model import HHParams
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.hh_stimulus import Stimulus
    res = simulate(HHParams(), Stimulus.step(10.0, 2.0), 40.0, record=True, record_dt_ms=0.01)
    tr = res.trace
    f = spike_features(tr.t_ms, tr.V_mV[0], rest_mV=res.rest_mV[0])
    assert f.spike_count == res.spike_count[0] >= 2
    np.testing.assert_allclose(f.spike_times_ms, res.spike_times(0), atol=2e-3)
    np.testing.assert_allclose(f.spike_peaks_mV, res.spike_peaks(0), atol=0.02)
    assert f.half_width_ms == pytest.approx(res.half_width_ms[0], abs=0.01)
    assert f.ahp_min_mV == pytest.approx(res.ahp_min_mV[0], abs=0.02)
    assert f.ahp_time_ms == pytest.approx(res.ahp_time_ms[0], abs=0.02)
    assert f.mean_isi_ms == pytest.approx(res.mean_isi_ms[0], abs=2e-3)
    # irregular: keep a random 40 % of the samples (and the first)
    keep = np.random.default_rng(3).random(tr.t_ms.size) < 0.4
    keep[0] = True
    g = spike_features(tr.t_ms[keep], tr.V_mV[0][keep], rest_mV=res.rest_mV[0])
    assert g.spike_count == f.spike_count
    np.testing.assert_allclose(g.spike_times_ms, res.spike_times(0), atol=0.01)
    np.testing.assert_allclose(g.spike_peaks_mV, res.spike_peaks(0), atol=0.2)


def test_no_spike_trace():
    t = np.linspace(0, 10, 101)
    f = spike_features(t, -65.0 + np.sin(t))
    assert f.spike_count == 0 and f.spike_times_ms.size == 0
    assert np.isnan(f.half_width_ms) and np.isnan(f.ahp_min_mV) and np.isnan(f.mean_isi_ms)
    assert f.rest_mV == -65.0


def test_excursion_cut_by_the_end_of_the_trace():
    t = np.linspace(0, 10, 1001)
    rising = np.where(t < 9.0, -65.0, -65.0 + 200.0 * (t - 9.0))   # still rising above 0 at the end
    assert spike_features(t, rising).spike_count == 0
    falling = _bump_train(t, [9.9])  # peak passed just before the end, still above 0
    assert spike_features(t, falling).spike_count == 1


@pytest.mark.parametrize("t, v", [
    ([0, 1], [0, 1]), ([0, 1, 2], [0, 1]), ([0, 2, 1], [0, 1, 2]),
    ([0, 1, 1], [0, 1, 2]), ([0, 1, 2], [0, np.nan, 2])])
def test_bad_traces_raise(t, v):
    with pytest.raises(ParameterError):
        spike_features(t, v)


def test_module_imports_neither_numba_nor_scipy():
    import subprocess
    code = ("import sys, spikeset.solutions.spike_features; "
            "print(any(m.split('.')[0] in ('numba', 'scipy') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
