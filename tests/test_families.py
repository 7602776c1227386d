"""Every family tests itself across many variants (R/exams' stresstest, PrairieLearn's test()):
reference answers grade 100 %, perturbed and typical wrong answers grade less, every variant is
plausible, and the pages render without leaking answers."""
from __future__ import annotations

import math

import pytest

from spikeset.grade.answer_file import AnswerFile, blank_answer_file
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import Assignment, ProblemSpec
from spikeset.grade.grading import grade_submission
from spikeset.variants.registry import all_families, family_folders
from spikeset.variants.roster import Student

N_VARIANTS = 50
FAMILY_IDS = sorted(all_families())


@pytest.fixture(scope="module", params=FAMILY_IDS)
def family_sets(request):
    family = all_families()[request.param]
    assignment = Assignment(id=f"self-{family.id}", title=family.title,
                            problems=(ProblemSpec(index=0, family=family.id, points=10.0),))
    students = [Student(f"v{i:03d}") for i in range(N_VARIANTS)]
    return family, assemble(assignment, students, b"self-test")


def _submit(s, answers):
    return AnswerFile(path="mem.toml", student=s.student.id, assignment=s.assignment.id,
                      variant=s.fingerprint, answers=answers)


def _perturbed(q) -> float:
    ref = q.answer
    low, high = q.tolerance.interval(ref)
    step = max(0.05 * abs(ref), 3 * (max(low, high) - min(low, high)), 1e-6)
    return ref + step


def test_catalog_is_complete():
    expected = {"nernst", "driving-force", "resting-potential", "ghk", "gating", "peak-voltage", "ahp",
                "threshold-slope", "rise-vs-fall", "refractory", "sim-threshold", "sim-peak-ahp", "sim-firing",
                "sim-refractory", "sim-manipulation", "sim-phases", "concepts"}
    assert expected <= set(FAMILY_IDS)
    assert len(family_folders()) == len(FAMILY_IDS)


def test_reference_answers_grade_full(family_sets):
    family, sets = family_sets
    for s in sets:
        answers = {qid: pq.reference for qid, pq in s.questions.items()}
        result = grade_submission(s, _submit(s, answers))
        assert result.score == pytest.approx(result.max_score) == pytest.approx(10.0), (
            s.student.id, [(q.id, q.status, q.feedback) for q in result.questions if q.status != "correct"])


def test_perturbed_and_typical_wrong_answers_grade_less(family_sets):
    family, sets = family_sets
    for s in sets:
        reference = {qid: pq.reference for qid, pq in s.questions.items()}
        for qid, pq in s.questions.items():
            candidates = []
            if pq.type == "numeric":
                candidates.append(("perturbed", _perturbed(pq.question)))
                candidates += [(m.id, m.value) for m in pq.question.misconceptions
                               if m.value is not None and math.isfinite(m.value)]
            else:
                candidates += [(opt.id, lab) for lab, opt in pq.labelled if not opt.correct]
            assert candidates, (family.id, qid)
            for why, value in candidates:
                result = grade_submission(s, _submit(s, {**reference, qid: value}))
                q = next(r for r in result.questions if r.id == qid)
                assert q.points < q.max_points, (family.id, s.student.id, qid, why, value)
                if why != "perturbed" and pq.type == "numeric":
                    assert q.misconception is not None and q.feedback, (family.id, qid, why)


def test_every_wrong_option_names_a_misconception(family_sets):
    family, sets = family_sets
    for s in sets:
        for pq in s.questions.values():
            if pq.type == "choice":
                for _, opt in pq.labelled:
                    if not opt.correct:
                        assert opt.misconception and opt.misconception.feedback, (family.id, pq.id, opt.id)


def test_every_variant_is_plausible(family_sets):
    family, sets = family_sets
    plausible = getattr(family.module, "plausible", None)
    for s in sets:
        for pq in s.questions.values():
            if pq.type == "numeric":
                assert math.isfinite(pq.question.answer), (family.id, pq.id)
        if plausible:
            instance = s.problems[0]
            assert plausible(instance.params, instance.solution, [pq.question for pq in instance.questions]) == []


def test_pages_render_without_leaking(family_sets):
    from spikeset.formatting import num_html
    from spikeset.render.render import render_problem_set, render_solutions

    family, sets = family_sets
    for s in sets[:2]:
        page = render_problem_set(s)
        blank = blank_answer_file(s)
        for text in (page, blank):
            assert "{{" not in text and "{%" not in text
        solutions = render_solutions([s])
        for pq in s.questions.values():
            if pq.type == "numeric" and abs(pq.question.answer) >= 1:
                assert num_html(pq.question.answer, pq.question.digits) in solutions, (family.id, pq.id)
                shown = f"{pq.question.answer:.{pq.question.digits}f}".replace("-", "\u2212")
                # Only values with enough digits to identify an answer are checked for leaks.
                if len(shown.strip("\u22120.")) >= 4:
                    assert shown not in page, (family.id, pq.id, shown)
                    assert shown.replace("\u2212", "-") not in blank
                    assert num_html(pq.question.answer, pq.question.digits) not in page, (family.id, pq.id)


def test_question_keys_are_the_same_for_every_variant(family_sets):
    """Question ids must be stable within an assignment (gradebook columns, LMS exports)."""
    family, sets = family_sets
    keys = {tuple(pq.key for pq in s.problems[0].questions) for s in sets}
    assert len(keys) == 1, (family.id, keys)


def test_choice_options_are_shuffled_unless_ordered(family_sets):
    family, sets = family_sets
    for key in {pq.key for pq in sets[0].problems[0].questions if pq.type == "choice"}:
        orders = {tuple(opt.id for _, opt in s.problems[0].questions[[q.key for q in s.problems[0].questions].index(key)].labelled)
                  for s in sets if key in [q.key for q in s.problems[0].questions]}
        question = next(pq.question for pq in sets[0].problems[0].questions if pq.key == key)
        if question.shuffle:
            assert len(orders) > 1, (family.id, key)
        else:
            assert orders == {tuple(o.id for o in question.options)}, (family.id, key)


def test_prompts_leave_the_tolerance_to_the_page(family_sets):
    """The page, the answer file and the exports state each question's tolerance from the question
    itself; a prompt that also states one contradicts an assignment's override ("(tolerance ±0.5
    mV) ... within ±1 mV")."""
    import re

    family, sets = family_sets
    for pq in sets[0].questions.values():
        assert not re.search(r"tolerance\W*(&plusmn;|±)", pq.question.prompt), (family.id, pq.key)
