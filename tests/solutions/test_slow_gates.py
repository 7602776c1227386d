"""spikeset.solutions.slow_gates: the protocols' currents, gates_at against an independent LSODA
run (tests/slow_gates_reference.py), and the searches' edge cases (bounded, NaN where nothing fires)."""
from __future__ import annotations

import numpy as np
import pytest

from hh_reference import _rest
from slow_gates_reference import peak_times, run
from spikeset.solutions import slow_gates as S
from spikeset.solutions.hh_model import HHParams

CLASSIC = {"C_m": 1.0, "g_Na": 120.0, "g_K": 36.0, "g_L": 0.3, "E_Na": 50.0, "E_K": -77.0, "E_L": -54.387,
           "temperature": 6.3}


def test_ramp_and_hold_current():
    stim = S.ramp_and_hold(6.0, 0.5, 5.0, 50.0)          # reaches 6 uA/cm2 at t = 17 ms, held to 67 ms
    i = stim.current(np.array([0.0, 5.0, 11.0, 16.99, 17.0, 40.0, 66.99, 67.0, 80.0]))[0]
    assert i == pytest.approx([0.0, 0.0, 3.0, 5.995, 6.0, 6.0, 6.0, 0.0, 0.0])
    assert S.hyperpolarizing_step(4.0, 5.0, 10.0).current(np.array([4.9, 5.0, 14.9, 15.0]))[0] == \
        pytest.approx([0.0, -4.0, -4.0, 0.0])


def test_gates_at_matches_an_independent_run():
    p = HHParams(**CLASSIC)
    t_at = 17.0
    h, n = S.gates_at(p, S.ramp_and_hold(6.0, 0.2, 5.0, 50.0), t_at)
    t, V, m, h_ref, n_ref = run(CLASSIC, _rest(CLASSIC), [(5.0, 35.0, 0.0, 6.0)], t_at + 0.01)
    assert (h[0], n[0]) == pytest.approx((h_ref[-2], n_ref[-2]), abs=1e-4)
    assert h[0] < _rest(CLASSIC)[2] and n[0] > _rest(CLASSIC)[3]


def test_critical_slope_brackets_the_switch_independently():
    p = HHParams(**CLASSIC)
    s_c = float(S.critical_slope(p, 6.0, start_ms=5.0, hold_ms=50.0)[0])
    assert 0.2 < s_c < 1.0
    for slope, fires in ((0.99 * s_c, False), (1.01 * s_c, True)):
        t_f = 5.0 + 6.0 / slope
        t, V, *_ = run(CLASSIC, _rest(CLASSIC), [(5.0, t_f, 0.0, 6.0), (t_f, t_f + 50.0, 6.0, 6.0)], t_f + 50.0)
        assert (peak_times(t, V).size > 0) is fires


def test_searches_give_nan_where_nothing_fires():
    p = HHParams(**CLASSIC)
    step = float(S.step_threshold(p, start_ms=5.0, hold_ms=50.0)[0])
    # a final current below the step threshold: no ramp fires, however steep
    assert np.isnan(S.critical_slope(p, 0.8 * step, start_ms=5.0, hold_ms=50.0)[0])
    # no Na+ channels: nothing rebounds and no step fires
    dead = HHParams(**{**CLASSIC, "g_Na": 0.0})
    assert np.isnan(S.rebound_threshold(dead, 10.0, start_ms=5.0, window_ms=30.0)[0])
    assert np.isnan(S.step_threshold(dead, start_ms=5.0, hold_ms=50.0)[0])
