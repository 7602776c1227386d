"""sim-peak-ahp: peak and undershoot agree with an independent Radau simulation; robustness; choices."""
from __future__ import annotations

import numpy as np
import pytest

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from hh_reference import ref_sim, spike_peaks  # an independent HH model
from parallel_reference import reference_map
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


def _ref_pulse(p):
    """t, V, m, h, n of the independent simulation of the variant's pulse."""
    return ref_sim(p, [(p["start_ms"], p["start_ms"] + p["duration_ms"], p["amplitude"])], p["t_end_ms"], dt=0.005)


@pytest.fixture(scope="module")
def radau_runs(sets):
    """The independent simulations of the first six variants (both tests below read them)."""
    return reference_map(_ref_pulse, [(s.problems[0].params,) for s in sets[:6]])


def test_independent_radau(sets, radau_runs):
    for s, (t, V, *_) in zip(sets[:4], radau_runs[:4], strict=True):
        sol = s.problems[0].solution
        times, peaks = spike_peaks(t, V)
        assert len(times) == 1
        assert peaks[0] == pytest.approx(sol["peak_mV"], abs=0.1)
        after = V[t > times[0]]
        k = np.flatnonzero((after[1:-1] < after[:-2]) & (after[1:-1] <= after[2:]))
        assert after[k + 1].min() == pytest.approx(sol["ahp_mV"], abs=0.05)


def _balance_after_change(p, m, h, n, probe, factor):
    """Closed form: the chord potential of the printed model with the gates (m, h, n) and one
    conductance scaled, and without the change."""
    g = {"g_Na": p["g_Na"] * m**3 * h, "g_K": p["g_K"] * n**4, "g_L": p["g_L"]}
    e = {"g_Na": p["E_Na"], "g_K": p["E_K"], "g_L": p["E_L"]}
    before = sum(g[k] * e[k] for k in g) / sum(g.values())
    g[probe] *= factor
    return sum(g[k] * e[k] for k in g) / sum(g.values()), before


def test_probe_keys_against_radau_gates(sets, radau_runs):
    """(c), (d): the keyed direction is that of the chord average computed from an independent
    simulation's gates at the peak and at the undershoot minimum."""
    for s, (t, V, m, h, n) in zip(sets[:6], radau_runs, strict=True):
        p = s.problems[0].params
        keys = {pq.key: pq.question.correct_option.id for pq in s.problems[0].questions if pq.type == "choice"}
        i_peak = int(np.argmax(V))
        after = np.flatnonzero(t > t[i_peak])
        i_min = after[np.argmin(V[after])]
        new, old = _balance_after_change(p, m[i_peak], h[i_peak], n[i_peak], p["peak_probe"], p["peak_probe_factor"])
        assert keys["c"] == ("higher" if new > old else "lower")
        new, old = _balance_after_change(p, m[i_min], h[i_min], n[i_min], p["ahp_probe"], p["ahp_probe_factor"])
        assert keys["d"] == ("lower" if new < old else "higher")


def test_probe_keys_vary(sets):
    """(c) and (d) key each direction in some variants and neither in more than ~80 %."""
    for key in ("c", "d"):
        ids = [next(pq.question.correct_option.id for pq in s.problems[0].questions if pq.key == key) for s in sets]
        assert set(ids) == {"higher", "lower"}
        assert max(ids.count("higher"), ids.count("lower")) <= 0.8 * len(ids)
