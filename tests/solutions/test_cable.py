"""solutions.cable: the length constant and decay against the steady cable equation
r_i^-1 V'' = V / r_m solved as a boundary-value problem by scipy in SI units."""
import math

import numpy as np
import pytest
from scipy.integrate import solve_bvp

from spikeset.solutions.cable import (distance_to_fraction_mm, length_constant_mm, steady_state_attenuation,
                                      unmyelinated_velocity)


def cable_bvp_si(r_m_ohm_m2, r_i_ohm_m, d_m, v0, x_eval):
    """V(x) of a sealed-end cable 30 length constants long (so effectively semi-infinite),
    with per-length resistances computed from the geometry here."""
    r_m_len = r_m_ohm_m2 / (math.pi * d_m)          # Ohm m
    r_i_len = r_i_ohm_m / (math.pi * d_m ** 2 / 4)   # Ohm / m
    k2 = r_i_len / r_m_len                           # 1/m^2
    length = 30 / math.sqrt(k2)
    x = np.linspace(0, length, 601)
    y0 = np.vstack([v0 * np.exp(-x * math.sqrt(k2)) * 0.5, np.zeros_like(x)])
    sol = solve_bvp(lambda _, y: np.vstack([y[1], k2 * y[0]]), lambda ya, yb: np.array([ya[0] - v0, yb[1]]),
                    x, y0, tol=1e-8, max_nodes=200000)
    assert sol.success
    return 1 / math.sqrt(k2), sol.sol(x_eval)[0]


@pytest.mark.parametrize("d_um, r_m, r_i", [(1.0, 20.0, 100.0), (0.5, 5.0, 250.0), (9.7, 38.0, 64.0)])
def test_against_cable_equation(d_um, r_m, r_i):
    lam = length_constant_mm(r_m, r_i, d_um)
    x_mm = np.array([0.3, 1.0, 2.0]) * lam
    lam_si, v_si = cable_bvp_si(r_m * 0.1, r_i * 0.01, d_um * 1e-6, 10.0, x_mm * 1e-3)
    assert lam == pytest.approx(lam_si * 1e3, rel=1e-12)
    for x, v in zip(x_mm, v_si):
        assert steady_state_attenuation(10.0, x, lam) == pytest.approx(v, rel=1e-5)


def test_distance_and_velocity():
    assert distance_to_fraction_mm(2.0, math.exp(-1)) == pytest.approx(2.0)
    assert steady_state_attenuation(8.0, distance_to_fraction_mm(1.3, 0.2), 1.3) == pytest.approx(1.6)
    # the squid giant axon (476 um, 21.2 m/s) scaled to 1 um: about 1 m/s
    assert unmyelinated_velocity(21.2, 476.0, 1.0) == pytest.approx(21.2 / math.sqrt(476.0))
    with pytest.raises(ValueError):
        distance_to_fraction_mm(1.0, 0.0)
