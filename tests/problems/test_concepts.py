"""The `concepts` family: its question pool, sampling, overrides and rendering."""
from __future__ import annotations

import copy
import tomllib

import numpy as np
import pytest
from markupsafe import escape

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.errors import AssignmentError, FamilyError
from spikeset.model import ChoiceQuestion
from spikeset.problems.concepts import problem as concepts
from spikeset.variants.registry import get_family
from spikeset.render.render import render_problem_set, render_solutions
from spikeset.variants.roster import Student
from spikeset.sampling import Draw

SECTIONS = ["gradients", "resting-potential", "gating", "threshold", "peak", "repolarization",
            "undershoot", "refractoriness", "manipulations", "concentration-changes"]
SEEDS = range(50)


def raw_pool() -> dict:
    return tomllib.loads(concepts.POOL_FILE.read_text(encoding="utf-8"))


def draw(seed: int, **overrides) -> Draw:
    return Draw(np.random.default_rng(seed), overrides, where="problems[1].params")


def assignment(params: str = "") -> str:
    return ('id = "concepts-test"\ntitle = "Concepts"\n[[problems]]\nfamily = "concepts"\npoints = 4\n'
            + (f"params = {{ {params} }}\n" if params else ""))


# ---------------------------------------------------------------- the pool

def test_family_is_registered():
    family = get_family("concepts")
    assert family.topic == "concepts"
    assert family.module is concepts


def test_pool_size_and_section_coverage():
    pool = concepts.load_pool()
    assert len(pool.questions) >= 36
    assert list(pool.sections) == SECTIONS
    for section in SECTIONS:
        assert len(pool.in_section(section)) >= 3, section


def test_pool_entries_are_complete():
    pool = concepts.load_pool()
    assert len({q.id for q in pool.questions}) == len(pool.questions)
    assert len({q.stem for q in pool.questions}) == len(pool.questions)
    for q in pool.questions:
        assert len(q.options) == 4, q.id
        assert sum(o.correct for o in q.options) == 1, q.id
        assert q.explanation.strip(), q.id
        for o in q.options:
            if o.correct:
                assert o.misconception is None and o.feedback is None
            else:
                assert concepts.KEBAB.match(o.misconception), (q.id, o.misconception)
                assert o.feedback.startswith("Misconception:"), (q.id, o.feedback)
                assert len(o.feedback) > len("Misconception:") + 20, q.id


def test_pool_round_trips_into_choice_questions():
    for q in concepts.load_pool().questions:
        cq = q.choice_question("a")
        assert isinstance(cq, ChoiceQuestion)
        assert cq.prompt == q.stem
        assert [o.id for o in cq.options] == ["o1", "o2", "o3", "o4"]
        for o in cq.options:
            assert (o.misconception is None) == o.correct


# ---------------------------------------------------------------- validation

def _first_question(data: dict) -> dict:
    return data["questions"][0]


def _make_correct(option: dict) -> None:
    option.pop("misconception")
    option.pop("feedback")
    option["correct"] = True


@pytest.mark.parametrize("break_it, message", [
    (lambda d: _make_correct(_first_question(d)["options"][1]), "exactly one correct"),
    (lambda d: _first_question(d)["options"][0].update(correct=False, misconception="x-y",
                                                       feedback="Misconception: something wrong here, really."),
     "exactly one correct"),
    (lambda d: _first_question(d)["options"][1].pop("feedback"), "'feedback'"),
    (lambda d: _first_question(d)["options"][1].pop("misconception"), "'misconception'"),
    (lambda d: _first_question(d)["options"][1].update(feedback="You got it wrong."), "Misconception:"),
    (lambda d: _first_question(d)["options"][1].update(misconception="Not Kebab"), "kebab-case"),
    (lambda d: _first_question(d)["options"].pop(), "exactly 4 options"),
    (lambda d: _first_question(d).update(section="nowhere"), "unknown section"),
    (lambda d: _first_question(d).pop("explanation"), "'explanation'"),
    (lambda d: _first_question(d).update(stem=""), "'stem'"),
    (lambda d: d["questions"][1].update(id=_first_question(d)["id"]), "duplicate question id"),
    (lambda d: _first_question(d)["options"][2].update(misconception=_first_question(d)["options"][1]["misconception"]),
     "share a misconception"),
    (lambda d: _first_question(d)["options"][0].update(feedback="Misconception: the right answer has none."),
     "correct option takes no"),
])
def test_malformed_pool_entry_raises_naming_the_entry(break_it, message):
    data = copy.deepcopy(raw_pool())
    assert concepts.parse_pool(data)          # the shipped pool is valid
    break_it(data)
    with pytest.raises(FamilyError) as info:
        concepts.parse_pool(data)
    text = str(info.value)
    assert message in text
    assert "questions[" in text               # names the entry
    if "duplicate" in message:
        assert "questions[2]" in text
    else:
        assert repr(_first_question(raw_pool())["id"]) in text


def test_pool_without_sections_is_rejected():
    data = raw_pool()
    del data["sections"]
    with pytest.raises(FamilyError, match="sections"):
        concepts.parse_pool(data)


