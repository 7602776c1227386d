"""sim-peak-ahp: peak and undershoot agree with an independent Radau simulation; robustness; choices."""
from __future__ import annotations

import numpy as np
import pytest

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from hh_reference import ref_sim, spike_peaks  # an independent HH model
from spikeset.variants.roster import Student

FAMILY = "sim-peak-ahp"
N_SEEDS = 24


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(N_SEEDS)], b"test-key")


def test_plausible_robust_and_chord(sets):
    fam = get_family(FAMILY)
    for s in sets:
        p = s.problems[0]
        sol = p.solution
        assert fam.module.plausible(p.params, sol, [pq.question for pq in p.questions]) == []
        assert sol["robust"] and sol["count"] == 1
        # at the extremes (no stimulus) V is the chord average of the reversal potentials
        assert sol["peak_chord"] == pytest.approx(sol["peak_mV"], abs=0.3)
        assert sol["ahp_chord"] == pytest.approx(sol["ahp_mV"], abs=0.3)
        assert p.params["E_K"] < sol["ahp_mV"] < sol["rest_mV"] < sol["peak_mV"] < p.params["E_Na"]


def test_independent_radau(sets):
    for s in sets[:4]:
        p, sol = s.problems[0].params, s.problems[0].solution
        t, V, *_ = ref_sim(p, [(p["start_ms"], p["start_ms"] + p["duration_ms"], p["amplitude"])], p["t_end_ms"],
                           dt=0.005)
        times, peaks = spike_peaks(t, V)
        assert len(times) == 1
        assert peaks[0] == pytest.approx(sol["peak_mV"], abs=0.1)
        after = V[t > times[0]]
        k = np.flatnonzero((after[1:-1] < after[:-2]) & (after[1:-1] <= after[2:]))
        assert after[k + 1].min() == pytest.approx(sol["ahp_mV"], abs=0.05)
