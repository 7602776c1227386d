"""sim-firing: spike count, rate and repetitive threshold agree with an independent Radau simulation."""
from __future__ import annotations

import numpy as np
import pytest

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from hh_reference import ref_sim, spike_peaks  # an independent HH model
from parallel_reference import reference_map
from spikeset.variants.roster import Student

FAMILY = "sim-firing"
N_SEEDS = 20


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(N_SEEDS)], b"test-key")


def test_plausible_and_robust(sets):
    from spikeset.solutions.hh_solver import simulate
    from spikeset.solutions.hh_stimulus import Stimulus
    from spikeset.solutions.hh_model import HHParams
    fam = get_family(FAMILY)
    ps = [s.problems[0].params for s in sets]
    for s in sets:
        p = s.problems[0]
        assert fam.module.plausible(p.params, p.solution, [pq.question for pq in p.questions]) == []
        assert p.params["amplitude"] > 1.25 * p.solution["i_rep"]
    # +-1 % of the printed amplitude: the same count (checked here with the default solver tolerances)
    keys = ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature")
    hh = HHParams(**{k: np.array([p[k] for p in ps] * 2) for k in keys})
    amps = np.array([p["amplitude"] for p in ps])
    res = simulate(hh, Stimulus.pulse(np.concatenate([amps * 0.99, amps * 1.01]), 10.0,
                                      np.array([p["step_ms"] for p in ps] * 2)), max(p["t_end_ms"] for p in ps))
    counts = np.array([s.problems[0].solution["count"] for s in sets])
    assert np.array_equal(res.spike_count[:len(ps)], counts)
    assert np.array_equal(res.spike_count[len(ps):], counts)


def test_independent_radau(sets):
    params = [s.problems[0].params for s in sets[:2]]
    runs = reference_map(ref_sim, [(p, [(p["start_ms"], p["start_ms"] + p["step_ms"], p["amplitude"])], p["t_end_ms"])
                                   for p in params])
    for s, (t, V, *_) in zip(sets[:2], runs, strict=True):
        sol = s.problems[0].solution
        times, _ = spike_peaks(t, V)
        assert len(times) == sol["count"]
        rate = 1000.0 * (len(times) - 1) / (times[-1] - times[0])
        assert rate == pytest.approx(sol["rate_hz"], rel=0.01)


def _repetitive(p, amp):
    t, V, *_ = ref_sim(p, [(p["rep_start_ms"], p["rep_start_ms"] + p["rep_step_ms"], amp)],
                       p["rep_start_ms"] + p["rep_step_ms"])
    times, _ = spike_peaks(t, V)
    return len(times) >= 2 and times[-1] >= p["rep_start_ms"] + p["rep_step_ms"] - p["rep_window_ms"]


def test_repetitive_threshold_radau(sets):
    s = sets[0]
    p, sol = s.problems[0].params, s.problems[0].solution
    assert reference_map(_repetitive, [(p, sol["i_rep"] * 0.985), (p, sol["i_rep"] * 1.015)]) == [False, True]
