"""resting-potential: references against an independent computation, misconceptions, choices."""
import numpy as np
import pytest

from support import check_family_variant, family_variant
from spikeset.problems.resting_potential import problem as P

SEEDS = range(80)


def variant(seed):
    return family_variant(P, seed)


def check_generic(params, qs):
    check_family_variant(P, params, qs)


@pytest.mark.parametrize("seed", SEEDS)
def test_variant(seed):
    params, qs, q = variant(seed)
    check_generic(params, qs)
    # (a) independent: root of the total current by bisection
    g = np.array([params["g_k"], params["g_na"], params["g_x"]])
    e = np.array([params["e_k_mV"], params["e_na_mV"], params["e_x_mV"]])
    lo, hi = -150.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.sum(g * (mid - e)) < 0 else (lo, mid)
    assert q["a"].answer == pytest.approx(lo, abs=1e-9)
    # (b) the ratio reproduces the target potential
    r = q["b"].answer
    vt = (params["e_k_mV"] + r * params["e_na_mV"]) / (1 + r)
    assert vt == pytest.approx(params["v_target_mV"], abs=1e-9)
    # (c) doubling g_K really hyperpolarizes
    g2 = g.copy(); g2[0] *= 2
    v2 = np.sum(g2 * e) / np.sum(g2)
    assert params["e_k_mV"] < v2 < q["a"].answer
    assert q["c"].correct_option.id == "hyperpolarizes"
    assert len(q["a"].misconceptions) >= 3


def test_unweighted_mean_misconception_present():
    params, qs, q = variant(0)
    ids = {part for m in q["a"].misconceptions for part in m.id.split("+")}
    assert "weights-inverted" in ids and "nernst-k-only" in ids
    assert {i for m in q["b"].misconceptions for i in m.id.split("+")} >= {"ratio-inverted"}
