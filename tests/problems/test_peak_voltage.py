"""peak-voltage: references against an independent computation; every choice option checked physically."""
import pytest

from support import check_family_variant, family_variant
from spikeset.problems.peak_voltage import problem as P


def variant(seed):
    return family_variant(P, seed)


def check_generic(params, qs):
    check_family_variant(P, params, qs)


def net_current(v, g_na, g_k, g_l, e_na, e_k, e_l):
    return g_na * (v - e_na) + g_k * (v - e_k) + g_l * (v - e_l)


def root(*args):
    lo, hi = -120.0, 80.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if net_current(mid, *args) < 0 else (lo, mid)
    return lo


# Independent physical effect of each manipulation on (g_na, g_k, g_l, e_k) at the peak.
EFFECTS = {
    "more-gbar-na": dict(g_na=1.3), "slower-inactivation": dict(g_na=1.3), "later-k-activation": dict(g_k=0.7),
    "less-negative-e-k": dict(e_k=+5), "block-some-k": dict(g_k=0.7),
    "less-gbar-na": dict(g_na=0.7), "faster-inactivation": dict(g_na=0.7), "faster-k-activation": dict(g_k=1.3),
    "more-negative-e-k": dict(e_k=-5), "more-gbar-k": dict(g_k=1.3), "more-leak": dict(g_l=1.5),
}


@pytest.mark.parametrize("seed", range(60))
def test_variant(seed):
    params, qs, q = variant(seed)
    check_generic(params, qs)
    base = [params["g_na"], params["g_k"], params["g_l"], params["e_na_mV"], params["e_k_mV"], params["e_l_mV"]]
    v = root(*base)
    assert q["a"].answer == pytest.approx(v, abs=1e-9)
    assert v < params["e_na_mV"]
    # (b): that g_Na puts the zero-current point at the target
    target = params["e_na_mV"] - params["within_mV"]
    assert root(q["b"].answer, *base[1:]) == pytest.approx(target, abs=1e-9)
    assert q["b"].answer > params["g_na"]
    # (d): exactly the correct option raises the zero-current point
    for opt in q["d"].options:
        args = list(base)
        for name, amount in EFFECTS[opt.id].items():
            if name == "e_k":
                args[4] += amount
            else:
                args[{"g_na": 0, "g_k": 1, "g_l": 2}[name]] *= amount
        assert (root(*args) > v) == opt.correct, opt.id
    assert q["c"].correct_option.id == "k-and-leak-open"
    assert len(q["a"].misconceptions) >= 3


def test_every_manipulation_appears():
    seen = set()
    for seed in range(60):
        seen |= {o.id for o in variant(seed)[2]["d"].options}
    assert seen == set(P.RAISE) | set(P.LOWER)
