"""gating: references against independently coded HH rate functions, misconceptions, figure."""
import math

import numpy as np
import pytest

from spikeset.model import NumericQuestion
from spikeset.problems.gating import problem as P
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


# Hodgkin & Huxley (1952), modern convention, written out independently of hh_model.
RATES = {
    "m": (lambda v: 0.1 * (v + 40) / (1 - math.exp(-(v + 40) / 10)), lambda v: 4 * math.exp(-(v + 65) / 18)),
    "h": (lambda v: 0.07 * math.exp(-(v + 65) / 20), lambda v: 1 / (1 + math.exp(-(v + 35) / 10))),
    "n": (lambda v: 0.01 * (v + 55) / (1 - math.exp(-(v + 55) / 10)), lambda v: 0.125 * math.exp(-(v + 65) / 80)),
}


@pytest.mark.parametrize("seed", range(60))
def test_variant(seed):
    params, solution, qs, q = variant(seed)
    check_generic(params, solution, qs)
    p = params
    assert q["a"].answer == pytest.approx(p["gbar_na"] * p["m"] * p["m"] * p["m"] * p["h"], rel=1e-12)
    assert q["b"].answer == pytest.approx(p["gbar_k"] * p["n"] ** 2 * p["n"] ** 2, rel=1e-12)
    assert q["c"].answer == pytest.approx(q["a"].answer * (p["v_mV"] - p["e_na_mV"]), rel=1e-12)
    assert q["d"].answer == pytest.approx(q["b"].answer * (p["v_mV"] - p["e_k_mV"]), rel=1e-12)
    assert q["c"].answer < 0 < q["d"].answer or p["v_mV"] < p["e_k_mV"]
    a_fn, b_fn = RATES[p["gate"]]
    v = p["v_gate_mV"]
    a, b = a_fn(v), b_fn(v)
    phi = 3 ** ((p["temperature_C"] - 6.3) / 10)
    assert q["e"].answer == pytest.approx(a / (a + b), rel=1e-9)
    assert q["f"].answer == pytest.approx(1 / (phi * a + phi * b), rel=1e-9)
    # error carried forward: a student's own g_Na gives their I_Na
    assert q["c"].follow_on.compute({"a": 10.0}) == pytest.approx(10.0 * (p["v_mV"] - p["e_na_mV"]))


def test_misconception_ids_present():
    ids = {}
    for seed in range(40):
        for key, qq in variant(seed)[3].items():
            ids.setdefault(key, set()).update(m.id for m in qq.misconceptions)
    assert {"m-instead-of-m3", "h-left-out"} <= ids["a"]
    assert "n-instead-of-n4" in ids["b"]
    assert {"alpha-over-beta"} <= ids["e"]
    assert {"phi-forgotten", "tau-one-over-alpha"} <= ids["f"]


def test_textbook_steady_states_at_rest():
    # HH textbook values at -65 mV, via the same library function the family uses.
    from spikeset.solutions import hh_model as hh
    assert float(hh.steady_state("m", -65.0)) == pytest.approx(0.0529, abs=2e-4)
    assert float(hh.steady_state("h", -65.0)) == pytest.approx(0.596, abs=1e-3)
    assert float(hh.steady_state("n", -65.0)) == pytest.approx(0.3177, abs=2e-4)


def test_figure_has_three_curves():
    params, solution, qs, q = variant(1)
    fig = P.figure(params, solution)
    assert len(fig.axes[0].lines) == 3
