"""Every simulation family is reproducible from its statement alone (issue 11, item 2).

For a few variants of each sim family, the rendered statement is read as a student reads it
(tests/sim_statement.py: the printed parameters, the printed rate formulas compiled into Python,
phi, the printed resting states) and the printed equations are integrated with scipy's LSODA.
Every reference answer must then be reproduced within its tolerance:

* a switch point (threshold, refractory interval, repetitive threshold) must lie inside its
  accepted interval: the protocol fails at (1 - tol/2) x the answer and succeeds at (1 + tol/2) x;
* a measured value (peak, undershoot, count, rate, half-width, resting potential, E_K) must be
  within half its tolerance;
* a choice key must be the option that the independent values imply.

The printed rate functions are also checked against the independent 1952 formulas of
tests/hh_reference.py, so a misprinted formula cannot pass by reproducing itself.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from hh_reference import _rates
from sim_statement import PrintedModel, read_statement
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.render.render import problem_parts
from spikeset.variants.roster import Student

N_VARIANTS = 2
GATE_NAMES = ("alpha_m", "beta_m", "alpha_h", "beta_h", "alpha_n", "beta_n")


def variants(family: str, n: int = N_VARIANTS):
    a = parse_assignment(f'id="stmt"\ntitle="t"\n[[problems]]\nfamily="{family}"\npoints=5\n')
    out = []
    for s in assemble(a, [Student(f"s{i}") for i in range(n)], b"statement-test"):
        problem = s.problems[0]
        statement = str(problem_parts(problem)[0])
        # no command that prints an answer: the student simulates the printed model
        assert "spikeset " not in statement and "<pre class=\"cli\">" not in statement
        printed = read_statement(statement)
        out.append((printed, {pq.key: pq for pq in problem.questions}))
    return out


def answer(pq) -> float:
    return pq.question.answer


def half_tol(pq) -> float:
    return pq.question.tolerance.half_width(answer(pq))


def check_switch(pq, fires) -> None:
    """``fires(x)``: whether the protocol succeeds at value x; the switch lies in the accepted interval."""
    x, w = answer(pq), half_tol(pq)
    assert not fires(x - w / 2), (pq.id, x, "fires below the accepted interval")
    assert fires(x + w / 2), (pq.id, x, "does not fire above the accepted interval")


def check_value(pq, value: float) -> None:
    assert abs(value - answer(pq)) <= half_tol(pq) / 2, (pq.id, value, answer(pq))


def n_spikes_by(run, t_limit: float) -> int:
    times, _ = run.spikes()
    return int(np.sum(times <= t_limit))


def test_printed_rates_are_the_1952_rates():
    printed, _ = variants("sim-peak-ahp", 1)[0]
    assert (printed.q10, printed.t_ref) == (3.0, 6.3)
    for V in np.linspace(-100.0, 50.0, 61) + 0.0123:
        mine = [printed.rates[name](V) for name in GATE_NAMES]
        assert mine == pytest.approx(_rates(V, 1.0), rel=1e-12)


def test_printed_rest_is_the_rest_of_the_printed_model():
    for family in ("sim-threshold", "sim-refractory"):
        printed, _ = variants(family, 1)[0]
        first = next(iter(printed.rests.values()))
        v, m, h, n = PrintedModel(printed).rest()
        assert first == pytest.approx((v, m, h, n), abs=1e-4)


def test_sim_threshold_from_statement():
    for printed, q in variants("sim-threshold"):
        start = printed.number(r"At t = (\d+(?:\.\d+)?) ms a single rectangular")
        dur = printed.number(r"pulse of\s+duration (\d+(?:\.\d+)?) ms")
        window = printed.number(r"peaking within (\d+(?:\.\d+)?) ms after the end of the pulse")
        g2 = printed.number(r"\(b\) repeats \(a\) with g\u0304Na = (\d+(?:\.\d+)?) mS/cm2")
        rest_a, rest_b = list(printed.rests.values())[:2]
        for key, model, rest in (("a", PrintedModel(printed), rest_a), ("b", PrintedModel(printed, g_Na=g2), rest_b)):
            def fires(amp, model=model, rest=rest):
                return n_spikes_by(model.run(rest, [(start, dur, amp)], start + dur + window), start + dur + window) > 0
            check_switch(q[key], fires)
        lower = answer(q["b"]) < answer(q["a"])
        assert q["c"].question.correct_option.id == ("lower" if lower else "higher")


def test_sim_peak_ahp_from_statement():
    for printed, q in variants("sim-peak-ahp"):
        amp = printed.number(r"a pulse of (\d+(?:\.\d+)?) µA/cm2")
        dur = printed.number(r"lasting (\d+(?:\.\d+)?) ms makes one spike")
        start = printed.number(r"At t = (\d+(?:\.\d+)?) ms a pulse")
        t_end = printed.number(r"Simulate to t = (\d+(?:\.\d+)?) ms")
        run = PrintedModel(printed).run(next(iter(printed.rests.values())), [(start, dur, amp)], t_end, dt=0.002)
        times, peaks = run.spikes()
        assert len(times) == 1
        check_value(q["a"], float(peaks[0]))
        after = np.flatnonzero((run.t > times[0]) & (run.V < 0.0))[0]
        v = run.V[after:]
        minima = np.flatnonzero((v[1:-1] < v[:-2]) & (v[1:-1] <= v[2:])) + 1
        check_value(q["b"], float(v[minima].min()))


def test_sim_firing_from_statement():
    for printed, q in variants("sim-firing", 1):
        amp = printed.number(r"A current step of (\d+(?:\.\d+)?) µA/cm2")
        on = printed.number(r"switched on at\s+t = (\d+(?:\.\d+)?) ms")
        off = printed.number(r"off at t = (\d+(?:\.\d+)?) ms")
        t_end = printed.number(r"runs from t = 0 to (\d+(?:\.\d+)?) ms")
        rep_step = printed.number(r"A step of (\d+(?:\.\d+)?) ms starts")
        rep_start = printed.number(r"ms starts at\s+t = (\d+(?:\.\d+)?) ms from")
        rep_window = printed.number(r"within the last\s+(\d+(?:\.\d+)?) ms of the step")
        model, rest = PrintedModel(printed), next(iter(printed.rests.values()))
        times, _ = model.run(rest, [(on, off - on, amp)], t_end).spikes()
        check_value(q["a"], len(times))
        check_value(q["b"], 1000.0 * (len(times) - 1) / (times[-1] - times[0]))
        end = rep_start + rep_step

        def repetitive(a):
            t, _ = model.run(rest, [(rep_start, rep_step, a)], end).spikes()
            return len(t) >= 2 and t[-1] >= end - rep_window
        check_switch(q["c"], repetitive)


def test_sim_refractory_from_statement():
    for printed, q in variants("sim-refractory", 1):
        amp = printed.number(r"A first depolarizing pulse of (\d+(?:\.\d+)?) µA/cm2")
        dur = printed.number(r"lasting\s+(\d+(?:\.\d+)?) ms starts at")
        start = printed.number(r"ms starts at t = (\d+(?:\.\d+)?) ms; a second")
        window = printed.number(r"if that spike peaks within (\d+(?:\.\d+)?) ms")
        delay = printed.number(r"the second one at a delay of (\d+(?:\.\d+)?) ms")
        model, rest = PrintedModel(printed), next(iter(printed.rests.values()))

        def two_spikes(d, a2=amp):
            limit = start + d + dur + window
            return n_spikes_by(model.run(rest, [(start, dur, amp), (start + d, dur, a2)], limit), limit) >= 2
        check_switch(q["a"], two_spikes)
        check_switch(q["b"], lambda a: n_spikes_by(model.run(rest, [(start, dur, a)], start + dur + window),
                                                   start + dur + window) >= 1)
        check_switch(q["c"], lambda a2: two_spikes(delay, a2))
        probe = printed.number(r"\(d\) Two identical pulses again, the second (\d+(?:\.\d+)?) ms after")
        assert q["d"].question.correct_option.id == ("fires" if two_spikes(probe) else "fails")


def test_sim_manipulation_from_statement():
    for printed, q in variants("sim-manipulation", 1):
        R = printed.number(r"R = (\d+\.\d+) J/\(mol K\)")
        F = printed.number(r"F = (\d+\.\d+) C/mol")
        k_in = printed.number(r"\[K\+\]i = (\d+(?:\.\d+)?) mM")
        k_out2 = printed.number(r"raised K\+: \[K\+\]o = (\d+(?:\.\d+)?) mM")
        ttx = printed.number(r"g\u0304Na multiplied by (\d+(?:\.\d+)?)")
        t2 = printed.number(r"(?:warming|cooling): T = (\d+(?:\.\d+)?) °C")
        dur = printed.number(r"One rectangular depolarizing pulse of (\d+(?:\.\d+)?) ms")
        start = printed.number(r"ms at\s+t = (\d+(?:\.\d+)?) ms\. A spike")
        window = printed.number(r"makes a spike peaking within (\d+(?:\.\d+)?) ms")
        step_amp = printed.number(r"A step of (\d+(?:\.\d+)?) µA/cm2")
        step_on = printed.number(r"µA/cm2 from\s+t = (\d+(?:\.\d+)?) ms")
        step_end = printed.number(r"end of the simulation at\s+t = (\d+(?:\.\d+)?) ms")
        p = printed.params
        e_k2 = 1000.0 * R * (p["temperature"] + 273.15) / F * math.log(k_out2 / k_in)
        check_value(q["a"], e_k2)
        raised = PrintedModel(printed, E_K=e_k2)
        rest_k = raised.rest()
        check_value(q["b"], rest_k[0])
        rows = list(printed.rests.values())
        for key, model, rest in (("c", PrintedModel(printed), rows[0]), ("d", raised, rest_k),
                                 ("f", PrintedModel(printed, g_Na=p["g_Na"] * ttx), rows[1])):
            limit = start + dur + window
            check_switch(q[key], lambda a, model=model, rest=rest: n_spikes_by(
                model.run(rest, [(start, dur, a)], limit), limit) >= 1)
        probed = answer(q["f"]) if "Na+ channels" in q["e"].question.prompt.replace("<sup>+</sup>", "+") else answer(q["d"])
        assert q["e"].question.correct_option.id == ("more" if probed < answer(q["c"]) else "less")
        widths, rates = [], []
        for key_w, key_r, model in (("g", "i", PrintedModel(printed)), ("h", "j", PrintedModel(printed, temperature=t2))):
            run = model.run(rows[0], [(step_on, step_end - step_on, step_amp)], step_end)
            times, peaks = run.spikes()
            level = 0.5 * (rows[0][0] + peaks[0])
            k_peak = int(np.searchsorted(run.t, times[0]))
            up = run.crossing(level, int(np.searchsorted(run.t, step_on)), rising=True)
            down = run.crossing(level, k_peak, rising=False)
            widths.append(down - up)
            rates.append(1000.0 * (len(times) - 1) / (times[-1] - times[0]))
            check_value(q[key_w], widths[-1])
            check_value(q[key_r], rates[-1])
        if widths[1] < widths[0] and rates[1] > rates[0]:
            assert q["k"].question.correct_option.id == "faster"
        elif widths[1] > widths[0] and rates[1] < rates[0]:
            assert q["k"].question.correct_option.id == "slower"
        else:
            assert q["k"].question.correct_option.id == "mixed"


def test_sim_phases_from_statement():
    for printed, q in variants("sim-phases"):
        amp = printed.number(r"a pulse of (\d+(?:\.\d+)?) µA/cm2")
        dur = printed.number(r"lasting\s+(\d+(?:\.\d+)?) ms makes one spike")
        start = printed.number(r"at t = (\d+(?:\.\d+)?) ms a pulse")
        letters = printed.text[printed.text.index("point |"):].splitlines()[0].split("|")[1:-1]
        times_line = next(line for line in printed.text.splitlines() if line.startswith("t (ms) |"))
        times = [float(x) for x in times_line.split("|")[1:-1]]
        points = dict(zip((x.strip() for x in letters), times))
        model = PrintedModel(printed)
        run = model.run(next(iter(printed.rests.values())), [(start, dur, amp)], max(times) + 1.0, dt=0.001)
        p = model.p
        values = {}
        for letter, t in points.items():
            V, m, h, n = (float(np.interp(t, run.t, x)) for x in (run.V, run.m, run.h, run.n))
            values[letter] = {"I_ion": model.i_ion(V, m, h, n), "rest": abs(V - run.V[0]), "EK": abs(V - p["E_K"]),
                              "Na_over_K": p["g_Na"] * m**3 * h > p["g_K"] * n**4}
        keyed = {key: q[key].correct_label.upper() for key in q}
        assert keyed["a"] == max(values, key=lambda k: values[k]["I_ion"])
        assert keyed["b"] == min(values, key=lambda k: values[k]["I_ion"])
        assert keyed["c"] == min(values, key=lambda k: values[k]["rest"])
        assert keyed["d"] == min(values, key=lambda k: values[k]["EK"])
        # dV/dt = 0 (|I_ion| within 5 % of the largest among the points, as the statement's figure
        # resolution allows) while g_Na > g_K
        big = max(abs(v["I_ion"]) for v in values.values())
        assert [k for k, v in values.items() if abs(v["I_ion"]) < 0.05 * big and v["Na_over_K"]] == [keyed["e"]]
        assert len({keyed[k] for k in "abcd"}) == 4     # independent keys: four different points
