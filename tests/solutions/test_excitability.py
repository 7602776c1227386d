"""spikeset.solutions.excitability against independent references."""
import math

import numpy as np
import pytest

from spikeset.solutions import excitability as ex


def m_inf_ref(v):
    a = 0.1 * (v + 40) / (1 - math.exp(-(v + 40) / 10)) if v != -40 else 1.0
    b = 4 * math.exp(-(v + 65) / 18)
    return a / (a + b)


def test_textbook_m_inf():
    assert m_inf_ref(-65) == pytest.approx(0.0529, abs=1e-4)
    assert float(ex.m_inf(-65.0)) == pytest.approx(0.0529, abs=1e-4)


@pytest.mark.parametrize("v", [-90.0, -65.0, -55.3, -40.0 + 1e-6, -40.0, -39.99, -20.0, 0.0, 30.0])
def test_dm_inf_dv_matches_central_difference(v):
    h = 1e-4
    fd = (m_inf_ref(v + h) - m_inf_ref(v - h)) / (2 * h)
    assert float(ex.dm_inf_dV(v)) == pytest.approx(fd, rel=1e-6, abs=1e-12)


def test_dm_inf_dv_smooth_across_singularity():
    v = np.linspace(-40.01, -39.99, 41)
    d = ex.dm_inf_dV(v)
    assert np.all(np.isfinite(d))
    assert np.max(np.abs(np.diff(d))) < 1e-5


CASES = [  # gbar_na, h, e_na, g_l, gbar_k, n
    (120.0, 0.596, 50.0, 0.3, 36.0, 0.3177),
    (100.0, 0.45, 55.0, 0.5, 30.0, 0.35),
    (150.0, 0.7, 48.0, 0.2, 0.0, 0.0),
]


@pytest.mark.parametrize("case", CASES)
def test_slope_is_derivative_of_current(case):
    gna, h, ena, gl, gk, n = case
    for v in np.linspace(-85, 40, 37):
        dv = 1e-4
        i = lambda x: float(ex.instantaneous_current(x, gna, h, ena, gl, -54.4, gk, n, -77.0))
        fd = (i(v + dv) - i(v - dv)) / (2 * dv)
        assert float(ex.slope_conductance(v, gna, h, ena, gl, gk, n)) == pytest.approx(fd, rel=1e-6, abs=1e-6)
        chord, act = ex.sodium_slope_terms(v, gna, h, ena)
        assert chord >= 0 and (act < 0) == (v < ena)


@pytest.mark.parametrize("case", CASES)
def test_threshold_is_sign_change(case):
    gna, h, ena, gl, gk, n = case
    vt = ex.threshold_voltage(gna, h, ena, gl, gk, n)
    s = lambda x: float(ex.slope_conductance(x, gna, h, ena, gl, gk, n))
    assert abs(s(vt)) < 1e-6
    assert s(vt - 0.01) > 0 > s(vt + 0.01)
    # it is the first crossing above -90 mV: positive everywhere below
    assert all(s(x) > 0 for x in np.arange(-90, vt - 0.01, 0.05))
    assert -75 < vt < -40


def test_no_threshold_without_sodium():
    with pytest.raises(ValueError):
        ex.threshold_voltage(0.0, 0.6, 50.0, 0.3, 36.0, 0.32)


def test_batched_thresholds_are_each_variants_sign_change():
    rng = np.random.default_rng(3)
    gna, h = rng.uniform(80, 160, 40), rng.uniform(0.4, 0.7, 40)
    ena, gl = rng.uniform(45, 60, 40), rng.uniform(0.2, 0.4, 40)
    gk, n = rng.uniform(25, 45, 40), rng.uniform(0.28, 0.36, 40)
    gna[5] = 0.0                                    # no regenerative region: NaN, others unaffected
    vts = ex.threshold_voltages(gna, h, ena, gl, gk, n)
    assert np.isnan(vts[5]) and np.isfinite(np.delete(vts, 5)).all()
    for i in np.flatnonzero(np.isfinite(vts)):
        s = lambda x: float(ex.slope_conductance(x, gna[i], h[i], ena[i], gl[i], gk[i], n[i]))
        assert s(vts[i] - 1e-3) > 0 > s(vts[i] + 1e-3), i
        assert all(s(x) > 0 for x in np.arange(-90, vts[i] - 1e-3, 0.25))
