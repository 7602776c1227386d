"""nernst: references against the Nernst equation written out, (b) apart from the printed numbers,
and the volts and Celsius misconceptions."""
import math

import pytest

from support import check_family_variant, family_variant
from spikeset.problems.nernst import problem as P

R, F = 8.314462618, 96485.33212


def nernst_mV(c_out, c_in, z, t_c):
    return 1000 * R * (t_c + 273.15) / (z * F) * math.log(c_out / c_in)


@pytest.mark.parametrize("seed", range(150))
def test_variant(seed):
    p, qs, q = family_variant(P, seed)
    check_family_variant(P, p, qs)
    z, t = p["valence"], p["temperature_C"]
    assert q["a"].answer == pytest.approx(nernst_mV(p["c_out_mM"], p["c_in_mM"], z, t), rel=1e-9)
    c_b = q["b"].answer
    c_out, c_in = (c_b, p["c_known_mM"]) if p["asked_side"] == "out" else (p["c_known_mM"], c_b)
    assert nernst_mV(c_out, c_in, z, t) == pytest.approx(p["e_target_mV"], rel=1e-9)
    low, high = q["b"].tolerance.interval(c_b)
    for printed in (t, p["c_out_mM"], p["c_in_mM"], p["c_known_mM"], p["e_target_mV"], abs(p["e_target_mV"])):
        assert not low - (high - low) / 2 <= printed <= high + (high - low) / 2, (printed, c_b)
    ids_a = {i for m in q["a"].misconceptions for i in m.id.split("+")}
    assert {"volts-instead-of-millivolts", "celsius-instead-of-kelvin"} <= ids_a
    wrong_b = {m.id: m.value for m in q["b"].misconceptions}
    if "volts-instead-of-millivolts" in wrong_b:
        # E in volts against RT/F in mV: exp(z E[V] / (RT/F [mV]))
        factor = math.exp(z * p["e_target_mV"] / 1000 / (1000 * R * (t + 273.15) / F))
        expected = p["c_known_mM"] * factor if p["asked_side"] == "out" else p["c_known_mM"] / factor
        assert wrong_b["volts-instead-of-millivolts"] == pytest.approx(expected, rel=1e-9)
    if "celsius-instead-of-kelvin" in wrong_b:
        factor = math.exp(z * p["e_target_mV"] / (1000 * R * t / F))
        expected = p["c_known_mM"] * factor if p["asked_side"] == "out" else p["c_known_mM"] / factor
        assert wrong_b["celsius-instead-of-kelvin"] == pytest.approx(expected, rel=1e-6)


def test_b_asks_each_side_and_names_the_misconceptions():
    sides, named = set(), set()
    for seed in range(200):
        p, qs, q = family_variant(P, seed)
        sides.add((p["ion"], p["asked_side"]))
        named |= {i for m in q["b"].misconceptions for i in m.id.split("+")}
    assert sides == {("K", "out"), ("Na", "in"), ("Cl", "in"), ("Ca", "out")}
    assert {"volts-instead-of-millivolts", "celsius-instead-of-kelvin", "ratio-inverted",
            "log10-instead-of-ln"} <= named


def test_plausible_rejects_b_next_to_a_printed_number():
    p, qs, q = family_variant(P, 3)
    assert P.plausible(p, {}, qs) == []
    close = dict(p, temperature_C=q["b"].answer * 1.01)
    assert any("printed number" in r for r in P.plausible(close, {}, qs))
