"""solutions.passive against an RC circuit integrated in SI units by scipy."""
import math

import pytest
from scipy.integrate import solve_ivp

from spikeset.solutions import passive as P


def rc_voltage_si(d_m, r_m_ohm_m2, c_m_f_per_m2, v_rest_v, i_a, t_s):
    """Whole-cell C dV/dt = -(V - V_rest)/R + I, all in SI, integrated numerically."""
    area = 4 * math.pi * (d_m / 2) ** 2
    r, c = r_m_ohm_m2 / area, c_m_f_per_m2 * area
    sol = solve_ivp(lambda t, v: [(-(v[0] - v_rest_v) / r + i_a) / c], (0, t_s), [v_rest_v],
                    method="DOP853", rtol=1e-11, atol=1e-14)
    return r, r * c, sol.y[0, -1]


@pytest.mark.parametrize("d_um, r_m, c_m, v0, i_pa, t", [
    (20.0, 20.0, 1.0, -65.0, 10.0, 7.0), (35.0, 5.5, 0.85, -70.2, -120.0, 3.1), (12.0, 48.0, 1.15, -58.0, 0.8, 60.0)])
def test_against_si_rc_circuit(d_um, r_m, c_m, v0, i_pa, t):
    area = P.sphere_area_cm2(d_um)
    r_in = P.input_resistance_Mohm(r_m, area)
    tau = P.membrane_time_constant_ms(r_m, c_m)
    # SI: kOhm cm^2 -> Ohm m^2 is 1e3 * 1e-4; uF/cm^2 -> F/m^2 is 1e-6 * 1e4
    r_si, tau_si, v_si = rc_voltage_si(d_um * 1e-6, r_m * 0.1, c_m * 1e-2, v0 * 1e-3, i_pa * 1e-12, t * 1e-3)
    assert r_in == pytest.approx(r_si / 1e6, rel=1e-12)
    assert tau == pytest.approx(tau_si * 1e3, rel=1e-12)
    assert P.charging_voltage_mV(v0, i_pa, r_in, tau, t) == pytest.approx(v_si * 1e3, abs=1e-6)


def test_time_to_fraction_inverts_the_charging_curve():
    tau = 12.5
    for f in (0.1, 0.5, 0.9, 0.99):
        t = P.time_to_fraction_ms(tau, f)
        assert 1 - math.exp(-t / tau) == pytest.approx(f, rel=1e-12)
    assert P.time_to_fraction_ms(tau, 1 - math.exp(-1)) == pytest.approx(tau)
    with pytest.raises(ValueError):
        P.time_to_fraction_ms(tau, 1.0)
