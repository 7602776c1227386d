"""sim-refractory: refractory interval and second-pulse threshold agree with an independent Radau simulation."""
from __future__ import annotations

from functools import partial

import pytest

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from hh_reference import ref_sim, spike_peaks  # an independent HH model
from parallel_reference import reference_calls, reference_map
from spikeset.variants.roster import Student

FAMILY = "sim-refractory"
N_SEEDS = 20


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(N_SEEDS)], b"test-key")


def test_plausible_and_consistent(sets):
    fam = get_family(FAMILY)
    for s in sets:
        p = s.problems[0]
        sol, prm = p.solution, p.params
        qs = [pq.question for pq in p.questions]
        assert fam.module.plausible(prm, sol, qs) == []
        assert prm["delay_ms"] > 1.02 * sol["refractory_ms"]
        # relative refractoriness: threshold(single) < threshold(second) < conditioning amplitude
        assert sol["threshold"] * 1.05 < sol["threshold2"] < prm["amplitude"]
        d = next(q for q in qs if q.key == "d")
        assert d.correct_option.id == ("fires" if prm["probe_delay_ms"] > sol["refractory_ms"] else "fails")
        assert abs(prm["probe_delay_ms"] / sol["refractory_ms"] - 1) >= 0.05


def _n_spikes(p, amp2, delay):
    s, d = p["start_ms"], p["duration_ms"]
    t, V, *_ = ref_sim(p, [(s, s + d, p["amplitude"]), (s + delay, s + delay + d, amp2)],
                       s + delay + d + p["window_ms"])
    return len(spike_peaks(t, V)[0])


def test_independent_radau(sets):
    p, sol = sets[0].problems[0].params, sets[0].problems[0].solution
    r = sol["refractory_ms"]
    s, d = p["start_ms"], p["duration_ms"]

    def single(amp):
        t, V, *_ = ref_sim(p, [(s, s + d, amp)], s + d + p["window_ms"])
        return len(spike_peaks(t, V)[0])
    checks = [(partial(_n_spikes, p, p["amplitude"], r * 0.985), 1),
              (partial(_n_spikes, p, p["amplitude"], r * 1.015), 2),
              (partial(_n_spikes, p, sol["threshold2"] * 0.985, p["delay_ms"]), 1),
              (partial(_n_spikes, p, sol["threshold2"] * 1.015, p["delay_ms"]), 2),
              (partial(single, sol["threshold"] * 0.985), 0),
              (partial(single, sol["threshold"] * 1.015), 1)]
    assert reference_calls(call for call, _ in checks) == [n for _, n in checks]


def test_probe_key_against_radau(sets):
    """(d): an independent simulation of two identical pulses at the printed delay gives the keyed outcome."""
    params = [s.problems[0].params for s in sets[:2]]
    counts = reference_map(_n_spikes, [(p, p["amplitude"], p["probe_delay_ms"]) for p in params])
    for s, n in zip(sets[:2], counts, strict=True):
        d = next(pq.question for pq in s.problems[0].questions if pq.key == "d")
        assert n == (2 if d.correct_option.id == "fires" else 1)


def test_probe_keys_vary(sets):
    """(d) keys both outcomes over the seeds, neither in more than ~80 %."""
    ids = [next(pq.question.correct_option.id for pq in s.problems[0].questions if pq.key == "d") for s in sets]
    assert set(ids) == {"fires", "fails"}
    assert max(ids.count("fires"), ids.count("fails")) <= 0.8 * len(ids)
