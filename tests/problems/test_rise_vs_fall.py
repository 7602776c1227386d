"""rise-vs-fall: references against an independent computation; directions checked physically."""
import pytest

from support import check_family_variant, family_variant
from spikeset.problems.rise_vs_fall import problem as P
from spikeset.solutions.hh_model import HHParams, ionic_current


def variant(seed):
    return family_variant(P, seed)


def check_generic(params, qs):
    check_family_variant(P, params, qs)


@pytest.mark.parametrize("seed", range(60))
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
    assert q["d"].correct_option.id == "h-down-n-up"
    assert len(q["a"].misconceptions) >= 3 and len(q["b"].misconceptions) >= 3
