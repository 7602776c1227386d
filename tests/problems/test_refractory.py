"""refractory: references against an independent computation, the classification against an
independent criterion, misconceptions, rendering."""
import math
import re

import numpy as np
import pytest

from spikeset.model import ChoiceQuestion, NumericQuestion
from spikeset.problems.refractory import problem as P
from spikeset.sampling import Draw

SEEDS = range(80)


def variant(seed, overrides=None):
    params = P.sample(Draw(np.random.default_rng(seed), overrides))
    qs = P.questions(params, {})
    return params, qs, {q.key: q for q in qs}


# HH (1952) steady states, modern convention, written out independently of hh_model.
def x_inf(gate, v):
    a, b = {
        "m": (0.1 * (v + 40) / (1 - math.exp(-(v + 40) / 10)), 4 * math.exp(-(v + 65) / 18)),
        "h": (0.07 * math.exp(-(v + 65) / 20), 1 / (1 + math.exp(-(v + 35) / 10))),
        "n": (0.01 * (v + 55) / (1 - math.exp(-(v + 55) / 10)), 0.125 * math.exp(-(v + 65) / 80)),
    }[gate]
    return a / (a + b)


def ss_current(p, v):
    m, h, n = x_inf("m", v), x_inf("h", v), x_inf("n", v)
    return (p["gbar_na"] * m ** 3 * h * (v - p["e_na_mV"]) + p["gbar_k"] * n ** 4 * (v - p["e_k_mV"])
            + p["g_l"] * (v - p["e_l_mV"]))


def check_generic(params, qs):
    assert P.plausible(params, {}, qs) == []
    for q in qs:
        if isinstance(q, NumericQuestion):
            assert np.isfinite(q.answer) and q.answer > 0
            assert len(q.misconceptions) >= 2
            for m in q.misconceptions:
                assert abs(m.value - q.answer) > 2 * q.tolerance.half_width(q.answer), (q.key, m.id)
        else:
            assert isinstance(q, ChoiceQuestion)
            assert sum(o.correct for o in q.options) == 1
            assert all(o.misconception is not None and o.misconception.feedback for o in q.options if not o.correct)


@pytest.mark.parametrize("seed", SEEDS)
def test_variant(seed):
    p, qs, q = variant(seed)
    check_generic(p, qs)
    # printed resting state: a zero of the steady-state current, gates at their steady state
    v = p["v_rest_mV"]
    assert abs(ss_current(p, v)) < abs(ss_current(p, v - 1.0)) and abs(ss_current(p, v)) < abs(ss_current(p, v + 1.0))
    assert ss_current(p, v - 0.06) < 0 < ss_current(p, v + 0.06)
    for gate in "mhn":
        assert p[f"{gate}_rest"] == pytest.approx(x_inf(gate, v), abs=6e-4)
    assert p["m_test"] == pytest.approx(x_inf("m", p["v_test_mV"]), abs=6e-4)
    # printed values are rounded as printed
    for name, digits in (("h", 3), ("n", 3), ("m_test", 3), ("h_rest", 3), ("n_rest", 3), ("v_rest_mV", 1)):
        assert p[name] == round(p[name], digits)
    # numeric answers from the printed values
    gna_now = p["gbar_na"] * p["m_test"] * p["m_test"] * p["m_test"] * p["h"]
    gna_rest = p["gbar_na"] * p["m_test"] * p["m_test"] * p["m_test"] * p["h_rest"]
    assert q["a"].answer == pytest.approx(gna_now, rel=1e-12)
    assert q["b"].answer == pytest.approx(100 * gna_now / gna_rest, rel=1e-12)
    assert q["b"].answer == pytest.approx(100 * p["h"] / p["h_rest"], rel=1e-12)
    gk_now = p["gbar_k"] * (p["n"] ** 2) ** 2
    assert q["c"].answer == pytest.approx(gk_now, rel=1e-12)
    mr = p["m_rest"]
    gin_now = gk_now + p["g_l"] + p["gbar_na"] * mr ** 3 * p["h"]
    gin_rest = p["gbar_k"] * p["n_rest"] ** 4 + p["g_l"] + p["gbar_na"] * mr ** 3 * p["h_rest"]
    assert q["d"].answer == pytest.approx(gin_now / gin_rest, rel=1e-12)
    assert q["d"].answer > 1 and q["c"].answer > p["gbar_k"] * p["n_rest"] ** 4
    # follow-on: a student's own a and c carry forward
    assert q["b"].follow_on.compute({"a": gna_now}) == pytest.approx(q["b"].answer)
    assert q["b"].follow_on.compute({"a": 2 * gna_now}) == pytest.approx(2 * q["b"].answer)
    assert q["d"].follow_on.compute({"c": gk_now}) == pytest.approx(q["d"].answer)
    # classification by the printed criterion, independent of the sampled state label
    pct = 100 * p["h"] / p["h_rest"]
    expected = "absolute" if pct < p["abs_pct"] else ("relative" if pct < p["rec_pct"] else "recovered")
    assert expected != "recovered"
    assert q["e"].correct_option.id == expected == p["state"]
    assert min(abs(pct - p["abs_pct"]), abs(pct - p["rec_pct"])) > 5  # never near a boundary
    if expected == "absolute":
        assert p["h"] < 0.15 * p["h_rest"]
    assert p["n"] > p["n_rest"]
    assert q["f"].correct_option.id == "h-low-n-high"
    assert q["g"].correct_option.id == "higher"


