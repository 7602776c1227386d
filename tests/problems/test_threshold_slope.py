"""threshold-slope: references against finite differences of an independently coded I-V curve."""
import math

import numpy as np
import pytest

from spikeset.model import NumericQuestion
from spikeset.problems.threshold_slope import problem as P
from spikeset.sampling import Draw


def variant(seed):
    params = P.sample(Draw(np.random.default_rng(seed)))
    solution = P.solve_batch([params])[0]
    qs = P.questions(params, solution)
    return params, solution, qs, {q.key: q for q in qs}


def check_generic(params, solution, qs):
    assert P.plausible(params, solution, qs) == []
    for q in qs:
        if isinstance(q, NumericQuestion):
            assert np.isfinite(q.answer)
            assert q.misconceptions
            for m in q.misconceptions:
                assert abs(m.value - q.answer) > q.tolerance.half_width(q.answer), (q.key, m.id)
        else:
            assert sum(o.correct for o in q.options) == 1
            assert all(o.misconception is not None for o in q.options if not o.correct)


def m_inf(v):
    a = 0.1 * (v + 40) / (1 - math.exp(-(v + 40) / 10))
    b = 4 * math.exp(-(v + 65) / 18)
    return a / (a + b)


def current(p, v):
    return (p["gbar_na"] * m_inf(v) ** 3 * p["h"] * (v - p["e_na_mV"]) + p["gbar_k"] * p["n"] ** 4 * (v - p["e_k_mV"])
            + p["g_l"] * (v - p["e_l_mV"]))


def slope_fd(p, v, dv=1e-3):
    return (current(p, v + dv) - current(p, v - dv)) / (2 * dv)


@pytest.mark.parametrize("seed", range(50))
def test_variant(seed):
    p, sol, qs, q = variant(seed)
    check_generic(p, sol, qs)
    v = p["v_mV"]
    assert q["a"].answer == pytest.approx(p["gbar_na"] * m_inf(v) ** 3 * p["h"], rel=1e-9)
    assert q["c"].answer == pytest.approx(slope_fd(p, v), rel=1e-5, abs=1e-5)
    dm = (m_inf(v + 1e-3) - m_inf(v - 1e-3)) / 2e-3
    assert q["b"].answer == pytest.approx(3 * p["gbar_na"] * p["h"] * m_inf(v) ** 2 * dm * (v - p["e_na_mV"]), rel=1e-5)
    # (d) sign, independently
    assert q["d"].correct_option.id == ("negative" if slope_fd(p, v) < 0 else "positive")
    # (e) threshold: a sign change of the finite-difference slope, and the first one above -90 mV
    vt = q["e"].answer
    assert slope_fd(p, vt - 0.02) > 0 > slope_fd(p, vt + 0.02)
    assert all(slope_fd(p, x) > 0 for x in np.arange(-90.0, vt - 0.02, 0.1))
    # ECF: the student's own terms
    assert q["c"].follow_on.compute({"a": 1.0, "b": -2.0}) == pytest.approx(
        -1.0 + p["gbar_k"] * p["n"] ** 4 + p["g_l"])


def test_both_signs_occur():
    signs = {variant(s)[3]["d"].correct_option.id for s in range(50)}
    assert signs == {"negative", "positive"}


def test_figure_does_not_mark_answer():
    p, sol, qs, q = variant(3)
    fig = P.figure(p, sol)
    ax = fig.axes[0]
    assert len(ax.lines) == 2  # the curve and the zero line, no threshold marker
    assert not ax.texts and not ax.collections
