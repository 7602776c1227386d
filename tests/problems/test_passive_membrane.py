"""passive-membrane: references from closed forms written here in SI units, misconceptions, (e)'s scaling."""
import math

import pytest

from support import check_family_variant, family_variant
from spikeset.problems.passive_membrane import problem as P


def reference(params):
    """R_in [MOhm], tau [ms], V(t) [mV], t_f [ms] from the printed values, in SI."""
    r = params["diameter_um"] * 0.5e-6
    area_m2 = 4 * math.pi * r * r
    r_m_si = (params["r_m_kohm_cm2"] if params["spec"] == "R_m" else 1 / params["g_l_mS_per_cm2"]) * 1e3 * 1e-4
    c_si = params["c_m_uF_per_cm2"] * 1e-6 / 1e-4 * area_m2
    r_in = r_m_si / area_m2
    tau = r_in * c_si
    v = params["v_rest_mV"] * 1e-3 + params["current_pA"] * 1e-12 * r_in * (1 - math.exp(-params["t_ms"] * 1e-3 / tau))
    t_f = -tau * math.log(1 - params["fraction"])
    return r_in / 1e6, tau * 1e3, v * 1e3, t_f * 1e3


@pytest.mark.parametrize("seed", range(60))
def test_variant(seed):
    params, qs, q = family_variant(P, seed)
    check_family_variant(P, params, qs)
    r_in, tau, v, t_f = reference(params)
    assert q["a"].answer == pytest.approx(r_in, rel=1e-10)
    assert q["b"].answer == pytest.approx(tau, rel=1e-10)
    assert q["c"].answer == pytest.approx(v, abs=1e-9)
    assert q["d"].answer == pytest.approx(t_f, rel=1e-10)
    # the charging really moves: V(t) lies strictly between rest and the final value
    final = params["v_rest_mV"] + params["current_pA"] * r_in * 1e-3
    assert min(params["v_rest_mV"], final) < v < max(params["v_rest_mV"], final)
    assert (params["current_pA"] > 0) == (params["direction"] == "depolarizing")
    # follow-on: the student's own R_in and tau carry into (c) and (d)
    assert q["c"].follow_on.compute({"a": r_in, "b": tau}) == pytest.approx(v)
    assert q["d"].follow_on.compute({"b": 2 * tau}) == pytest.approx(2 * t_f)


def test_scaling_choice_is_physics():
    """(e) keys the factors the formulas give for every manipulation."""
    for name, (_, k_d, k_r) in P.MANIPULATIONS.items():
        params, _, _ = family_variant(P, 0)
        params = dict(params, manipulation=name, manipulation_text=P.MANIPULATIONS[name][0])
        correct = P.scaling_question(params).correct_option.id
        d2 = params["diameter_um"] * k_d
        base = reference(params)
        if params["spec"] == "R_m":
            other = reference(dict(params, diameter_um=d2, r_m_kohm_cm2=params["r_m_kohm_cm2"] * k_r))
        else:
            other = reference(dict(params, diameter_um=d2, g_l_mS_per_cm2=params["g_l_mS_per_cm2"] / k_r))
        assert correct == f"tau-x{other[1] / base[1]:.4g}-rin-x{other[0] / base[0]:.4g}", name


def test_keys_vary_and_misconceptions_named():
    keys, ids = set(), set()
    for seed in range(80):
        _, _, q = family_variant(P, seed)
        keys.add(q["e"].correct_option.id)
        for key in "abcd":
            ids |= {m.id for m in q[key].misconceptions}
    assert len(keys) == 4
    assert {"diameter-as-radius", "rc-ratio-inverted", "steady-state-reached", "decay-instead-of-charging",
            "fraction-times-tau", "volts-instead-of-millivolts", "seconds-instead-of-ms",
            "current-sign-ignored"} <= ids


def test_megaohm_answers_with_units_are_read():
    from spikeset.grade.units import to_unit
    assert to_unit("1.5 GΩ", "MΩ") == pytest.approx(1500.0)
    assert to_unit("750 Mohm", "MΩ") == pytest.approx(750.0)