@pytest.mark.parametrize("seed", range(40))
def test_printed_rest_is_resting_states_root(seed):
    # sample() uses the scalar resting_potential; the batched resting_state must print the same value
    from spikeset.solutions.hh_model import HHParams, resting_state
    p = P.sample(Draw(np.random.default_rng(seed)))
    hh = HHParams(g_Na=p["gbar_na"], g_K=p["gbar_k"], g_L=p["g_l"], E_Na=p["e_na_mV"], E_K=p["e_k_mV"], E_L=p["e_l_mV"])
    assert p["v_rest_mV"] == round(float(resting_state(hh, xtol_mV=1e-6).V_mV[0]), 1)


def test_both_states_occur():
    states = {variant(seed)[0]["state"] for seed in SEEDS}
    assert states == {"absolute", "relative"}


def test_misconception_ids_present():
    ids = {}
    for seed in SEEDS:
        for key, qq in variant(seed)[2].items():
            if isinstance(qq, NumericQuestion):
                ids.setdefault(key, set()).update(i for m in qq.misconceptions for i in m.id.split("+"))
    assert {"m-instead-of-m3", "h-left-out", "h-rest-used"} <= ids["a"]
    assert {"percent-of-maximum", "ratio-inverted"} <= ids["b"]
    assert {"n-instead-of-n4", "n-rest-used"} <= ids["c"]
    assert {"leak-left-out", "n-instead-of-n4"} <= ids["d"]


def test_misconception_values():
    p, qs, q = variant(3)
    mt, h = p["m_test"], p["h"]
    vals = {m.id: m.value for m in q["a"].misconceptions}
    assert vals["m-instead-of-m3"] == pytest.approx(p["gbar_na"] * mt * h)
    assert vals["h-left-out"] == pytest.approx(p["gbar_na"] * mt ** 3)
    assert vals["h-rest-used"] == pytest.approx(p["gbar_na"] * mt ** 3 * p["h_rest"])
    vals = {m.id: m.value for m in q["c"].misconceptions}
    assert vals["n-instead-of-n4"] == pytest.approx(p["gbar_k"] * p["n"])


def test_wrong_options_by_state():
    for overrides, correct in (({"state": "absolute"}, "absolute"), ({"state": "relative"}, "relative")):
        p, qs, q = variant(7, overrides)
        assert q["e"].correct_option.id == correct
        ids = {o.misconception.id for o in q["e"].options if not o.correct}
        assert "repolarized-means-recovered" in ids and "time-not-gates" in ids


def test_override_into_boundary_is_flagged():
    p, qs, q = variant(5, {"state": "relative"})
    p2 = dict(p, h=round(0.21 * p["h_rest"], 3))
    assert any("boundary" in r for r in P.plausible(p2, {}, P.questions(p2, {})))


def test_misconception_dropped_when_indistinguishable():
    # h_rest = 0.5 and h = 0.25: "inactivated fraction" (100 - 50) equals the reference 50 and is dropped.
    p, qs, q = variant(11, {"state": "relative"})
    p2 = dict(p, h_rest=0.5, h=0.25)
    qb = {qq.key: qq for qq in P.questions(p2, {})}["b"]
    assert qb.answer == pytest.approx(50.0)
    assert "inactivated-fraction" not in {i for m in qb.misconceptions for i in m.id.split("+")}


@pytest.mark.parametrize("seed", range(3))
def test_renders(seed):
    import spikeset.grade.answer_file
    import spikeset.variants.assemble
    import spikeset.variants.assignment
    import spikeset.render.render
    import spikeset.variants.roster

    a = spikeset.variants.assignment.parse_assignment('id="t"\ntitle="t"\n[[problems]]\nfamily="refractory"\npoints=5\n')
    sets = spikeset.variants.assemble.assemble(a, [spikeset.variants.roster.Student(f"s{seed}")], b"k")
    s = sets[0]
    page = spikeset.render.render.render_problem_set(s)
    sol = spikeset.render.render.render_solutions([s])
    blank = spikeset.grade.answer_file.blank_answer_file(s)
    markup = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)   # the page form's inlined scripts
    for text in (markup, sol, blank):
        assert "{{" not in text and "{%" not in text and "}}" not in text
    for pq in s.questions.values():
        if pq.type == "numeric":
            shown = f"{pq.question.answer:.{pq.question.digits}f}".replace("-", "\u2212")
            assert shown in sol
            if len(shown.strip("\u22120.")) >= 4:  # enough digits to identify an answer
                assert shown not in page and shown not in blank


def test_grading_does_not_import_matplotlib():
    import subprocess
    import sys
    code = ("import sys, numpy as np\n"
            "from spikeset.problems.refractory import problem as P\n"
            "from spikeset.sampling import Draw\n"
            "p = P.sample(Draw(np.random.default_rng(0)))\n"
            "P.plausible(p, {}, P.questions(p, {}))\n"
            "assert 'matplotlib' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
