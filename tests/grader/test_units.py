"""Numbers with units: each literal form the students may write."""
from __future__ import annotations

import pytest

from spikeset.grade.units import AnswerValueError, significant_figures, to_unit, typed_number

from grader_helpers import numeric
from spikeset.grade.grading import grade_numeric


@pytest.mark.parametrize("text, unit, expected", [
    ("-89.1 mV", "mV", -89.1),
    ("-0.0891 V", "mV", -89.1),
    ("-8.91e-2 V", "mV", -89.1),
    ("2 uA/cm^2", "uA/cm^2", 2.0),
    ("2 µA/cm²", "uA/cm^2", 2.0),
    ("2 μA/cm²", "uA/cm^2", 2.0),
    ("\u221289.1 mV", "mV", -89.1),
    ("  -89.1 mV  ", "mV", -89.1),
    ("-89.1mV", "mV", -89.1),
    ("-89.1", "mV", -89.1),
    ("0.002 mA/cm^2", "uA/cm^2", 2.0),
    ("12 Hz", "Hz", 12.0),
    ("0.5 s", "ms", 500.0),
])
def test_strings_with_units(text, unit, expected):
    assert to_unit(text, unit) == pytest.approx(expected, rel=1e-12)


def test_plain_numbers_are_in_the_stated_unit():
    assert to_unit(-89.1, "mV") == -89.1
    assert to_unit(3, "mM") == 3.0


@pytest.mark.parametrize("text", ["5 mS", "5 mM", "5 ms", "2 mS/cm^2"])
def test_wrong_dimension_is_a_unit_error(text):
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, "mV")
    assert info.value.kind == "unit"
    assert "mV" in str(info.value)


def test_wrong_dimension_feedback_is_invalid_and_about_the_unit():
    result, x = grade_numeric(numeric(), "5 mS", {}, 1.0, place="7")
    assert result.status == "invalid" and x is None and result.points == 0
    assert "'mS' is not a voltage" in result.feedback and "asked in mV" in result.feedback
    assert "line 7" in result.feedback


@pytest.mark.parametrize("value, kind", [
    ("µA/cm²", "format"), ("abc", "format"), ("", "format"), ("nan", "finite"), ("inf mV", "format"),
    (float("nan"), "finite"), (float("inf"), "finite"), ("1e400", "finite"), ("1e308 V", "finite"),
    (True, "format"), ([1, 2], "format"), ("5 furlongs", "unit"), ("5 " + "m" * 100, "unit"),
])
def test_unreadable_values(value, kind):
    with pytest.raises(AnswerValueError) as info:
        to_unit(value, "mV")
    assert info.value.kind == kind


@pytest.mark.parametrize("token, sig", [
    ("-89.10", (4, 4)), ("-89.1", (3, 3)), ("0.0891", (3, 3)), ("8.91e-2", (3, 3)), ("-8.910E-2", (4, 4)),
    ("1200", (2, 4)), ("1_200", (2, 4)), ("90", (1, 2)), ("0.0", (1, 1)), ("0.00", (2, 2)), ("+5", (1, 1)),
    ("120.", (3, 3)),
])
def test_significant_figures_of_typed_numbers(token, sig):
    assert significant_figures(token) == sig


def test_typed_number_prefers_the_raw_token():
    assert typed_number(-89.1, "-89.10") == "-89.10"
    assert typed_number("−89.10 mV") == "-89.10"
    assert typed_number(-89.1, None) == "-89.1"
    assert typed_number(-89.1, '"oops"') == "-89.1"


@pytest.mark.parametrize("unit, asked", [
    ("kV", "mV"), ("uV", "mV"), ("V", "mV"), ("M", "mM"), ("uM", "mM"), ("s", "ms"), ("us", "ms"),
    ("kHz", "Hz"), ("mA/cm^2", "uA/cm^2"), ("nA/cm^2", "uA/cm^2"), ("S/cm^2", "mS/cm^2"), ("nF/cm^2", "uF/cm^2"),
])
def test_fast_units_agree_with_pint(unit, asked):
    from spikeset.grade.units import _fast_unit, registry
    given, wanted = _fast_unit(unit), _fast_unit(asked)
    expected = registry().Quantity(1.5, unit).to(asked).magnitude
    assert 1.5 * given[1] / wanted[1] == pytest.approx(expected, rel=1e-12)
    assert to_unit(f"1.5 {unit}", asked) == pytest.approx(expected, rel=1e-12)


def test_uncommon_units_go_through_pint():
    assert to_unit("-8.91 cV", "mV") == pytest.approx(-89.1)
    assert to_unit("20 nA/mm^2", "uA/cm^2") == pytest.approx(2.0)
