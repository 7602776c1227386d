"""solutions.voltage_clamp: the closed-form clamped currents against the HH gate ODEs integrated with
scipy's Radau (rates from tests/hh_reference.py, written independently)."""
import math

import numpy as np
import pytest

from clamp_reference import clamped_ode
from spikeset.solutions.hh_model import HHParams
from spikeset.solutions.voltage_clamp import clamp_step_currents, conductance_half_time


@pytest.mark.parametrize("v_hold, v_clamp, temperature", [(-65.0, 0.0, 6.3), (-75.0, -30.0, 12.0), (-70.0, 20.0, 9.5)])
def test_closed_form_matches_ode(v_hold, v_clamp, temperature):
    p = {"g_Na": 120.0, "g_K": 36.0, "g_L": 0.3, "E_Na": 50.0, "E_K": -77.0, "E_L": -54.4, "temperature": temperature}
    times = np.array([0.1, 0.5, 1.0, 2.0, 5.0, 20.0])
    i_na, i_k, _ = clamped_ode(p, v_hold, v_clamp, times)
    params = HHParams(C_m=1.0, **p)
    for t, na, k in zip(times, i_na, i_k):
        c = clamp_step_currents(params, v_hold, v_clamp, float(t))
        assert c.i_na == pytest.approx(na, rel=1e-7, abs=1e-7)
        assert c.i_k == pytest.approx(k, rel=1e-7, abs=1e-7)
        assert c.i_leak == pytest.approx(0.3 * (v_clamp + 54.4))
        assert c.total == pytest.approx(c.i_na + c.i_k + c.i_leak)


def test_half_time_of_n4():
    n0, n_inf, tau = 0.3177, 0.89, 1.7
    t = conductance_half_time(n0, n_inf, tau)
    n_t = n_inf + (n0 - n_inf) * math.exp(-t / tau)
    assert n_t ** 4 == pytest.approx(0.5 * n_inf ** 4, rel=1e-12)
    # first order (power 1) is the plain exponential half-time measured from n0
    assert conductance_half_time(0.0, n_inf, tau, power=1) == pytest.approx(tau * math.log(2))
    with pytest.raises(ValueError):
        conductance_half_time(0.8, 0.85, tau)
