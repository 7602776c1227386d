"""sim-manipulation: E_K, rest, thresholds, half-widths and rates agree with independent computations."""
from __future__ import annotations

import math

import numpy as np
import pytest

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from hh_reference import _rest, ref_sim, spike_peaks  # an independent HH model
from spikeset.variants.roster import Student

FAMILY = "sim-manipulation"
N_SEEDS = 20


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(N_SEEDS)], b"test-key")


def _nernst(c_out, c_in, t_c):
    return 8.314462618 * (t_c + 273.15) / 96485.33212 * 1000.0 * math.log(c_out / c_in)


def test_plausible_nernst_rest(sets):
    fam = get_family(FAMILY)
    for s in sets:
        p = s.problems[0]
        prm, sol = p.params, p.solution
        qs = {pq.key: pq.question for pq in p.questions}
        assert fam.module.plausible(prm, sol, list(qs.values())) == []
        assert prm["E_K"] == pytest.approx(_nernst(prm["K_out_mM"], prm["K_in_mM"], prm["temperature"]), abs=1e-3)
        ek2 = _nernst(prm["K_out_raised_mM"], prm["K_in_mM"], prm["temperature"])
        assert qs["a"].answer == pytest.approx(ek2, abs=1e-3)
        assert qs["b"].answer == pytest.approx(_rest({**prm, "E_K": ek2})[0], abs=1e-3)
        # direction choices match the numbers and are robust (> 4 % apart)
        assert qs["e"].correct_option.id == ("more" if sol["threshold_k"] < sol["threshold"] else "less")
        assert abs(sol["threshold_k"] / sol["threshold"] - 1) > 0.04
        assert qs["k"].correct_option.id == "faster"
        assert sol["threshold_ttx"] > sol["threshold"]


def _fires(p, amp):
    s, d = p["start_ms"], p["duration_ms"]
    t, V, *_ = ref_sim(p, [(s, s + d, amp)], s + d + p["window_ms"])
    return len(spike_peaks(t, V)[0]) >= 1


def test_thresholds_radau(sets):
    prm, sol = sets[0].problems[0].params, sets[0].problems[0].solution
    ek2 = _nernst(prm["K_out_raised_mM"], prm["K_in_mM"], prm["temperature"])
    for cond, thr in ((prm, sol["threshold"]), ({**prm, "E_K": ek2}, sol["threshold_k"]),
                      ({**prm, "g_Na": prm["g_Na"] * (1 - prm["ttx_fraction"])}, sol["threshold_ttx"])):
        assert not _fires(cond, thr * 0.985)
        assert _fires(cond, thr * 1.015)


def test_step_radau(sets):
    prm, sol = sets[1].problems[0].params, sets[1].problems[0].solution
    s0, t1 = prm["step_start_ms"], prm["step_start_ms"] + prm["step_ms"]
    q = {**prm, "temperature": prm["temperature2"]}
    t, V, *_ = ref_sim(q, [(s0, t1, prm["step_amplitude"])], t1, dt=0.005)
    times, peaks = spike_peaks(t, V)
    rate = 1000.0 * (len(times) - 1) / (times[-1] - times[0])
    assert rate == pytest.approx(sol["rate_2"], rel=0.01)
    # half-width of the first spike at (rest + peak) / 2
    level = 0.5 * (_rest(q)[0] + peaks[0])
    k0 = int(np.searchsorted(t, times[0]))
    up = np.flatnonzero((V[:k0 - 1] < level) & (V[1:k0] >= level))[-1]
    down = k0 + np.flatnonzero((V[k0:-1] >= level) & (V[k0 + 1:] < level))[0]
    width = np.interp(level, [V[down + 1], V[down]], [t[down + 1], t[down]]) - \
        np.interp(level, [V[up], V[up + 1]], [t[up], t[up + 1]])
    assert width == pytest.approx(sol["half_width_2"], rel=0.01)
