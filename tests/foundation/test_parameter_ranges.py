"""An assignment may fix a family's parameter only to a value that parameter can physically take
(its quantity's range, else the family's own drawn range): checked for every family and every
numeric parameter, just inside and just outside each bound, and for values that are no numbers."""
from __future__ import annotations

import math

import numpy as np
import pytest

from spikeset.errors import AssignmentError
from spikeset.parameter_ranges import AcceptedRange, accepted_range, quantity_of
from spikeset.sampling import Draw
from spikeset.variants.assignment import check_params, parse_assignment
from spikeset.variants.registry import all_families, get_family

FAMILIES = sorted(all_families())
SEEDS = range(4)


class SpyDraw(Draw):
    """A Draw that also notes the parameters a family derives itself unless fixed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.derived: set[str] = set()

    def fixed_number(self, name, *args):
        self.derived.add(name)
        return super().fixed_number(name, *args)


def drawn(family_id: str, seed: int = 0) -> tuple[dict, SpyDraw]:
    draw = SpyDraw(np.random.default_rng(seed))
    return get_family(family_id).sample(draw), draw


def inside(accepted: AcceptedRange) -> list[float]:
    span = accepted.high - accepted.low
    low = accepted.low + 1e-6 * span if accepted.low_open else accepted.low
    values = [low, accepted.high]
    return [int(v) for v in values] if accepted.integer else values


def outside(accepted: AcceptedRange) -> list[float]:
    if accepted.integer:
        return [int(accepted.low) - 1, int(accepted.high) + 1]
    step = 1e-6 * max(1.0, accepted.high - accepted.low)
    return [accepted.low if accepted.low_open else accepted.low - step, accepted.high + step]


def check(family_id: str, params: dict) -> None:
    check_params(get_family(family_id), params, source="hw.toml", number=2)


@pytest.mark.parametrize("family_id", FAMILIES)
def test_every_numeric_parameter_has_a_finite_range_holding_what_the_family_draws(family_id):
    for seed in SEEDS:
        params, draw = drawn(family_id, seed)
        assert draw.accepted or family_id == "concepts"
        for name, accepted in draw.accepted.items():
            assert math.isfinite(accepted.low) and math.isfinite(accepted.high) and accepted.low < accepted.high, name
            value = params.get(name)
            if name not in draw.derived and isinstance(value, (int, float)):
                assert accepted.accepts(value), f"{family_id}: drawn {name} = {value} outside {accepted}"


@pytest.mark.parametrize("family_id", FAMILIES)
def test_an_override_just_inside_the_range_is_accepted(family_id):
    for name, accepted in drawn(family_id)[1].accepted.items():
        for value in inside(accepted):
            try:
                check(family_id, {name: value})
            except AssignmentError as exc:
                # the family's other parameters may not fit around this value; never this one's range
                assert "is outside" not in exc.message, str(exc)
                assert "has no value left" in exc.message or "no variant can be drawn" in exc.message, str(exc)


@pytest.mark.parametrize("family_id", FAMILIES)
def test_an_override_just_outside_the_range_is_refused_naming_problem_parameter_value_and_range(family_id):
    for name, accepted in drawn(family_id)[1].accepted.items():
        for value in outside(accepted):
            with pytest.raises(AssignmentError) as caught:
                check(family_id, {name: value})
            assert str(caught.value) == f"hw.toml:problem 2 ({family_id}): {name} = {value!r} is outside {accepted}"


@pytest.mark.parametrize("family_id", FAMILIES)
def test_an_override_that_is_no_finite_number_is_refused(family_id):
    for name in drawn(family_id)[1].accepted:
        for value in (math.nan, math.inf, -math.inf, True, False, "12", [1.0], {"v": 1}):
            with pytest.raises(AssignmentError, match=f"hw.toml:problems\\[2\\].params: parameter '{name}': expected"):
                check(family_id, {name: value})


def test_the_assignment_file_is_refused_as_it_is_read_with_one_line():
    text = ('id = "x"\ntitle = "t"\n[[problems]]\nfamily = "ghk"\npoints = 1\n'
            '[[problems]]\nfamily = "nernst"\npoints = 6\nparams = { ion = "K", temperature_C = 5000 }\n')
    with pytest.raises(AssignmentError) as caught:
        parse_assignment(text, source="assignment.toml")
    assert str(caught.value) == "assignment.toml:problem 2 (nernst): temperature_C = 5000 is outside 0-45 degC (0 excluded)"
    fixed = parse_assignment(text.replace("5000", "45"), source="assignment.toml")
    assert fixed.problems[1].params["temperature_C"] == 45


def test_generate_writes_nothing_for_an_absurd_override(tmp_path, capsys):
    from spikeset.cli import main

    assignment = tmp_path / "assignment.toml"
    assignment.write_text('id = "x"\ntitle = "t"\n[[problems]]\nfamily = "nernst"\npoints = 6\n'
                          'params = { c_out_mM = -3.0 }\n', encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("id\ns1\n", encoding="utf-8")
    out = tmp_path / "build"
    assert main(["generate", str(assignment), "--roster", str(roster), "--out", str(out), "--no-pdf", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith(
        "assignment.toml:problem 1 (nernst): c_out_mM = -3.0 is outside 0-1000 mM (0 excluded)"), err
    assert not out.exists()


def test_a_range_derived_from_a_fixed_value_that_leaves_nothing_is_refused_not_a_crash():
    with pytest.raises(AssignmentError, match=r"^hw.toml:problem 2 \(temperature\): with t1_C fixed, t2_C has no "
                                              r"value left: it would lie from 48 to 37$"):
        check("temperature", {"t1_C": 40})


@pytest.mark.parametrize("name, quantity", [
    ("temperature_C", "temperature"), ("temperature", "temperature"), ("t_ref_C", "temperature"),
    ("c_out_mM", "concentration"), ("K_in_mM", "concentration"), ("e_k_mV", "voltage"), ("E_Na", "voltage"),
    ("within_mV", "voltage window"), ("g_K", "conductance density"), ("gbar_na", "conductance density"),
    ("g_l_mS_per_cm2", "leak conductance density"), ("g_L", "leak conductance density"), ("C_m", "specific capacitance"), ("duration_ms", "time"),
    ("h", "gate or fraction"), ("amplitude", "current density"),
    ("charge", None), ("excess", None), ("K_raise_factor", None), ("n_questions", None),
])
def test_a_parameter_is_known_by_its_name(name, quantity):
    assert (quantity_of(name).what if quantity_of(name) else None) == quantity


def test_a_parameter_of_no_known_quantity_keeps_the_drawn_range_widened_by_half_a_printed_digit():
    accepted = accepted_range("charge", 12.0, 20.0, 1)
    assert (accepted.low, accepted.high) == (11.95, 20.05)
    assert str(accepted) == "11.95-20.05"
    assert str(accepted_range("temperature_C", 20.0, 37.0, 0)) == "0-45 degC (0 excluded)"
    assert str(accepted_range("e_k_mV", -85.0, -72.0, 1)) == "-200 to 200 mV"


def test_existing_overrides_stay_accepted():
    check("strength-duration", {"g_K": 15.0, "temperature": 6.3})
    check("nernst", {"temperature_C": 30})
    check("concepts", {"n": 10})


#: Families cheap to assemble (no simulation): every edge of every range is tried on them.
CLOSED_FORM = ("ahp", "cable", "driving-force", "gate-kinetics", "ghk", "ghk-current", "nernst", "passive-membrane",
               "peak-voltage", "refractory", "resting-potential", "spike-charge", "temperature", "voltage-clamp")


@pytest.mark.parametrize("family_id", CLOSED_FORM)
def test_a_value_at_the_edge_of_its_range_gives_a_variant_or_a_one_line_refusal_never_a_crash(family_id):
    from spikeset.errors import SpikesetError
    from spikeset.variants.assemble import assemble
    from spikeset.variants.roster import Student

    posed = 0
    for name, accepted in drawn(family_id)[1].accepted.items():
        for value in inside(accepted):
            text = (f'id = "x"\ntitle = "t"\n[[problems]]\nfamily = "{family_id}"\npoints = 1\n'
                    f'params = {{ {name} = {value!r} }}\n')
            try:
                sets = assemble(parse_assignment(text, source="hw.toml"), [Student("s1"), Student("s2")], b"k" * 16)
            except SpikesetError as exc:
                assert "\n" not in str(exc) and str(exc).startswith(("hw.toml", "problems/")), str(exc)
                continue
            assert len(sets) == 2
            posed += 1
    assert posed > 0
