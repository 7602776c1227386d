"""spikeset.solutions.membrane against independent references."""
import math

import numpy as np
import pytest

from spikeset.solutions import membrane as mb
from spikeset.solutions.electrochemistry import nernst_potential

R, F = 8.314462618, 96485.33212


def test_weighted_potential_is_zero_current_point():
    rng = np.random.default_rng(1)
    for _ in range(200):
        g = rng.uniform(0.01, 10, 3)
        e = rng.uniform(-100, 60, 3)
        v = mb.weighted_potential(list(g), list(e))
        assert abs(np.sum(g * (v - e))) < 1e-9 * np.sum(g) * 100
        assert e.min() - 1e-12 <= v <= e.max() + 1e-12


def test_weighted_potential_rejects_bad_input():
    with pytest.raises(ValueError):
        mb.weighted_potential([0.0, 0.0], [-80, 50])
    with pytest.raises(ValueError):
        mb.weighted_potential([1.0], [-80, 50])


def test_conductance_for_potential_inverts_weighted_potential():
    rng = np.random.default_rng(2)
    for _ in range(200):
        g_k, g_cl, g_na = rng.uniform(0.1, 5, 3)
        e_k, e_cl, e_na = rng.uniform(-100, -85), rng.uniform(-75, -60), rng.uniform(45, 65)
        v = mb.weighted_potential([g_k, g_cl, g_na], [e_k, e_cl, e_na])
        assert mb.conductance_for_potential(v, e_na, [g_k, g_cl], [e_k, e_cl]) == pytest.approx(g_na, rel=1e-10)


def test_na_k_ratio():
    # V = (E_K + r E_Na)/(1 + r); with E_K=-90, E_Na=60, r=0.05: V = (-90+3)/1.05
    assert mb.na_k_ratio_for_potential((-90 + 3) / 1.05, 60, -90) == pytest.approx(0.05, rel=1e-12)
    with pytest.raises(ValueError):
        mb.na_k_ratio_for_potential(-95, 60, -90)


def test_ghk_squid_textbook():
    # Hodgkin & Katz (1949) squid axon, P_K:P_Na:P_Cl = 1:0.04:0.45, K 20/400, Na 440/50,
    # Cl 560/52 mM (Kandel, Principles of Neural Science): about -60 mV near 18.5 degC.
    v = mb.ghk_potential(1, 0.04, 0.45, 20, 400, 440, 50, 560, 52, 18.5)
    assert v == pytest.approx(-60, abs=1.0)
    # The same with 58 mV per decade (log10 form) as an independent closed form.
    num, den = 20 + 0.04 * 440 + 0.45 * 52, 400 + 0.04 * 50 + 0.45 * 560
    per_decade = R * (18.5 + 273.15) / F * 1000 * math.log(10)
    assert v == pytest.approx(per_decade * math.log10(num / den), rel=1e-9)


def test_ghk_mammalian_and_limits():
    # Mammalian neuron 1:0.05:0.45, K 5/140, Na 145/15, Cl 110/10 at 37 degC: about -65 mV.
    assert mb.ghk_potential(1, 0.05, 0.45, 5, 140, 145, 15, 110, 10, 37) == pytest.approx(-65, abs=1.0)
    # Only K permeable: Nernst of K; only Cl: Nernst of Cl (z = -1).
    assert mb.ghk_potential(1, 0, 0, 5, 140, 145, 15, 110, 10, 37) == pytest.approx(nernst_potential(5, 140, 1, 37), rel=1e-12)
    assert mb.ghk_potential(0, 0, 1, 5, 140, 145, 15, 110, 10, 37) == pytest.approx(nernst_potential(110, 10, -1, 37), rel=1e-12)
    assert mb.ghk_potential(0, 1, 0, 5, 140, 145, 15, 110, 10, 20) == pytest.approx(nernst_potential(145, 15, 1, 20), rel=1e-12)


def test_ahp_and_inverses():
    rng = np.random.default_rng(3)
    for _ in range(200):
        g_l, g_k = rng.uniform(0.1, 1), rng.uniform(0.5, 40)
        e_l, e_k = rng.uniform(-70, -50), rng.uniform(-95, -75)
        v = mb.ahp_potential(g_l, e_l, g_k, e_k)
        assert g_l * (v - e_l) + g_k * (v - e_k) == pytest.approx(0, abs=1e-9)
        assert mb.g_k_for_ahp(v, g_l, e_l, e_k) == pytest.approx(g_k, rel=1e-9)
        assert mb.g_k_within_of_e_k(v - e_k, g_l, e_l, e_k) == pytest.approx(g_k, rel=1e-9)
    with pytest.raises(ValueError):
        mb.g_k_for_ahp(-40, 0.3, -54, -77)


def test_input_conductance():
    assert mb.input_conductance([0.3, 1.2, 0.5]) == pytest.approx(2.0)


def test_constants_match_scipy_codata():
    """The written-out SI constants equal scipy's CODATA values exactly."""
    import scipy.constants as codata

    from spikeset.solutions import constants

    assert constants.gas_constant() == codata.R
    assert constants.faraday_constant() == codata.physical_constants["Faraday constant"][0]
    assert constants.zero_celsius() == codata.zero_Celsius
    assert constants.thermal_voltage_mV(37.0) == 1000 * codata.R * (37.0 + codata.zero_Celsius) / codata.physical_constants["Faraday constant"][0]