# ---------------------------------------------------------------- sampling

@pytest.mark.parametrize("seed", SEEDS)
def test_sample_draws_distinct_valid_questions(seed):
    pool = concepts.load_pool()
    params = concepts.sample(draw(seed))
    assert params["n"] == 4 and params["section"] == "any"
    ids = params["questions"]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert all(i in pool.by_id for i in ids)
    # with "any", the default draw spreads over different sections
    assert len({pool.by_id[i].section for i in ids}) == 4
    qs = concepts.questions(params, {})
    assert [q.key for q in qs] == ["a", "b", "c", "d"]
    assert [q.prompt for q in qs] == [pool.by_id[i].stem for i in ids]
    for q in qs:
        assert sum(o.correct for o in q.options) == 1
        assert all(o.misconception and o.misconception.feedback for o in q.options if not o.correct)
    assert concepts.plausible(params, {}, qs) == []
    assert concepts.sample(draw(seed)) == params          # reproducible


def test_sampling_varies_between_students_and_reaches_the_whole_pool():
    seen = {i for seed in range(200) for i in concepts.sample(draw(seed))["questions"]}
    assert seen == set(concepts.load_pool().by_id)
    assert len({tuple(concepts.sample(draw(seed))["questions"]) for seed in SEEDS}) > 40


@pytest.mark.parametrize("n", [1, 6, 10])
def test_override_n(n):
    for seed in range(10):
        params = concepts.sample(draw(seed, n=n))
        assert params["n"] == n
        assert len(params["questions"]) == n == len(set(params["questions"]))
        qs = concepts.questions(params, {})
        assert [q.key for q in qs] == list("abcdefghij"[:n])
        assert concepts.plausible(params, {}, qs) == []


@pytest.mark.parametrize("n", [0, -1, 11, 100])
def test_override_n_out_of_range(n):
    with pytest.raises(AssignmentError, match="from 1 to 10"):
        concepts.sample(draw(0, n=n))


def test_override_n_must_be_integer():
    with pytest.raises(AssignmentError):
        concepts.sample(draw(0, n=4.5))


@pytest.mark.parametrize("section", SECTIONS)
def test_override_section(section):
    pool = concepts.load_pool()
    available = len(pool.in_section(section))
    for seed in range(10):
        params = concepts.sample(draw(seed, section=section, n=3))
        assert params["section"] == section
        assert all(pool.by_id[i].section == section for i in params["questions"])
        assert len(set(params["questions"])) == 3
    params = concepts.sample(draw(0, section=section, n=available))
    assert sorted(params["questions"]) == sorted(q.id for q in pool.in_section(section))


def test_override_section_too_small_or_unknown():
    with pytest.raises(AssignmentError, match="holds only"):
        concepts.sample(draw(0, section="peak", n=10))
    with pytest.raises(AssignmentError, match="section"):
        concepts.sample(draw(0, section="dendrites"))


def test_section_default_is_any_and_consumes_the_rng_alike():
    for seed in range(20):
        assert concepts.sample(draw(seed)) == concepts.sample(draw(seed, section="any"))
        assert concepts.sample(draw(seed)) == concepts.sample(draw(seed, n=4))


def test_plausible_flags_duplicates_and_unknown_ids():
    params = {"n": 2, "section": "any", "questions": ["peak-below-ena", "peak-below-ena"]}
    qs = concepts.questions(params, {})
    reasons = concepts.plausible(params, {}, qs)
    assert any("twice" in r for r in reasons)
    bad = {"n": 1, "section": "peak", "questions": ["manipulation-ttx"]}
    assert any("outside section" in r for r in concepts.plausible(bad, {}, concepts.questions(bad, {})))
    with pytest.raises(AssignmentError, match="unknown question id"):
        concepts.questions({"n": 1, "section": "any", "questions": ["no-such-question"]}, {})


def test_solve_batch_carries_the_explanations():
    params = concepts.sample(draw(3))
    (solution,) = concepts.solve_batch([params])
    by_id = concepts.load_pool().by_id
    assert solution["explanations"] == {k: by_id[i].explanation for k, i in zip("abcd", params["questions"])}


# ---------------------------------------------------------------- through the engine

STUDENTS = [Student(f"s{i}") for i in range(1, 6)]


def _pool_texts(params: dict):
    by_id = concepts.load_pool().by_id
    return [by_id[i] for i in params["questions"]]


def test_assignment_overrides_reach_the_family():
    a = parse_assignment(assignment('n = 6, section = "manipulations"'))
    sets = assemble(a, STUDENTS[:2], b"k")
    for s in sets:
        (p,) = s.problems
        assert len(p.questions) == 6
        assert all(concepts.load_pool().by_id[i].section == "manipulations" for i in p.params["questions"])


def test_assignment_n_override_out_of_range_is_an_assignment_error():
    # refused as the assignment is read, before any variant is drawn
    with pytest.raises(AssignmentError, match="from 1 to 10"):
        parse_assignment(assignment("n = 11"))


