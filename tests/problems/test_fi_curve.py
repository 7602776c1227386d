"""fi-curve: answers against the reduced model written out in tests/reduced_reference.py
(brentq fixed points, numpy eigenvalues), stability keys both ways, figure without the answers."""
import pytest

from reduced_reference import fixed, max_real_eigenvalue
from support import check_family_variant, family_variant
from spikeset.problems.fi_curve import problem as P


@pytest.mark.parametrize("seed", range(25))
def test_variant(seed):
    params, qs, q = family_variant(P, seed)
    check_family_variant(P, params, qs)
    p = {k: params[k] for k in ("g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L")}
    phi = 3.0 ** ((params["temperature"] - 6.3) / 10)
    v, n = fixed(p, params["current"])
    assert q["a"].answer == pytest.approx(v, abs=1e-7)
    assert q["b"].answer == pytest.approx(n, rel=1e-7)
    stable = max_real_eigenvalue(p, params["current"], phi) < 0
    assert q["c"].correct_option.id == ("stable" if stable else "unstable")
    onset = q["d"].answer
    assert max_real_eigenvalue(p, 0.99 * onset, phi) < 0 < max_real_eigenvalue(p, 1.01 * onset, phi)


def test_keys_and_misconceptions():
    keys, ids = set(), set()
    for seed in range(40):
        _, _, q = family_variant(P, seed)
        keys.add(q["c"].correct_option.id)
        ids |= {m.id for key in "abd" for m in q[key].misconceptions}
    assert keys == {"stable", "unstable"}
    assert {"current-ignored", "current-sign-flipped", "n-at-rest", "knee-instead-of-hopf", "phi-forgotten"} <= ids
