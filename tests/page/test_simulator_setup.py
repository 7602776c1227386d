"""Which problems get the page's HH simulator, and the protocol it starts with
(generator/render/page_form.py: a family's ``SIMULATOR``, ``SIMULATOR_PROTOCOLS``)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from spikeset.errors import FamilyError
from spikeset.render.page_form import (HH_FIELDS, SIMULATOR_PROTOCOLS, family_simulator, form_data, form_help,
                                       simulator_setup)
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import all_families
from spikeset.variants.roster import Student


def test_every_family_names_a_known_protocol_and_the_sim_families_keep_theirs():
    declared = {f.id: family_simulator(f) for f in all_families().values()}
    assert {fid for fid, protocol in declared.items() if fid.startswith("sim-")} <= \
        {fid for fid, protocol in declared.items() if protocol == "pulse"}
    assert declared["anode-break"] == "hyperpolarizing-step"
    assert declared["accommodation"] == "step-and-ramp"
    assert declared["nernst"] is None


def test_an_unknown_protocol_is_an_error_naming_the_folder():
    bogus = SimpleNamespace(module=SimpleNamespace(SIMULATOR="square-wave"), folder="problems/bogus")
    with pytest.raises(FamilyError, match="problems/bogus.*SIMULATOR must be one of pulse"):
        family_simulator(bogus)
    with pytest.raises(ValueError, match="unknown simulator protocol"):
        simulator_setup(dict.fromkeys(HH_FIELDS, 1.0), "square-wave")
    assert set(SIMULATOR_PROTOCOLS) == {"pulse", "hyperpolarizing-step", "step-and-ramp"}


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
    assert "ramp" not in sims["p1"]
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
