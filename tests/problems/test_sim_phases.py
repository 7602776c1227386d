"""sim-phases: the winners of the choice questions agree with an independent Radau simulation."""
from __future__ import annotations

import pytest

from spikeset.assemble import assemble
from spikeset.assignment import parse_assignment
from spikeset.registry import get_family
from hh_reference import ref_sim  # an independent HH model
from spikeset.roster import Student

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
        # the student-visible figure plots V only
        assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 1 + 5


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
               "c": min(at, key=lambda L: h[at[L]]), "d": max(at, key=lambda L: n[at[L]])}
        for key, letter in _correct(s.problems[0]).items():
            if key in ref:
                assert letter == ref[key], key
