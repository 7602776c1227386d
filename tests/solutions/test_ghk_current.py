"""solutions.ghk_current against the Nernst-Planck equation in a constant field, integrated numerically
(the GHK current equation is its closed-form solution), in SI units."""
import math

import pytest
from scipy.integrate import solve_ivp

from spikeset.solutions.ghk_current import ghk_chord_conductance, ghk_current_density

R, F = 8.314462618, 96485.33212


def nernst_planck_current_uA_per_cm2(p_cm_s, z, c_out_mM, c_in_mM, v_mV, t_C):
    """Steady electrodiffusion through a membrane of unit thickness with a linear potential.

    x runs from inside (0) to outside (1); with phi = zF psi/RT and u = zFV/RT, the outward flux
    J = -D (c' + c phi') = -D (c' - u c). c(1) is linear in J: shoot twice, solve for c(1) = c_out.
    """
    u = z * v_mV * 1e-3 * F / (R * (t_C + 273.15))
    d = p_cm_s * 1e-2  # m/s, membrane thickness 1 (P = D/L)

    def c_end(j):
        sol = solve_ivp(lambda x, c: [u * c[0] - j / d], (0.0, 1.0), [c_in_mM], method="DOP853",
                        rtol=1e-12, atol=1e-12)
        return sol.y[0, -1]

    c0, c1 = c_end(0.0), c_end(1.0)
    j = (c_out_mM - c0) / (c1 - c0)  # mol / (m^2 s) (mM = mol/m^3)
    return z * F * j * 100.0  # A/m^2 -> uA/cm^2


@pytest.mark.parametrize("p, z, co, ci, v, t", [
    (2e-6, 1, 4.0, 140.0, 20.0, 20.0), (1e-6, 1, 145.0, 12.0, -60.0, 37.0), (3e-6, -1, 110.0, 10.0, -30.0, 25.0),
    (2.5e-6, 2, 2.0, 1e-4, -20.0, 30.0), (0.7e-6, 1, 4.0, 140.0, -95.0, 6.3), (1e-6, -1, 110.0, 10.0, 45.0, 22.0)])
def test_against_nernst_planck(p, z, co, ci, v, t):
    assert ghk_current_density(p, z, co, ci, v, t) == pytest.approx(
        nernst_planck_current_uA_per_cm2(p, z, co, ci, v, t), rel=1e-7, abs=1e-9)


def test_zero_voltage_limit_and_reversal():
    # at V = 0 the current is pure diffusion: P z F (c_i - c_o) (uA/cm^2 with mM)
    assert ghk_current_density(1e-6, 1, 4.0, 140.0, 0.0, 20.0) == pytest.approx(1e-6 * F * 136.0, rel=1e-9)
    assert ghk_current_density(1e-6, 1, 4.0, 140.0, 1e-9, 20.0) == pytest.approx(1e-6 * F * 136.0, rel=1e-9)
    e_k = R * 293.15 / F * 1000 * math.log(4.0 / 140.0)
    assert abs(ghk_current_density(1e-6, 1, 4.0, 140.0, e_k, 20.0)) < 1e-9
    g = ghk_chord_conductance(1e-6, 1, 4.0, 140.0, 0.0, 20.0, e_k)
    assert g == pytest.approx(1e-6 * F * 136.0 / -e_k, rel=1e-9)
