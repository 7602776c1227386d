"""rise-vs-fall: references against an independent computation; directions checked physically."""
import pytest

from support import check_family_variant, family_variant
from spikeset.problems.rise_vs_fall import problem as P
from spikeset.solutions.hh_model import HHParams, ionic_current


def variant(seed):
    return family_variant(P, seed)


def check_generic(params, qs):
    check_family_variant(P, params, qs)


@pytest.mark.parametrize("seed", range(30))
def test_variant(seed):
    p, qs, q = variant(seed)
    check_generic(p, qs)
    hh = HHParams(g_Na=p["gbar_na"], g_K=p["gbar_k"], g_L=p["g_l"], E_Na=p["e_na_mV"], E_K=p["e_k_mV"], E_L=p["e_l_mV"])
    rise = float(ionic_current(hh, p["v_mV"], p["m_rise"], p["h_rise"], p["n_rise"]))
    fall = float(ionic_current(hh, p["v_mV"], p["m_fall"], p["h_fall"], p["n_fall"]))
    assert q["a"].answer == pytest.approx(rise, rel=1e-12)
    assert q["b"].answer == pytest.approx(fall, rel=1e-12)
    # C dV/dt = -I: rising phase depolarizes, falling phase repolarizes
    assert -rise > 0 > -fall
    assert q["c"].correct_option.id == "rise-dep-fall-rep"
    assert p["h_fall"] < p["h_rise"] and p["n_fall"] > p["n_rise"]
    assert p["m_fall"] > p["m_rise"]     # so the "m has deactivated" option of (d) is wrong in the model too
    assert q["d"].correct_option.id == "h-down-n-up"
    assert len(q["a"].misconceptions) >= 3 and len(q["b"].misconceptions) >= 3


def test_snapshots_come_from_an_independent_hh_spike():
    """The gates printed are those of a Radau-simulated spike of the printed membrane: the net
    ionic currents of (a) and (b) equal -C dV/dt of that spike where it passes V (no stimulus
    then)."""
    import numpy as np
    from hh_reference import ref_sim
    from spikeset.solutions import spike_snapshots as S

    for seed in (0, 4):
        p, qs, q = variant(seed)
        hh = {"C_m": 1.0, "g_Na": p["gbar_na"], "g_K": p["gbar_k"], "g_L": p["g_l"], "E_Na": p["e_na_mV"],
              "E_K": p["e_k_mV"], "E_L": p["e_l_mV"], "temperature": p["temperature_C"]}
        t, V, m, h, n = ref_sim(hh, [(S.PULSE_START_ms, S.PULSE_START_ms + S.PULSE_DURATION_ms,
                                       S.PULSE_uA_PER_CM2)], 6.0, dt=0.001)
        k_peak = int(np.argmax(V))
        assert p["peak_mV"] == pytest.approx(V[k_peak], abs=0.1)
        dvdt = np.gradient(V, t)
        for key, seg, phase in (("a", slice(0, k_peak), "rise"), ("b", slice(k_peak, len(V)), "fall")):
            i = np.arange(len(V))[seg][int(np.argmin(np.abs(V[seg] - p["v_mV"])))]
            assert t[i] > S.PULSE_START_ms + S.PULSE_DURATION_ms
            for gate, ref in (("m", m), ("h", h), ("n", n)):
                assert p[f"{gate}_{phase}"] == pytest.approx(ref[i], abs=0.006), (seed, gate, phase)
            assert q[key].answer == pytest.approx(-dvdt[i], rel=0.05, abs=5.0), (seed, key)
