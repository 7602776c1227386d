"""solutions.strength_duration: Weiss's fit recovers an exact Weiss curve; Lapicque's chronaxie is
tau ln 2; the simulated chronaxie is the duration at which the threshold search returns the
amplitude asked for."""
import math

import numpy as np
import pytest

from spikeset.solutions.hh_model import HHParams
from spikeset.solutions.hh_search import threshold_amplitude
from spikeset.solutions.strength_duration import (chronaxie_by_simulation, lapicque_threshold, weiss_fit,
                                                  weiss_threshold)


def test_weiss_fit_recovers_the_law():
    i_rh, t_c = 2.3, 0.85
    d1, d2 = 0.2, 7.0
    assert weiss_fit(d1, weiss_threshold(i_rh, t_c, d1), d2, weiss_threshold(i_rh, t_c, d2)) == pytest.approx((i_rh, t_c))
    assert weiss_threshold(i_rh, t_c, t_c) == pytest.approx(2 * i_rh)
    with pytest.raises(ValueError):
        weiss_fit(1.0, 3.0, 1.0, 4.0)


def test_lapicque_chronaxie_is_tau_ln2():
    tau = 1.7
    assert lapicque_threshold(1.0, tau, tau * math.log(2)) == pytest.approx(2.0)
    assert lapicque_threshold(1.0, tau, 1e3) == pytest.approx(1.0)


def test_chronaxie_inverts_the_threshold_search():
    """Two variants: the threshold of a pulse of the found chronaxie is the amplitude asked for."""
    params = HHParams(g_Na=np.array([120.0, 110.0]), g_K=np.array([36.0, 40.0]), temperature=np.array([6.3, 15.0]))
    amplitude = np.array([5.0, 9.0])
    t_c = chronaxie_by_simulation(params, amplitude, rel_tol=1e-3)
    thr = threshold_amplitude(params, t_c, start_ms=2.0, response_window_ms=25.0, rel_tol=1e-3)
    assert thr == pytest.approx(amplitude, rel=3e-3)
