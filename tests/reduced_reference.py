"""An independent reference for the phase-plane tests: Rinzel's reduced (V, n) HH model written out
here with the rate functions of tests/hh_reference.py, fixed points by brentq, eigenvalues by numpy."""
from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from hh_reference import _rates


def rhs(p, current, phi):
    """(dV/dt, dn/dt) of the reduced model (C_m = 1) at a constant current [uA/cm^2]."""
    def f(_, y):
        v, n = y
        am, bm, _, _, an, bn = _rates(v, 1.0)
        m = am / (am + bm)
        i_ion = (p["g_Na"] * m**3 * (0.89 - 1.1 * n) * (v - p.get("E_Na", 50.0))
                 + p["g_K"] * n**4 * (v - p.get("E_K", -77.0)) + p.get("g_L", 0.3) * (v - p.get("E_L", -54.387)))
        return [current - i_ion, phi * (an * (1 - n) - bn * n)]
    return f


def fixed(p, current):
    """(V*, n*) of the fixed point between -90 and -40 mV."""
    def n_inf(v):
        *_, an, bn = _rates(v, 1.0)
        return an / (an + bn)
    f = rhs(p, current, 1.0)
    v = brentq(lambda v: f(0, [v, n_inf(v)])[0], -90.0, -40.0, xtol=1e-12)
    return v, n_inf(v)


def max_real_eigenvalue(p, current, phi):
    """Largest real part of the eigenvalues of a numerical Jacobian at the fixed point."""
    v, n = fixed(p, current)
    f = rhs(p, current, phi)
    eps = 1e-6
    jac = np.column_stack([(np.array(f(0, [v + eps, n])) - f(0, [v - eps, n])) / (2 * eps),
                           (np.array(f(0, [v, n + eps])) - f(0, [v, n - eps])) / (2 * eps)])
    return np.linalg.eigvals(jac).real.max()
