"""ghk-current: references in SI from the constant-field closed form written here, the reversal by
bisection on the current, and the rectification read off the I-V."""
import math

import pytest

from support import check_family_variant, family_variant
from spikeset.problems.ghk_current import problem as P

R, F = 8.314462618, 96485.33212


def current_si(params, v_mV):
    """GHK current density [uA/cm^2] computed in SI: P [m/s], c [mol/m^3], result A/m^2 -> uA/cm^2."""
    z, t = params["valence"], params["temperature_C"] + 273.15
    p = params["permeability_1e6_cm_per_s"] * 1e-6 * 1e-2
    v = v_mV * 1e-3
    a = z * F * v / (R * t)
    j = p * a * (params["c_in_mM"] - params["c_out_mM"] * math.exp(-a)) / (1 - math.exp(-a))
    return z * F * j * 100.0


def reversal(params):
    lo, hi = -200.0, 201.3  # never evaluated at exactly 0 mV (0/0)
    f_lo = current_si(params, lo)
    for _ in range(100):
        mid = (lo + hi) / 2
        if (current_si(params, mid) > 0) == (f_lo > 0):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@pytest.mark.parametrize("seed", range(60))
def test_variant(seed):
    params, qs, q = family_variant(P, seed)
    check_family_variant(P, params, qs)
    v = params["v_mV"]
    assert q["a"].answer == pytest.approx(current_si(params, v), rel=1e-8)
    e = reversal(params)
    assert q["b"].answer == pytest.approx(e, abs=1e-6)
    assert q["c"].answer == pytest.approx(current_si(params, v) / (v - e), rel=1e-6)
    assert abs(v - e) >= 9.5 and abs(v) >= 3
    # rectification: compare the slopes 40-60 mV either side of the reversal
    out_slope = (current_si(params, e + 60) - current_si(params, e + 40)) / 20
    in_slope = (current_si(params, e - 40) - current_si(params, e - 60)) / 20
    assert q["d"].correct_option.id == ("outward" if out_slope > in_slope else "inward")


def test_keys_and_misconceptions():
    keys, ids = set(), set()
    for seed in range(80):
        _, _, q = family_variant(P, seed)
        keys.add(q["d"].correct_option.id)
        ids |= {m.id for key in "abc" for m in q[key].misconceptions}
    assert keys == {"outward", "inward"}
    assert {"concentrations-swapped", "z-not-squared", "celsius-instead-of-kelvin", "inward-positive",
            "ratio-inverted", "log10-instead-of-ln", "divided-by-v", "zero-current-at-zero-volts"} <= ids
