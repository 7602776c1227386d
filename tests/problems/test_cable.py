"""cable: references from per-length resistances computed here in SI units, the decay, the scaling
law, and the choice keyed by recomputing lambda for the manipulated axon."""
import math

import pytest

from support import check_family_variant, family_variant
from spikeset.problems.cable import problem as P


def lambda_m(r_m_kohm_cm2, r_i_ohm_cm, d_um):
    d = d_um * 1e-6
    r_m_len = r_m_kohm_cm2 * 0.1 / (math.pi * d)      # Ohm m
    r_i_len = r_i_ohm_cm * 0.01 / (math.pi * d * d / 4)  # Ohm/m
    return math.sqrt(r_m_len / r_i_len)


@pytest.mark.parametrize("seed", range(60))
def test_variant(seed):
    params, qs, q = family_variant(P, seed)
    check_family_variant(P, params, qs)
    lam = lambda_m(params["r_m_kohm_cm2"], params["r_i_ohm_cm"], params["diameter_um"]) * 1e3
    assert q["a"].answer == pytest.approx(lam, rel=1e-12)
    assert q["b"].answer == pytest.approx(params["v0_mV"] * math.exp(-params["distance_mm"] / lam), rel=1e-12)
    assert math.exp(-q["c"].answer / lam) == pytest.approx(params["fraction"], rel=1e-12)
    ratio = params["diameter2_um"] / params["diameter_um"]
    assert (q["d"].answer / params["velocity_m_per_s"]) ** 2 == pytest.approx(ratio, rel=1e-12)
    _, k_d, k_m, k_i = P.MANIPULATIONS[params["manipulation"]]
    lam2 = lambda_m(params["r_m_kohm_cm2"] * k_m, params["r_i_ohm_cm"] * k_i, params["diameter_um"] * k_d) * 1e3
    assert q["e"].correct_option.id == f"x{round(lam2 / lam, 6):g}"


def test_velocities_are_those_of_real_unmyelinated_axons():
    """The velocity printed for this axon is near the squid axon's scaled by sqrt(d): 0.5-10 um, about 0.6-3.2 m/s."""
    for seed in range(40):
        params, _, _ = family_variant(P, seed)
        expected = 21.2 * math.sqrt(params["diameter_um"] / 476.0)
        assert 0.8 * expected <= params["velocity_m_per_s"] <= 1.2 * expected


def test_keys_and_misconceptions():
    keys, ids = set(), set()
    for seed in range(80):
        _, _, q = family_variant(P, seed)
        keys.add(q["e"].correct_option.id)
        ids |= {m.id for key in "abcd" for m in q[key].misconceptions}
    assert keys == {"x2", "x0.5", "x1"}
    assert {"radius-for-diameter", "factor-4-missing", "linear-decay", "halving-length", "fraction-times-lambda",
            "linear-in-diameter", "inverse-scaling"} <= ids
