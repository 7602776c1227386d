"""HH model: parameters, rate functions (removable singularities), rest."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spikeset.errors import ParameterError
from spikeset.solutions.hh_model import (
    HHParams, alpha_h, alpha_m, alpha_n, beta_h, beta_m, beta_n, exprel_inverse, h_inf, ionic_current,
    m_inf, n_inf, resting_state, steady_state_current, tau_m, tau_n, temperature_factor)


def _exact_fraction(x: float) -> float:
    """x / (1 - exp(-x)) computed with mpmath-free high precision (Decimal-free series/closed form)."""
    if x == 0:
        return 1.0
    # math.expm1 is correctly rounded enough; this is the plain closed form away from 0.
    return x / -math.expm1(-x)


@pytest.mark.parametrize("offset", [0.0, 1e-9, -1e-9, 1e-12, -1e-12, 1e-6, -1e-6, 0.05, -0.05])
def test_alpha_m_near_minus_40_matches_analytic_limit(offset):
    V = -40.0 + offset
    x = offset / 10.0
    expected = 1.0 + x / 2.0 + x * x / 12.0  # Taylor series of x/(1-exp(-x)), exact to < 1e-12 here
    if abs(x) > 1e-3:
        expected = _exact_fraction(x)
    assert alpha_m(V) == pytest.approx(expected, rel=1e-14, abs=0)
    assert math.isfinite(float(alpha_m(V)))


@pytest.mark.parametrize("offset", [0.0, 1e-9, -1e-9, 1e-12, -1e-6, 0.05])
def test_alpha_n_near_minus_55_matches_analytic_limit(offset):
    V = -55.0 + offset
    x = offset / 10.0
    expected = 0.1 * (1.0 + x / 2.0 + x * x / 12.0) if abs(x) <= 1e-3 else 0.1 * _exact_fraction(x)
    assert alpha_n(V) == pytest.approx(expected, rel=1e-14, abs=0)


def test_singular_points_exact_values():
    assert float(alpha_m(-40.0)) == 1.0
    assert float(alpha_n(-55.0)) == 0.1
    assert float(exprel_inverse(0.0)) == 1.0


def test_rates_continuous_across_series_switch():
    # The series / expm1 switch at |x| = 1e-2 must not leave a step.
    for x0 in (1e-2, -1e-2):
        below = exprel_inverse(np.nextafter(x0, 0.0))
        above = exprel_inverse(x0)
        assert abs(below - above) < 1e-14


def test_rates_match_textbook_formula_away_from_singularities():
    V = np.array([-100.0, -80.0, -65.0, -30.0, 0.0, 40.0])
    np.testing.assert_allclose(alpha_m(V), 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10)), rtol=1e-13)
    np.testing.assert_allclose(beta_m(V), 4 * np.exp(-(V + 65) / 18), rtol=1e-14)
    np.testing.assert_allclose(alpha_h(V), 0.07 * np.exp(-(V + 65) / 20), rtol=1e-14)
    np.testing.assert_allclose(beta_h(V), 1 / (1 + np.exp(-(V + 35) / 10)), rtol=1e-14)
    np.testing.assert_allclose(alpha_n(V), 0.01 * (V + 55) / (1 - np.exp(-(V + 55) / 10)), rtol=1e-13)
    np.testing.assert_allclose(beta_n(V), 0.125 * np.exp(-(V + 65) / 80), rtol=1e-14)


def test_temperature_scales_every_rate_by_phi():
    phi = 3 ** ((18.5 - 6.3) / 10)
    assert temperature_factor(18.5) == pytest.approx(phi)
    assert temperature_factor(6.3) == 1.0
    for rate in (alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n):
        assert rate(-50.0, 18.5) == pytest.approx(phi * rate(-50.0))
    # steady states do not depend on temperature, time constants shrink by phi
    assert tau_m(-50.0, 18.5) == pytest.approx(tau_m(-50.0) / phi)
    assert tau_n(-50.0, 18.5) == pytest.approx(tau_n(-50.0) / phi)


@given(st.floats(-120.0, 60.0))
@settings(max_examples=200, deadline=None)
def test_steady_states_are_probabilities(V):
    for x in (m_inf(V), h_inf(V), n_inf(V)):
        assert 0.0 < float(x) < 1.0


def test_default_rest_has_zero_current_and_is_computed():
    rest = resting_state(HHParams())
    v = rest.V_mV[0]
    assert abs(float(steady_state_current(HHParams(), v))) < 1e-9
    assert abs(float(ionic_current(HHParams(), v, rest.m, rest.h, rest.n)[0])) < 1e-9
    assert -65.1 < v < -64.9  # E_L = -54.387 is chosen to give about -65 mV
    assert rest.m[0] == pytest.approx(float(m_inf(v)))


@pytest.mark.parametrize("changes", [
    dict(E_K=-90.0), dict(E_K=-70.0, g_L=1.0), dict(g_Na=60.0), dict(E_L=-60.0),
    dict(E_Na=60.0, E_K=-90.0), dict(temperature=18.5, g_K=20.0)])
def test_rest_is_a_true_root_not_assumed_minus_65(changes):
    params = HHParams(**changes)
    v = resting_state(params).V_mV[0]
    assert abs(float(steady_state_current(params, v))) < 1e-9
    if "E_K" in changes or "E_L" in changes or "g_K" in changes:
        assert abs(v + 65.0) > 0.1


def test_rest_is_batched():
    params = HHParams(E_K=np.array([-77.0, -90.0, -70.0]), g_Na=np.array([120.0, 60.0, 120.0]))
    rest = resting_state(params)
    assert rest.V_mV.shape == (3,)
    np.testing.assert_array_less(np.abs(steady_state_current(params, rest.V_mV)), 1e-9)
    single = [resting_state(params.variant(i)).V_mV[0] for i in range(3)]
    np.testing.assert_allclose(rest.V_mV, single, atol=1e-12)


def test_params_broadcast_and_variants():
    params = HHParams(g_Na=np.array([100.0, 120.0]), temperature=10.0)
    assert params.n_variants == 2
    b = params.broadcast()
    assert b.temperature.shape == (2,) and np.all(b.temperature == 10.0)
    assert HHParams().n_variants == 1
    assert HHParams().broadcast(4).g_K.shape == (4,)
    with pytest.raises(ParameterError):
        params.broadcast(3)
    assert params.variant(1).g_Na == 120.0
    with pytest.raises(Exception):
        params.g_Na[0] = 1.0  # frozen content


@pytest.mark.parametrize("bad", [
    dict(g_Na=-1.0), dict(g_K=-0.1), dict(g_L=np.array([0.3, -0.3])), dict(C_m=0.0),
    dict(E_Na=float("nan")), dict(E_K=float("inf")), dict(temperature=200.0),
    dict(g_Na=np.array([1.0, 2.0]), g_K=np.array([1.0, 2.0, 3.0])), dict(g_Na="abc"),
    dict(g_K=0.0, g_L=0.0), dict(g_Na=np.zeros((2, 2)))])
def test_bad_parameters_raise_parameter_error(bad):
    with pytest.raises(ParameterError):
        HHParams(**bad)


def test_unknown_parameter_name_raises():
    with pytest.raises(ParameterError, match="unknown parameter"):
        HHParams.from_mapping({"gNa": 120.0})
    assert HHParams.from_mapping({"g_Na": 100.0}).g_Na == 100.0
