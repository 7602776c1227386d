"""voltage-clamp: the printed recordings against the HH gate ODEs (Radau, independent rates), every
answer recomputed here from the printed values, the drug read off the recordings."""
import math

import numpy as np
import pytest
from scipy.optimize import brentq

from clamp_reference import clamped_solution
from support import check_family_variant, family_variant
from spikeset.problems.voltage_clamp import problem as P


def hh_dict(params):
    return {"g_Na": params["gbar_na"], "g_K": params["gbar_k"], "g_L": params["g_l"], "E_Na": params["e_na_mV"],
            "E_K": params["e_k_mV"], "E_L": params["e_l_mV"], "temperature": params["temperature_C"]}


@pytest.mark.parametrize("seed", range(4))
def test_recordings_match_the_ode(seed):
    params, _, q = family_variant(P, seed)
    p = hh_dict(params)
    sol = clamped_solution(p, params["v_hold_mV"], params["v_clamp_mV"], 40.0)
    m, h, n = sol(np.array(params["times_ms"]))
    i_na = p["g_Na"] * m**3 * h * (params["v_clamp_mV"] - p["E_Na"])
    i_k = p["g_K"] * n**4 * (params["v_clamp_mV"] - p["E_K"])
    leak = p["g_L"] * (params["v_clamp_mV"] - p["E_L"])
    assert np.allclose(params["i_control"], i_na + i_k + leak, atol=0.05 + 1e-6)
    blocked = i_k + leak if params["drug"] == "TTX" else i_na + leak
    assert np.allclose(params["i_drug"], blocked, atol=0.05 + 1e-6)
    # (e) against the ODE: the time the simulated g_K = gbar n^4 crosses half its final value
    half = 0.5 * sol(40.0)[2] ** 4
    t_half = brentq(lambda t: sol(t)[2] ** 4 - half, 0.0, 40.0, xtol=1e-10)
    assert q["e"].answer == pytest.approx(t_half, rel=0.02)
    # the n^4 delay: later than n's own half-time measured from n0
    tau = params["tau_n_ms"]
    assert q["e"].answer > tau * math.log(2)


@pytest.mark.parametrize("seed", range(40))
def test_answers_from_printed_values(seed):
    params, qs, q = family_variant(P, seed)
    check_family_variant(P, params, qs)
    a, b, i = params["i_control"], params["i_drug"], params["t_na_index"]
    vc, ek = params["v_clamp_mV"], params["e_k_mV"]
    leak = params["g_l"] * (vc - params["e_l_mV"])
    # which drug: B keeps a sustained outward current (TTX) or a transient inward one (TEA)
    read = "TTX" if min(b) > 0 else "TEA"
    assert q["a"].correct_option.id == read == params["drug"]
    if read == "TTX":
        i_na, i_k = a[i] - b[i], b[-1] - leak
    else:
        i_na, i_k = b[i] - leak, a[-1] - b[-1]
    assert q["b"].answer == pytest.approx(i_na, rel=1e-12)
    assert abs(i_na) == pytest.approx(max(abs(x - y) if read == "TTX" else abs(y - leak) for x, y in zip(a, b)),
                                      rel=0.02)
    g_k = i_k / (vc - ek)
    assert q["c"].answer == pytest.approx(g_k, rel=1e-12)
    n_inf = (g_k / params["gbar_k"]) ** 0.25
    assert q["d"].answer == pytest.approx(n_inf, rel=1e-12)
    n0, tau = params["n_hold"], params["tau_n_ms"]
    t_half = -tau * math.log((2 ** -0.25 * n_inf - n_inf) / (n0 - n_inf))
    assert q["e"].answer == pytest.approx(t_half, rel=1e-10)
    assert q["f"].answer == pytest.approx(g_k * (params["v_tail_mV"] - ek), rel=1e-12)
    assert q["f"].follow_on.compute({"c": 2 * g_k}) == pytest.approx(2 * q["f"].answer)


def test_both_drugs_and_misconceptions():
    drugs, ids = set(), set()
    for seed in range(40):
        params, _, q = family_variant(P, seed)
        drugs.add(params["drug"])
        ids |= {m.id for key in "bcdef" for m in q[key].misconceptions}
    assert drugs == {"TTX", "TEA"}
    assert {"drug-trace-is-the-current", "subtraction-reversed", "e-minus-v", "n-instead-of-n4",
            "exponential-not-sigmoidal", "n0-ignored", "driving-force-unchanged", "no-tail-current",
            "conductance-closes-instantly"} <= ids
