"""ahp: references against an independent computation, misconceptions, choices."""
import pytest

from support import check_family_variant, family_variant
from spikeset.problems.ahp import problem as P


def variant(seed):
    return family_variant(P, seed)


def check_generic(params, qs):
    check_family_variant(P, params, qs)


def zero_current(g_l, e_l, g_k, e_k):
    lo, hi = -150.0, 50.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if g_l * (mid - e_l) + g_k * (mid - e_k) < 0 else (lo, mid)
    return lo


@pytest.mark.parametrize("seed", range(200))
def test_variant(seed):
    p, qs, q = variant(seed)
    check_generic(p, qs)
    v = zero_current(p["g_l"], p["e_l_mV"], p["g_k"], p["e_k_mV"])
    assert q["a"].answer == pytest.approx(v, abs=1e-9)
    assert p["e_k_mV"] < v < p["e_l_mV"]
    assert zero_current(p["g_l"], p["e_l_mV"], q["b"].answer, p["e_k_mV"]) - p["e_k_mV"] == pytest.approx(p["within_mV"], abs=1e-9)
    assert zero_current(p["g_l"], p["e_l_mV"], q["c"].answer, p["e_k_mV"]) == pytest.approx(p["v_target_mV"], abs=1e-9)
    assert q["b"].answer > 0 and q["c"].answer > 0
    # more g_K brings the undershoot closer to E_K (monotone)
    assert zero_current(p["g_l"], p["e_l_mV"], 2 * p["g_k"], p["e_k_mV"]) < v
    assert q["d"].correct_option.id == "k-still-open"
    assert len(q["a"].misconceptions) >= 3
    assert "undershoot-at-e-k" in {i for m in q["a"].misconceptions for i in m.id.split("+")}
