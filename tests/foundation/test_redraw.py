"""A variant that its family's plausible() rejects is never handed out: it is redrawn from the
student's continued random stream, first draws that were plausible are untouched, and the
redraw is the same at every regrading whatever the batch."""
from __future__ import annotations

import pytest

from spikeset.variants import assemble as assemble_module
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import Assignment, ProblemSpec
from spikeset.errors import FamilyError
from spikeset.variants.registry import get_family
from spikeset.variants.roster import Student
from spikeset.sampling import Draw
from spikeset.variants.seeding import problem_rng

SECRET = b"redraw-secret"
STUDENTS = [Student(f"s{i:03d}") for i in range(120)]


def _assignment(family_id: str, **params) -> Assignment:
    return Assignment(id="redraw", title="t", source="<test>",
                      problems=(ProblemSpec(index=0, family=family_id, points=1.0, params=params),))


def _first_draw(family, student_id: str, **overrides) -> dict:
    """The variant as drawn before plausibility was enforced: one sample() from a fresh stream."""
    return family.sample(Draw(problem_rng(SECRET, "redraw", student_id, 0), overrides))


def _reject_warm_leak(params, solution, questions):
    return ["made-up rule: E_L above -56 mV"] if params["e_l_mV"] > -56.0 else []


def test_plausible_first_draws_unchanged_and_rejected_ones_redrawn(monkeypatch):
    family = get_family("ahp")
    monkeypatch.setattr(family.module, "plausible", _reject_warm_leak)
    sets = assemble(_assignment("ahp"), STUDENTS, SECRET)
    kept = redrawn = 0
    for s in sets:
        instance = s.problems[0]
        first = _first_draw(family, s.student.id)
        assert instance.params["e_l_mV"] <= -56.0            # no student gets a rejected variant
        if first["e_l_mV"] <= -56.0:
            assert instance.params == first and instance.draws == 1   # byte-identical to before
            kept += 1
        else:
            assert instance.params != first and instance.draws > 1
            redrawn += 1
    assert kept > 20 and redrawn > 20


def test_redraw_continues_the_students_stream(monkeypatch):
    family = get_family("ahp")
    monkeypatch.setattr(family.module, "plausible", _reject_warm_leak)
    instance = assemble(_assignment("ahp"), STUDENTS[:40], SECRET)
    for s in instance:
        rng = problem_rng(SECRET, "redraw", s.student.id, 0)
        draws = [family.sample(Draw(rng)) for _ in range(s.problems[0].draws)]
        assert draws[-1] == s.problems[0].params
        assert all(d["e_l_mV"] > -56.0 for d in draws[:-1])


def test_redraw_independent_of_the_batch(monkeypatch):
    family = get_family("ahp")
    monkeypatch.setattr(family.module, "plausible", _reject_warm_leak)
    batch = assemble(_assignment("ahp"), STUDENTS[:30], SECRET)
    for s in batch[::7]:
        alone = assemble(_assignment("ahp"), [s.student], SECRET)[0]
        assert alone.problems[0].params == s.problems[0].params
        assert [q.reference for q in alone.problems[0].questions] == [q.reference for q in s.problems[0].questions]


def test_never_plausible_is_a_clear_family_error(monkeypatch):
    family = get_family("ahp")
    monkeypatch.setattr(family.module, "plausible", lambda params, solution, questions: ["made-up problem"])
    monkeypatch.setattr(assemble_module, "MAX_DRAWS", 5)
    with pytest.raises(FamilyError) as err:
        assemble(_assignment("ahp", e_k_mV=-80.0), STUDENTS[:3], SECRET)
    message = str(err.value)
    assert "problems/ahp" in message and "problems[1]" in message
    assert "no plausible variant for student 's000' in 5 draws" in message
    assert "fixed by the assignment (e_k_mV)" in message and "made-up problem" in message


def test_only_rejected_variants_are_solved_again(monkeypatch):
    family = get_family("ahp")
    monkeypatch.setattr(family.module, "plausible", _reject_warm_leak)
    batches = []
    monkeypatch.setattr(family.module, "solve_batch", lambda params_list: batches.append(len(params_list))
                        or [{} for _ in params_list], raising=False)
    assemble(_assignment("ahp"), STUDENTS[:50], SECRET)
    assert batches[0] == 50 and len(batches) >= 2 and all(b < 50 for b in batches[1:])


@pytest.mark.parametrize("family_id", ["driving-force", "resting-potential", "peak-voltage", "refractory"])
def test_real_families_keep_their_plausible_first_draws(family_id):
    """Families whose sampling did not change: every student whose first draw is plausible gets
    exactly that variant (old answer files still grade); the others get a plausible redraw."""
    family = get_family(family_id)
    students = STUDENTS[:60]
    sets = assemble(_assignment(family_id), students, SECRET)
    for s in sets:
        first = _first_draw(family, s.student.id)
        solution = family.solve_batch([first])[0]
        first = {**first, **solution.pop("adjusted_params", {})}
        reasons = family.module.plausible(first, solution, list(family.questions(first, solution)))
        instance = s.problems[0]
        assert (instance.params == first) == (not reasons)
        assert instance.draws == (1 if not reasons else instance.draws) and (instance.draws > 1) == bool(reasons)
