"""Which problems get the page's HH simulator, and the protocol it starts with (a family's
``simulator(params)``, checked by generator/render/page_form.py ``simulator_setup``)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from spikeset.errors import FamilyError
from spikeset.render.page_form import HH_FIELDS, checked_protocol, form_data, form_help, simulator_setup
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import all_families
from spikeset.variants.roster import Student


def test_the_simulation_families_have_a_simulator_and_the_reduced_model_has_none():
    with_simulator = {f.id for f in all_families().values() if f.has_simulator}
    assert {fid for fid in all_families() if fid.startswith("sim-")} | {"anode-break", "accommodation", "strength-duration"} \
        <= with_simulator
    # fi-curve's statement is Rinzel's reduced model, which the page's full HH simulator is not
    assert not {"nernst", "fi-curve"} & with_simulator


def _family(protocol, folder="problems/bogus"):
    return SimpleNamespace(has_simulator=True, simulator=lambda params: protocol, folder=folder)


HH = dict.fromkeys(HH_FIELDS, 1.0)
GOOD = {"pulses": [{"amplitude": 0, "start": 5, "duration": 10}], "t_end": 40}


@pytest.mark.parametrize("protocol, message", [
    ({"pulses": [{"amplitude": 0, "start": 5}], "t_end": 40}, "pulse 1 must have exactly amplitude, start, duration"),
    ({"pulses": [{"amplitude": float("nan"), "start": 5, "duration": 1}], "t_end": 40}, "amplitude must be a finite"),
    ({"pulses": [{"amplitude": 1, "start": 5, "duration": -1}], "t_end": 40}, "duration must be >= 0"),
    ({**GOOD, "t_end": 5000}, "t_end must be within"),
    ({**GOOD, "ramp": {"start": 5, "slope": 0, "final": 3, "hold": 50}}, "slope must be > 0"),
    ({**GOOD, "answer": 3.1}, "a dict of pulses, t_end"),
    ({**GOOD, "hint": ""}, "hint must be a non-empty string"),
])
def test_a_malformed_protocol_is_an_error_naming_the_folder(protocol, message):
    with pytest.raises(FamilyError, match=f"problems/bogus.*{message}"):
        simulator_setup(_family(protocol), HH)


def test_a_well_formed_protocol_passes_as_plain_numbers():
    setup = simulator_setup(_family({**GOOD, "ramp": {"start": 5, "slope": 1, "final": 3, "hold": 50}}), HH)
    assert setup == {"params": {k: 1.0 for k in HH_FIELDS}, "pulses": [{"amplitude": 0.0, "start": 5.0,
                     "duration": 10.0}], "t_end": 40.0, "ramp": {"start": 5.0, "slope": 1.0, "final": 3.0,
                                                                  "hold": 50.0}}
    assert checked_protocol(GOOD)["t_end"] == 40.0
    with pytest.raises(FamilyError, match="HH parameters"):
        simulator_setup(_family(GOOD), {"C_m": 1.0})
    assert simulator_setup(SimpleNamespace(has_simulator=False), HH) is None


@pytest.fixture(scope="module")
def slow_gates_set():
    a = parse_assignment('id="t"\ntitle="T"\n[[problems]]\nfamily="anode-break"\npoints=4\n'
                         '[[problems]]\nfamily="accommodation"\npoints=4\n[[problems]]\nfamily="nernst"\npoints=2\n')
    return assemble(a, [Student("s1")], b"simulator-setup-key-0123")[0]


def test_slow_gate_simulators_start_with_the_first_protocol_and_no_answer(slow_gates_set):
    s = slow_gates_set
    anode, accommodation, _ = s.problems
    data = form_data(s)
    sims = {sim["problem"]: sim for sim in data["simulators"]}
    assert set(sims) == {"p1", "p2"}             # nernst has no HH patch: no simulator
    ab, acc = anode.params, accommodation.params
    # anode break: the step of the statement, its magnitude left to the student (0), the window after it
    assert sims["p1"]["pulses"] == [{"amplitude": 0.0, "start": ab["start_ms"], "duration": ab["duration_ms"]}]
    assert sims["p1"]["t_end"] == ab["start_ms"] + ab["duration_ms"] + ab["window_ms"]
    assert "ramp" not in sims["p1"] and "negative amplitude" in sims["p1"]["hint"]
    # accommodation: the step (amplitude 0, held for the printed time), and the printed slow ramp on offer
    assert sims["p2"]["pulses"] == [{"amplitude": 0.0, "start": acc["start_ms"], "duration": acc["hold_ms"]}]
    assert sims["p2"]["ramp"] == {"start": acc["start_ms"], "slope": acc["slow_slope"],
                                  "final": acc["final_current"], "hold": acc["hold_ms"]}
    assert acc["slow_slope"] < 0.8 * accommodation.solution["critical_slope"]   # the printed ramp does not fire
    for sim, problem in ((sims["p1"], anode), (sims["p2"], accommodation)):
        assert sim["params"] == {k: float(problem.params[k]) for k in HH_FIELDS}
    text = json.dumps(data)
    for value in (anode.solution["threshold"], anode.solution["latency"], anode.solution["n_release"],
                  accommodation.solution["step_threshold"], accommodation.solution["critical_slope"]):
        assert f"{value:.4g}" not in text
    assert "Simulation problems have a simulator" in form_help(s) and "Add a ramp" in form_help(s)


def test_a_set_without_simulation_problems_does_not_mention_the_simulator():
    a = parse_assignment('id="t"\ntitle="T"\n[[problems]]\nfamily="nernst"\npoints=2\n')
    s = assemble(a, [Student("s1")], b"simulator-setup-key-0123")[0]
    assert form_data(s)["simulators"] == [] and "simulator" not in form_help(s)


def test_strength_duration_starts_with_the_short_pulse_at_zero():
    a = parse_assignment('id="t"\ntitle="T"\n[[problems]]\nfamily="strength-duration"\npoints=4\n')
    s = assemble(a, [Student("s1")], b"simulator-setup-key-0123")[0]
    p = s.problems[0].params
    (sim,) = form_data(s)["simulators"]
    assert sim["pulses"] == [{"amplitude": 0.0, "start": p["start_ms"], "duration": p["d_short_ms"]}]
    assert sim["t_end"] == p["start_ms"] + p["d_short_ms"] + p["window_ms"]
