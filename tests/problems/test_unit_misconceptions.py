"""Volts for millivolts and Celsius for kelvin are recognized in every calculation family whose
answers have those units (issue 11, item 5), with values computed here independently."""
import math

import pytest

from support import family_variant
from spikeset.model import NumericQuestion
from spikeset.problems.ahp import problem as ahp
from spikeset.problems.driving_force import problem as driving_force
from spikeset.problems.ghk import problem as ghk
from spikeset.problems.nernst import problem as nernst
from spikeset.problems.peak_voltage import problem as peak_voltage
from spikeset.problems.resting_potential import problem as resting_potential
from spikeset.problems.threshold_slope import problem as threshold_slope

R, F = 8.314462618, 96485.33212

#: family module -> the questions answered in mV
MV_QUESTIONS = {nernst: ("a",), ghk: ("a",), peak_voltage: ("a",), ahp: ("a",),
                resting_potential: ("a",), driving_force: ("a",), threshold_slope: ("e",)}


def _named(q: NumericQuestion) -> dict[str, float]:
    """misconception id -> value (ids reported together count for each)."""
    return {part: m.value for m in q.misconceptions for part in m.id.split("+")}


def _recognized(q: NumericQuestion, mid: str, expected: float) -> bool:
    """``mid`` is named with its own value, or with that of a wrong model it is reported together
    with (which lies within two tolerance half-widths of it)."""
    value = _named(q).get(mid)
    return value is not None and abs(value - expected) <= 2 * q.tolerance.half_width(expected) + 1e-9


@pytest.mark.parametrize("module", list(MV_QUESTIONS), ids=lambda m: m.ID)
def test_volts_for_millivolts(module):
    seen = 0
    for seed in range(25):
        _, _, q = family_variant(module, seed)
        for key in MV_QUESTIONS[module]:
            named = _named(q[key])
            if abs(q[key].answer) > 2.0:      # otherwise answer/1000 lies within the tolerance
                assert _recognized(q[key], "volts-instead-of-millivolts", q[key].answer / 1000)
                seen += 1
    assert seen >= 20


def test_driving_force_volts_and_celsius():
    kinds = set()
    for seed in range(60):
        p, _, q = family_variant(driving_force, seed)
        named_a = _named(q["a"])
        assert _recognized(q["b"], "volts-instead-of-millivolts", q["b"].answer / 1000)
        kinds.add(p["given"])
        if p["given"] == "concentrations":
            t = p["temperature_C"]
            e_celsius = 1000 * R * t / (p["valence"] * F) * math.log(p["c_out_mM"] / p["c_in_mM"])
            wrong_df = p["v_m_mV"] - e_celsius
            if abs(wrong_df - q["a"].answer) > 2 * q["a"].tolerance.half_width(q["a"].answer):
                assert _recognized(q["a"], "celsius-instead-of-kelvin", wrong_df)
                assert _recognized(q["b"], "celsius-instead-of-kelvin", p["g_mS_per_cm2"] * wrong_df)
        else:
            assert "celsius-instead-of-kelvin" not in named_a
    assert kinds == {"reversal", "concentrations"}


def test_ghk_celsius():
    for seed in range(10):
        p, _, q = family_variant(ghk, seed)
        t = p["temperature_C"]
        num = p["k_out_mM"] + p["p_na"] * p["na_out_mM"] + p["p_cl"] * p["cl_in_mM"]
        den = p["k_in_mM"] + p["p_na"] * p["na_in_mM"] + p["p_cl"] * p["cl_out_mM"]
        assert _recognized(q["a"], "celsius-instead-of-kelvin", 1000 * R * t / F * math.log(num / den))
