"""gating: references against independently coded HH rate functions, misconceptions, figure."""
import math

import numpy as np
import pytest

from spikeset.model import NumericQuestion
from spikeset.problems.gating import problem as P
from spikeset.sampling import Draw  # noqa: F401
from support import family_variant


def variant(seed):
    """A plausible variant as spikeset.variants.assemble draws it (snapshot set by solve_batch)."""
    params, qs, _ = family_variant(P, seed)
    solution = P.solve_batch([{k: v for k, v in params.items()}])[0]
    solution.pop("adjusted_params")
    return params, solution, qs, {q.key: q for q in qs}


def check_generic(params, solution, qs):
    assert P.plausible(params, solution, qs) == []
    for q in qs:
        if isinstance(q, NumericQuestion):
            assert np.isfinite(q.answer)
            assert q.misconceptions
            for m in q.misconceptions:
                assert abs(m.value - q.answer) > q.tolerance.half_width(q.answer), (q.key, m.id)


# Hodgkin & Huxley (1952), modern convention, written out independently of hh_model.
RATES = {
    "m": (lambda v: 0.1 * (v + 40) / (1 - math.exp(-(v + 40) / 10)), lambda v: 4 * math.exp(-(v + 65) / 18)),
    "h": (lambda v: 0.07 * math.exp(-(v + 65) / 20), lambda v: 1 / (1 + math.exp(-(v + 35) / 10))),
    "n": (lambda v: 0.01 * (v + 55) / (1 - math.exp(-(v + 55) / 10)), lambda v: 0.125 * math.exp(-(v + 65) / 80)),
}


@pytest.mark.parametrize("seed", range(30))
def test_variant(seed):
    params, solution, qs, q = variant(seed)
    check_generic(params, solution, qs)
    p = params
    assert q["a"].answer == pytest.approx(p["gbar_na"] * p["m"] * p["m"] * p["m"] * p["h"], rel=1e-12)
    assert q["b"].answer == pytest.approx(p["gbar_k"] * p["n"] ** 2 * p["n"] ** 2, rel=1e-12)
    assert q["c"].answer == pytest.approx(q["a"].answer * (p["v_mV"] - p["e_na_mV"]), rel=1e-12)
    assert q["d"].answer == pytest.approx(q["b"].answer * (p["v_mV"] - p["e_k_mV"]), rel=1e-12)
    assert q["c"].answer < 0 < q["d"].answer or p["v_mV"] < p["e_k_mV"]
    a_fn, b_fn = RATES[p["gate"]]
    v = p["v_gate_mV"]
    a, b = a_fn(v), b_fn(v)
    phi = 3 ** ((p["temperature_C"] - 6.3) / 10)
    assert q["e"].answer == pytest.approx(a / (a + b), rel=1e-9)
    assert q["f"].answer == pytest.approx(1 / (phi * a + phi * b), rel=1e-9)
    # error carried forward: a student's own g_Na gives their I_Na
    assert q["c"].follow_on.compute({"a": 10.0}) == pytest.approx(10.0 * (p["v_mV"] - p["e_na_mV"]))


def test_misconception_ids_present():
    ids = {}
    for seed in range(40):
        for key, qq in variant(seed)[3].items():
            ids.setdefault(key, set()).update(i for m in qq.misconceptions for i in m.id.split("+"))
    assert {"m-instead-of-m3", "h-left-out"} <= ids["a"]
    assert "n-instead-of-n4" in ids["b"]
    assert {"alpha-over-beta"} <= ids["e"]
    assert {"phi-forgotten", "tau-one-over-alpha"} <= ids["f"]


def test_textbook_steady_states_at_rest():
    # HH textbook values at -65 mV, via the same library function the family uses.
    from spikeset.solutions import hh_model as hh
    assert float(hh.steady_state("m", -65.0)) == pytest.approx(0.0529, abs=2e-4)
    assert float(hh.steady_state("h", -65.0)) == pytest.approx(0.596, abs=1e-3)
    assert float(hh.steady_state("n", -65.0)) == pytest.approx(0.3177, abs=2e-4)


def test_figure_has_three_curves():
    params, solution, qs, q = variant(1)
    fig = P.figure(params, solution)
    assert [s.label for s in fig.series] == ["m_{∞}", "h_{∞}", "n_{∞}"]


def test_snapshot_lies_on_an_independent_hh_spike():
    """(V, m, h, n) of (a)-(d) against a Radau solution of the printed membrane (with the unprinted
    values the statement names: g_L = 0.3, E_L = -54.387 mV, 6.3 degC) and the same pulse."""
    from hh_reference import ref_sim
    from spikeset.solutions import spike_snapshots as S

    for seed in (0, 5):
        p = variant(seed)[0]
        hh = {"C_m": 1.0, "g_Na": p["gbar_na"], "g_K": p["gbar_k"], "g_L": 0.3, "E_Na": p["e_na_mV"],
              "E_K": p["e_k_mV"], "E_L": -54.387, "temperature": 6.3}
        t, V, m, h, n = ref_sim(hh, [(S.PULSE_START_ms, S.PULSE_START_ms + S.PULSE_DURATION_ms,
                                       S.PULSE_uA_PER_CM2)], 6.0, dt=0.001)
        k_peak = int(np.argmax(V))
        assert p["peak_mV"] == pytest.approx(V[k_peak], abs=0.1)
        seg = slice(0, k_peak) if p["phase"] == "rising" else slice(k_peak, len(V))
        vs, ts = V[seg], t[seg]
        k = int(np.argmin(np.abs(vs - p["v_mV"])))
        assert abs(vs[k] - p["v_mV"]) < 0.6
        i = np.arange(len(V))[seg][k]
        # the state where the reference passes V (gates interpolated by the V mismatch, tiny)
        for name, gate in (("m", m), ("h", h), ("n", n)):
            assert p[name] == pytest.approx(gate[i], abs=0.006), (seed, name)
        assert p["t_snapshot_ms"] == pytest.approx(ts[k], abs=0.01)


def test_snapshots_are_hh_like():
    """On the rising phase m is well below 1 (the issue: not 0.8-0.95), on the falling phase m is
    near 1, h low and n high; and the Na+ current never exceeds what an HH spike carries."""
    seen = set()
    for seed in range(30):
        p, sol, qs, q = variant(seed)
        seen.add(p["phase"])
        if p["phase"] == "rising":
            assert p["m"] < 0.8 and p["h"] > 0.2
        else:
            assert p["h"] < 0.45 and p["n"] > 0.5
        assert abs(q["c"].answer) < 2500
    assert seen == {"rising", "falling"}
