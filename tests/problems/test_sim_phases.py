"""sim-phases: the winners of the choice questions agree with an independent Radau simulation."""
from __future__ import annotations

import pytest

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from hh_reference import ref_sim  # an independent HH model
from spikeset.variants.roster import Student

FAMILY = "sim-phases"
N_SEEDS = 24


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(N_SEEDS)], b"test-key")


def _correct(problem):
    return {pq.key: pq.question.correct_option.id for pq in problem.questions}


def test_plausible_and_figure(sets):
    fam = get_family(FAMILY)
    for s in sets:
        p = s.problems[0]
        assert fam.module.plausible(p.params, p.solution, [pq.question for pq in p.questions]) == []
        assert sorted(p.params["points"]) == list("ABCDE")
        fig = fam.module.figure(p.params, p.solution)
        # the student-visible figure plots V only, and the five lettered points on it
        curve, points = fig.series
        assert points.marker == "o" and not points.style and len(points.x) == 5
        assert sorted(label.text for label in fig.labels) == list("ABCDE")
        assert [(lab.x, lab.y) for lab in sorted(fig.labels, key=lambda lab: lab.text)] == list(zip(points.x, points.y))


def test_robust_to_one_percent(sets):
    fam = get_family(FAMILY)
    base = [dict(s.problems[0].params) for s in sets]
    for f in (0.99, 1.01):
        changed = [{**p, "amplitude": p["amplitude"] * f, "points": {}} for p in base]
        sols = fam.solve_batch(changed)
        for s, p, sol in zip(sets, changed, sols):
            p = {**p, **sol.pop("adjusted_params")}
            got = {q.key: q.correct_option.id for q in fam.questions(p, sol)}
            want = _correct(s.problems[0])
            assert all(got.get(k) == v for k, v in want.items() if k in got)


def test_independent_radau(sets):
    for s in sets[:3]:
        p = s.problems[0].params
        t, V, m, h, n = ref_sim(p, [(p["start_ms"], p["start_ms"] + p["duration_ms"], p["amplitude"])],
                                max(p["points"].values()) + 0.5, dt=0.01)
        at = {L: int(round(tp / 0.01)) for L, tp in p["points"].items()}
        i_ion = {L: p["g_Na"] * m[k]**3 * h[k] * (V[k] - p["E_Na"]) + p["g_K"] * n[k]**4 * (V[k] - p["E_K"])
                 + p["g_L"] * (V[k] - p["E_L"]) for L, k in at.items()}
        ref = {"a": max(i_ion, key=i_ion.get), "b": min(i_ion, key=i_ion.get),
               "c": min(at, key=lambda L: abs(V[at[L]] - V[0])), "d": min(at, key=lambda L: abs(V[at[L]] - p["E_K"]))}
        for key, letter in _correct(s.problems[0]).items():
            if key in ref:
                assert letter == ref[key], key


def _values(**extremes):
    """Synthetic values at the five points, all alike (g_Na 0, everything else 1) but for the given
    ``quantity=(phase, value)`` extremes."""
    values = {ph: {"I_ion": 1.0, "dist_rest": 9.0, "dist_EK": 9.0, "g_K": 1.0, "g_Na": 0.0, "dVdt": 1.0}
              for ph in ("rising", "peak", "falling", "undershoot", "recovery")}
    for name, (ph, value) in extremes.items():
        values[ph][name] = value
    return values


@pytest.mark.parametrize("labels", ["ABCDE", "EDCBA", "CAEBD"])
def test_questions_follow_the_winners_and_letters(labels):
    # The questions are shared between students with the same letters and winners: check that
    # other winners or letters never get a question built for another combination.
    P = get_family(FAMILY).module
    params = {"labels": labels}
    letter = dict(zip(P.PHASES, labels))
    for ion_max, ion_min, h_min, gk_max in (("falling", "rising", "undershoot", "falling"),
                                            ("recovery", "peak", "falling", "undershoot")):
        values = _values(I_ion=(ion_max, 9.0), dist_rest=(h_min, 1.0), dist_EK=(gk_max, 2.0))
        values[ion_min]["I_ion"] = -9.0
        values["peak"].update(dVdt=0.0, g_Na=2.0)
        qs = {q.key: q for q in P.questions(params, {"values": values})}
        want = {"a": ion_max, "b": ion_min, "c": h_min, "d": gk_max, "e": "peak"}
        for key, phase in want.items():
            q = qs[key]
            assert q.correct_option.id == letter[phase]
            assert [o.id for o in q.options] == sorted(labels)           # points in letter order
            assert {o.misconception.id for o in q.options if not o.correct} == {
                f"{key}-{ph}" for ph in P.PHASES if ph != phase}
    # without a simulation every question still has one correct point: A, or the peak for e
    qs = {q.key: q for q in P.questions(params, {})}
    assert all(qs[key].correct_option.id == "A" for key in "abcd")
    assert qs["e"].correct_option.id == letter["peak"]
