"""ghk: references against an independent computation, misconceptions, choices."""
import math

import pytest

from support import check_family_variant, family_variant
from spikeset.problems.ghk import problem as P

R, F = 8.314462618, 96485.33212


def variant(seed):
    return family_variant(P, seed)


def check_generic(params, qs):
    check_family_variant(P, params, qs)


def zero_ghk_current(params, p_na, p_cl):
    """Independent: V where the summed GHK flux equation's currents cancel (bisection)."""
    k = R * (params["temperature_C"] + 273.15) / F * 1000

    def current(v):
        u = v / k
        def ion(p, z, co, ci):
            zu = z * u
            return p * z * z * u * (ci - co * math.exp(-zu)) / (1 - math.exp(-zu))
        return (ion(1.0, 1, params["k_out_mM"], params["k_in_mM"]) + ion(p_na, 1, params["na_out_mM"], params["na_in_mM"])
                + ion(p_cl, -1, params["cl_out_mM"], params["cl_in_mM"]))
    lo, hi = -149.9, 99.9
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if current(mid) < 0 else (lo, mid)
    return lo


@pytest.mark.parametrize("seed", range(60))
def test_variant(seed):
    params, qs, q = variant(seed)
    check_generic(params, qs)
    assert q["a"].answer == pytest.approx(zero_ghk_current(params, params["p_na"], params["p_cl"]), abs=1e-6)
    # (b): with P_Na/P_K = answer and no Cl-, the GHK potential is the measured one
    assert zero_ghk_current(params, q["b"].answer, 0.0) == pytest.approx(params["v_measured_mV"], abs=1e-6)
    # (b): a passively distributed Cl- (E_Cl = V) leaves V unchanged, whatever its permeability
    k = R * (params["temperature_C"] + 273.15) / F * 1000
    p2 = dict(params, cl_in_mM=params["cl_out_mM"] * math.exp(params["v_measured_mV"] / k))
    assert zero_ghk_current(p2, q["b"].answer, 0.7) == pytest.approx(params["v_measured_mV"], abs=1e-6)
    # (c) physically: V nearer E_K than E_Na
    e_k = k * math.log(params["k_out_mM"] / params["k_in_mM"])
    e_na = k * math.log(params["na_out_mM"] / params["na_in_mM"])
    assert q["a"].answer - e_k < e_na - q["a"].answer
    assert q["c"].correct_option.id == "permeability"
    assert len(q["a"].misconceptions) >= 4
    # leaving Cl- out is always told apart (independent: the zero-current potential with P_Cl = 0)
    without_cl = zero_ghk_current(params, params["p_na"], 0.0)
    assert abs(without_cl - q["a"].answer) > 2 * q["a"].tolerance.half_width(q["a"].answer)
    named = {mid: m.value for m in q["a"].misconceptions for mid in m.id.split("+")}
    assert named["cl-left-out"] == pytest.approx(without_cl, abs=1e-6)
    assert named["volts-instead-of-millivolts"] == pytest.approx(q["a"].answer / 1000)
    assert 3.0 <= params["cl_in_mM"] <= 40.0


def test_misconception_ids():
    ids = set()
    for seed in range(20):
        ids |= {m.id for m in variant(seed)[2]["a"].misconceptions}
    ids = {part for i in ids for part in i.split("+")}
    assert {"cl-not-swapped", "log10-instead-of-ln", "celsius-instead-of-kelvin", "nernst-k-only",
            "cl-left-out", "volts-instead-of-millivolts"} <= ids


def test_overlapping_wrong_models_are_reported_together():
    """The issue's case: a log10 slip that lands on the unswapped-Cl value is named as both, not as
    cl-not-swapped alone."""
    from spikeset.model import Misconception, Tolerance, distinct_misconceptions

    wrong = [Misconception("cl-not-swapped", "swap", -60.2), Misconception("log10-instead-of-ln", "log", -60.0)]
    got = distinct_misconceptions(-70.0, Tolerance("abs", 0.5), wrong)
    assert [m.id for m in got] == ["cl-not-swapped+log10-instead-of-ln"] and "log" in got[0].feedback
