"""solutions.phase_plane against the reduced model written out in tests/reduced_reference.py: fixed points by brentq,
eigenvalues of a numerical Jacobian by numpy, and the onset by a direct simulation."""
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from reduced_reference import fixed, max_real_eigenvalue, rhs
from spikeset.solutions import phase_plane as pp
from spikeset.solutions.hh_model import HHParams

CASES = [(120.0, 36.0, 6.3), (100.0, 42.0, 12.0), (140.0, 30.0, 15.0)]


@pytest.mark.parametrize("g_na, g_k, t", CASES)
def test_fixed_point_and_onset(g_na, g_k, t):
    p = {"g_Na": g_na, "g_K": g_k}
    params = HHParams(g_Na=g_na, g_K=g_k, temperature=t)
    phi = 3.0 ** ((t - 6.3) / 10)
    assert pp.fixed_point(params, 1.5) == pytest.approx(fixed(p, 1.5)[0], abs=1e-8)
    onset, _ = pp.onset_current(params)
    assert max_real_eigenvalue(p, 0.98 * onset, phi) < 0 < max_real_eigenvalue(p, 1.02 * onset, phi)
    assert pp.is_stable(params, fixed(p, 0.9 * onset)[0]) and not pp.is_stable(params, fixed(p, 1.1 * onset)[0])


def test_onset_by_simulation():
    """A 0.5 mV nudge from the fixed point dies out below the onset and grows into spikes above it."""
    p, t = {"g_Na": 120.0, "g_K": 36.0}, 6.3
    onset, _ = pp.onset_current(HHParams(temperature=t))
    for factor, fires in ((0.8, False), (1.2, True)):
        v, n = fixed(p, factor * onset)
        sol = solve_ivp(rhs(p, factor * onset, 1.0), (0, 200.0), [v + 0.5, n], method="LSODA", rtol=1e-8,
                        atol=1e-10, max_step=0.5)
        late = sol.y[0][sol.t > 150.0]
        assert (late.max() > 0.0) == fires
        if not fires:
            assert abs(late - v).max() < 0.5


def test_v_nullcline():
    params = HHParams()
    for v in (-70.0, -55.0, -30.0):
        n = pp.v_nullcline_n(params, v, 0.0)
        assert pp.ionic_current(params, v, n) == pytest.approx(0.0, abs=1e-9)
    assert math.isnan(pp.v_nullcline_n(params, 45.0, 0.0)) or 0 <= pp.v_nullcline_n(params, 45.0, 0.0) <= 1


def test_vectorized_nullcline_matches_the_scalar_one():
    params = HHParams(g_Na=130.0, g_K=33.0)
    v = np.linspace(-85.0, 30.0, 47)
    curve = pp.v_nullcline_curve(params, v, 2.0)
    scalar = np.array([pp.v_nullcline_n(params, x, 2.0) for x in v])
    assert np.array_equal(np.isnan(curve), np.isnan(scalar))
    assert np.allclose(curve[~np.isnan(curve)], scalar[~np.isnan(scalar)], atol=1e-12)