def test_problem_set_shows_stems_and_hides_answers():
    a = parse_assignment(assignment("n = 8"))
    sets = assemble(a, STUDENTS, b"k")
    all_ids = set(concepts.load_pool().by_id)
    for s in sets:
        page = render_problem_set(s)
        assert "Choose the one best answer for each question." in page
        (p,) = s.problems
        for pq, entry in zip(p.questions, _pool_texts(p.params)):
            assert entry.stem in page
            for option in entry.options:
                assert option.text in page
            assert entry.explanation not in page
            for option in entry.options:
                if not option.correct:
                    assert option.feedback not in page
                    assert escape(option.feedback) not in page
                    assert option.misconception not in page
        assert not any(qid in page for qid in all_ids)
        assert "Misconception" not in page


def test_solutions_show_answer_explanation_and_misconceptions():
    a = parse_assignment(assignment("n = 8"))
    sets = assemble(a, STUDENTS, b"k")
    solutions = render_solutions(sets)
    for s in sets:
        (p,) = s.problems
        for pq, entry in zip(p.questions, _pool_texts(p.params)):
            assert entry.explanation in solutions
            correct = next(o for o in entry.options if o.correct)
            assert f"({pq.correct_label}) {correct.text}" in solutions
            for label, option in pq.labelled:
                if not option.correct:
                    assert option.misconception.id in solutions
                    assert escape(option.misconception.feedback) in solutions


# ---------------------------------------------------------------- physics of disputed items

def _question(qid):
    return next(q for q in concepts.load_pool().questions if q.id == qid)


def _hh_instantaneous_and_steady_slopes():
    """Independent: the HH rate functions written out; slopes [mS/cm^2] of the steady-state I-V and of
    the instantaneous I-V (m = m_inf, h and n frozen at rest), classic squid parameters."""
    v = np.arange(-100.0, 40.0, 0.01)
    am = 0.1 * (v + 40) / (1 - np.exp(-(v + 40) / 10))
    bm = 4 * np.exp(-(v + 65) / 18)
    ah, bh = 0.07 * np.exp(-(v + 65) / 20), 1 / (1 + np.exp(-(v + 35) / 10))
    an = 0.01 * (v + 55) / (1 - np.exp(-(v + 55) / 10))
    bn = 0.125 * np.exp(-(v + 65) / 80)
    m, h, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
    rest = int(np.argmin(np.abs(v + 65.0)))

    def current(mm, hh, nn):
        return 120 * mm**3 * hh * (v - 50) + 36 * nn**4 * (v + 77) + 0.3 * (v + 54.387)
    steady = np.gradient(current(m, h, n), v)
    instantaneous = np.gradient(current(m, h[rest], n[rest]), v)
    return steady, instantaneous


def test_negative_slope_item_names_the_instantaneous_i_v():
    steady, instantaneous = _hh_instantaneous_and_steady_slopes()
    assert steady.min() > 0          # the steady-state I-V of HH is monotonic
    assert instantaneous.min() < 0   # the instantaneous one has a negative-slope region
    q = _question("threshold-negative-slope")
    assert "<em>instantaneous</em>" in q.stem and "h and n frozen" in q.stem
    assert "steady-state I-V curve" in q.explanation and "monotonically" in q.explanation


def test_tea_item_against_an_independent_hh_simulation():
    """Halving g_K (Radau, classic HH at 6.3 degC): rest depolarizes a few mV, the spike's half-width
    grows modestly and the upstroke survives, as the keyed option says."""
    from hh_reference import _rest, ref_sim

    features = {}
    for g_k in (36.0, 18.0):
        p = {"C_m": 1.0, "g_Na": 120.0, "g_K": g_k, "g_L": 0.3, "E_Na": 50.0, "E_K": -77.0, "E_L": -54.387,
             "temperature": 6.3}
        rest = _rest(p)[0]
        t, V, *_ = ref_sim(p, [(2.0, 2.5, 20.0)], 12.0, dt=0.005)
        k = int(np.argmax(V))
        half = (rest + V[k]) / 2
        above = t[V > half]
        features[g_k] = (rest, V[k], above[-1] - above[0])
    (rest0, peak0, width0), (rest1, peak1, width1) = features[36.0], features[18.0]
    assert 1.0 < rest1 - rest0 < 6.0
    assert 1.05 < width1 / width0 < 1.4 and width1 - width0 < 1.0
    assert peak1 > 30.0 and abs(peak1 - peak0) < 5.0
    q = _question("manipulation-tea")
    keyed = next(o for o in q.options if o.correct)
    assert "Rest depolarizes by a few mV" in keyed.text and "broadens modestly" in keyed.text
    assert "k-block-plateau" in {o.misconception for o in q.options if not o.correct}


def test_threshold_always_says_which():
    """Every entry of the pool that says "threshold" says which one: the voltage threshold, or a
    current threshold (the threshold current, the current threshold, rheobase)."""
    text = concepts.POOL_FILE.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith(("stem", "text", "explanation", "feedback")) and "threshold" in line.lower():
            lower = line.lower()
            assert any(k in lower for k in ("voltage threshold", "threshold current", "current threshold")), line
