"""spike-charge: references computed here in SI from scipy's CODATA constants, the scaling choice from
two full computations, misconceptions and follow-on credit."""
import math

import pytest
from scipy import constants as sc

from support import check_family_variant, family_variant
from spikeset.problems.spike_charge import problem as P


def reference(params):
    """Q [pC], N, rise [uM], ATP, spikes from the printed values, in SI units."""
    r = params["diameter_um"] * 0.5e-6                      # m
    area = 4 * math.pi * r ** 2                              # m^2
    volume = 4 / 3 * math.pi * r ** 3                        # m^3
    c = params["c_m_uF_per_cm2"] * 1e-6 / 1e-4 * area        # F
    q = c * (params["v_peak_mV"] - params["v_rest_mV"]) * 1e-3   # C
    n = q / sc.e
    entered = params["excess"] * n
    rise = entered / sc.Avogadro / (volume * 1e3)            # mol/L
    atp = entered / 3
    spikes = params["percent"] / 100 * params["na_in_mM"] * 1e-3 / rise
    return q * 1e12, n, rise * 1e6, atp, spikes


@pytest.mark.parametrize("seed", range(60))
def test_variant(seed):
    params, qs, q = family_variant(P, seed)
    check_family_variant(P, params, qs)
    ref = reference(params)
    for key, value in zip("abcde", ref):
        assert q[key].answer == pytest.approx(value, rel=1e-9), key
    assert params["v_rest_mV"] < 0 < params["v_peak_mV"]
    # follow-on: the student's own earlier answers carry
    assert q["b"].follow_on.compute({"a": 2 * ref[0]}) == pytest.approx(2 * ref[1])
    assert q["c"].follow_on.compute({"b": 2 * ref[1]}) == pytest.approx(2 * ref[2])
    assert q["d"].follow_on.compute({"b": 2 * ref[1]}) == pytest.approx(2 * ref[3])
    assert q["e"].follow_on.compute({"c": 2 * ref[2]}) == pytest.approx(ref[4] / 2)


def test_one_spike_barely_changes_the_concentration():
    """The teaching point holds for every variant: one spike moves [Na+]_i by well under 1 %."""
    for seed in range(200):
        params, _, q = family_variant(P, seed)
        assert q["c"].answer < 0.01 * params["na_in_mM"] * 1000
        assert q["e"].answer >= 10


@pytest.mark.parametrize("size", sorted(P.SIZE_FACTORS))
def test_scaling_choice_is_physics(size):
    params, _, _ = family_variant(P, 3)
    params = dict(params, size=size)
    other = reference(dict(params, diameter_um=params["diameter_um"] * P.SIZE_FACTORS[size]))
    ratio = other[2] / reference(params)[2]
    assert P.scaling_question(params).correct_option.id == f"x{ratio:.6g}"


def test_keys_vary_and_misconceptions_named():
    keys, ids = set(), set()
    for seed in range(80):
        _, _, q = family_variant(P, seed)
        keys.add(q["f"].correct_option.id)
        for key in "abcde":
            ids |= {m.id for m in q[key].misconceptions}
    assert keys == {"x0.5", "x2", "x0.333333"}
    assert {"diameter-as-radius", "millivolts-as-volts", "peak-not-excursion", "moles-not-ions",
            "minimum-not-measured", "volume-diameter-as-radius", "one-na-per-atp", "percent-as-whole"} <= ids


def test_answers_in_other_units_and_scientific_notation_are_read():
    from spikeset.grade.units import to_unit
    assert to_unit("1500 fC", "pC") == pytest.approx(1.5)
    assert to_unit("0.0062 mM", "uM") == pytest.approx(6.2)
    assert to_unit("6.2 µM", "uM") == pytest.approx(6.2)
    assert to_unit("7.85e6", None) == pytest.approx(7.85e6)
