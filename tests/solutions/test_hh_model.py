"""HH model: parameters, rate functions (removable singularities), rest."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spikeset.errors import ParameterError
from spikeset.solutions.hh_model import (
    HHParams, _steady_state_current_at, alpha_h, alpha_m, alpha_n, beta_h, beta_m, beta_n, exprel_inverse,
    h_inf, ionic_current, m_inf, n_inf, resting_potential, resting_state, steady_state, steady_state_current,
    tau_h, tau_m, tau_n, temperature_factor, time_constant)


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


# ---------------------------------------------------------------------------
# The math-module path for single Python floats, and the scalar resting potential
# ---------------------------------------------------------------------------

_PROBE = np.linspace(-60.0, 60.0, 2001)
#: numpy's exp, expm1 and power give the math module's values bit for bit unless numpy brings its
#: own SIMD kernels for this CPU (AVX-512); there the float path may differ by an ulp.
SAME_LIBM = bool(np.array_equal(np.exp(_PROBE), [math.exp(x) for x in _PROBE])
                 and np.array_equal(np.expm1(_PROBE), [math.expm1(x) for x in _PROBE])
                 and np.array_equal(3.0 ** (_PROBE / 10.0), [3.0 ** (x / 10.0) for x in _PROBE]))


def assert_same(actual, expected, *, atol=1e-12):
    """Bit for bit where numpy and the math module share their functions; within rounding elsewhere."""
    if SAME_LIBM:
        np.testing.assert_array_equal(actual, expected)
    else:
        np.testing.assert_allclose(actual, expected, rtol=1e-13, atol=atol)


# Random voltages, the removable singularities, both sides of the series switch (|x| = 1e-2),
# and the ends of the math path's range.
VOLTAGES = np.concatenate([
    np.random.default_rng(7).uniform(-150.0, 100.0, 300),
    [-40.0, -55.0, -40.0 + 1e-12, -55.0 - 1e-9, -39.9, -40.1, -54.9, -55.1,
     np.nextafter(-39.9, 0.0), np.nextafter(-54.9, -100.0), 0.0, -499.0, 499.0]])


@pytest.mark.parametrize("temperature", [6.3, -20.0, 18.5, 37.0])
@pytest.mark.parametrize("rate", [alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n, tau_m, tau_h, tau_n])
def test_float_path_gives_the_array_paths_values(rate, temperature):
    singles = [rate(float(v), temperature) for v in VOLTAGES]
    assert all(type(x) is float for x in singles)
    assert_same(singles, rate(VOLTAGES, temperature))


@pytest.mark.parametrize("gate", "mhn")
def test_float_path_of_steady_states_and_exprel(gate):
    singles = [steady_state(gate, float(v)) for v in VOLTAGES]
    assert all(type(x) is float for x in singles)
    assert_same(singles, steady_state(gate, VOLTAGES))
    assert_same([time_constant(gate, float(v), 12.0) for v in VOLTAGES], time_constant(gate, VOLTAGES, 12.0))
    x = (VOLTAGES + 40.0) / 10.0
    assert_same([exprel_inverse(float(v)) for v in x], exprel_inverse(x))
    t = np.linspace(-20.0, 60.0, 81)
    assert_same([temperature_factor(float(v)) for v in t], temperature_factor(t))


def test_other_inputs_keep_the_numpy_path():
    # numpy scalars count as floats; ints, 0-d arrays and far-out values take numpy as before
    assert type(m_inf(np.float64(-50.0))) is float
    assert isinstance(m_inf(-50), np.floating) and isinstance(m_inf(np.array(-50.0)), np.floating)
    assert isinstance(alpha_m(-50.0, np.array([6.3, 20.0])), np.ndarray)
    # beyond +-500 mV / degC numpy saturates (inf, 0) where math.exp would raise OverflowError
    with np.errstate(over="ignore"):
        assert m_inf(-20000.0) == 0.0 and float(beta_h(-20000.0)) == 0.0
        assert float(temperature_factor(1e4)) == math.inf
        assert float(exprel_inverse(-800.0)) == 0.0


def _random_params(rng) -> HHParams:
    """Scalar HH parameters: wide ranges, or the printed values of the refractory family."""
    if rng.random() < 0.5:
        return HHParams(g_Na=float(rng.uniform(0.0, 200.0)), g_K=float(rng.uniform(0.0, 60.0)),
                        g_L=float(rng.uniform(0.01, 2.0)), E_Na=float(rng.uniform(20.0, 80.0)),
                        E_K=float(rng.uniform(-110.0, -50.0)), E_L=float(rng.uniform(-90.0, 0.0)))
    return HHParams(g_Na=float(rng.integers(100, 131)), g_K=float(rng.integers(30, 41)),
                    g_L=round(float(rng.uniform(0.2, 0.4)), 2), E_Na=round(float(rng.uniform(50.0, 60.0)), 1),
                    E_K=round(float(rng.uniform(-82.0, -72.0)), 1), E_L=round(float(rng.uniform(-58.0, -50.0)), 1))


def test_scalar_steady_state_current_gives_the_array_paths_values():
    rng = np.random.default_rng(3)
    for _ in range(40):
        p = _random_params(rng)
        V = np.concatenate([rng.uniform(-120.0, 80.0, 100), [-40.0, -55.0, -35.0, -65.0]])
        singles = [_steady_state_current_at(float(v), p.g_Na, p.g_K, p.g_L, p.E_Na, p.E_K, p.E_L) for v in V]
        assert_same(singles, steady_state_current(p, V), atol=1e-9)


@pytest.mark.parametrize("xtol", [0.0, 1e-6, 1e-3])
def test_resting_potential_is_resting_states_root(xtol):
    rng = np.random.default_rng(11)
    for _ in range(120):
        p = _random_params(rng)
        v = resting_potential(p, xtol_mV=xtol)
        assert type(v) is float
        assert_same(v, resting_state(p, xtol_mV=xtol).V_mV[0], atol=max(xtol, 1e-9))


@pytest.mark.parametrize("changes", [
    {},                                                   # classic squid: about -65 mV
    dict(E_Na=-60.0, E_K=-60.0, E_L=-60.0),               # one reversal potential: no scan
    dict(E_Na=-60.0, E_K=-60.1, E_L=-59.95),              # all within one scan step
    dict(g_Na=0.0, E_L=-77.0),                            # zero current at the lowest potential
    dict(E_K=-600.0),                                     # beyond the math range: resting_state itself
])
def test_resting_potential_edge_cases(changes):
    p = HHParams(**changes)
    for xtol in (0.0, 1e-6):
        assert resting_potential(p, xtol_mV=xtol) == resting_state(p, xtol_mV=xtol).V_mV[0]


def test_resting_potential_takes_one_variant_only():
    with pytest.raises(ParameterError, match="resting_state"):
        resting_potential(HHParams(g_Na=np.array([100.0, 120.0])))


def test_scalar_fields_are_stored_as_floats():
    p = HHParams(g_Na=np.float64(100.0), g_K=36, E_K=np.array(-77.0), temperature=True)
    for name in ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature"):
        assert type(getattr(p, name)) is float
    assert p.g_K == 36.0 and p.temperature == 1.0


def test_broadcast_of_broadcast_params_is_the_same_read_only_object():
    b = HHParams(g_Na=np.array([100.0, 120.0])).broadcast()
    assert b.broadcast() is b and b.broadcast(2) is b
    assert not any(getattr(b, name).flags.writeable for name in ("g_Na", "g_K", "temperature"))
    with pytest.raises(ParameterError):
        b.broadcast(3)
    one = HHParams().broadcast(1)
    assert one.g_Na.shape == (1,) and one.broadcast(3).g_Na.shape == (3,)
