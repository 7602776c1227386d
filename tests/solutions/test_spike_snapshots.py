"""spikeset.solutions.spike_snapshots against an independent Radau solution (tests/hh_reference.py)."""
import numpy as np
import pytest

from hh_reference import ref_sim
from spikeset.solutions import spike_snapshots as S
from spikeset.solutions.hh_model import HHParams

CLASSIC = {"C_m": 1.0, "g_Na": 120.0, "g_K": 36.0, "g_L": 0.3, "E_Na": 50.0, "E_K": -77.0, "E_L": -54.387,
           "temperature": 6.3}


def test_classic_spike_snapshots_match_radau():
    t, V, m, h, n = ref_sim(CLASSIC, [(S.PULSE_START_ms, S.PULSE_START_ms + S.PULSE_DURATION_ms,
                                      S.PULSE_uA_PER_CM2)], 6.0, dt=0.0005)
    k_peak = int(np.argmax(V))
    # a batch of one membrane, asked at several levels on both phases
    levels = np.array([-30.0, 0.0, 20.0, 0.0, -30.0, 20.0])
    rising = np.array([True, True, True, False, False, False])
    params = HHParams(**{k: np.full(len(levels), v) for k, v in CLASSIC.items()})
    snap = S.record_spikes(params).snapshot(levels, rising)
    assert snap.peak_mV == pytest.approx(np.full(len(levels), V[k_peak]), abs=0.05)
    for i, (level, up) in enumerate(zip(levels, rising)):
        seg = np.arange(0, k_peak) if up else np.arange(k_peak, len(V))
        j = seg[int(np.argmin(np.abs(V[seg] - level)))]
        assert abs(V[j] - level) < 0.5
        assert snap.V_mV[i] == level
        assert snap.t_ms[i] == pytest.approx(t[j], abs=0.003)
        assert (snap.m[i], snap.h[i], snap.n[i]) == pytest.approx((m[j], h[j], n[j]), abs=3e-3)
        assert snap.dVdt_mV_per_ms[i] == pytest.approx(np.gradient(V, t)[j], rel=0.05)
    # rising faster than falling, and the gates tell the phases apart
    assert snap.dVdt_mV_per_ms[1] > 0 > snap.dVdt_mV_per_ms[3]
    assert snap.h[3] < snap.h[1] and snap.n[3] > snap.n[1] and snap.m[3] > snap.m[1]


def test_no_spike_or_level_above_peak_gives_nan():
    params = HHParams(g_Na=np.array([0.0, 120.0]), g_K=36.0)
    snap = S.record_spikes(params).snapshot(np.array([0.0, 80.0]), True)
    assert np.isnan(snap.peak_mV[0]) and np.isfinite(snap.peak_mV[1])
    assert np.all(np.isnan(snap.V_mV)) and np.all(np.isnan(snap.m))
