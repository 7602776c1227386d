"""Compound per-time units ("uA/cm^2/ms", a ramp slope): every spelling of a simple unit works in them.

The expected values are worked out by hand from the SI prefixes (1 uA/cm^2/ms = 1e3 uA/cm^2/s
= 1e-3 mA/cm^2/ms = 10 A/m^2/s), independently of the grader's tables and of pint.
"""
from __future__ import annotations

import pytest

from spikeset.grade.grading import grade_numeric
from spikeset.grade.units import AnswerValueError, to_unit

from grader_helpers import numeric

SLOPE = "uA/cm^2/ms"


@pytest.mark.parametrize("text, expected", [
    ("0.52 uA/cm^2/ms", 0.52),
    ("0.52 uA/cm2/ms", 0.52),
    ("0.52 µA/cm²/ms", 0.52),
    ("0.52 μA/cm²/ms", 0.52),
    ("0.52 µA/cm2/ms", 0.52),
    ("0.52uA/cm2/ms", 0.52),
    ("0.52 uA / cm2 / ms", 0.52),
    ("0.52 uA/ms/cm2", 0.52),
    ("0.52 uA cm-2 ms-1", 0.52),
    ("0.52 uA cm^-2 ms^-1", 0.52),
    ("0.52 uA*cm^-2*ms^-1", 0.52),
    ("0.52 µA·cm⁻²·ms⁻¹", 0.52),
    ("0.52 uA cm\u22122 ms\u22121", 0.52),
    ("0.52 uA cm-2/ms", 0.52),
    ("0.52 uA/cm/cm/ms", 0.52),
    ("0.52 ua/cm2/ms", 0.52),           # base symbols in any case, as "ua/cm2" is read for uA/cm^2
    ("0.52 ua cm-2 ms-1", 0.52),
    ("520 uA/cm^2/s", 0.52),
    ("520 uA/cm2/s", 0.52),
    ("520 µA/cm²/s", 0.52),
    ("0.52 uA/cm^2/s", 0.00052),
    ("0.52 mA/cm2/s", 0.52),
    ("520 nA/cm2/ms", 0.52),
    ("5.2 A/m2/s", 0.52),
    ("-1.25e-1 uA/cm2/ms", -0.125),
    ("0.52", 0.52),
])
def test_spellings_of_a_compound_unit_read_in_the_question_unit(text, expected):
    assert to_unit(text, SLOPE) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text, expected", [
    ("520 uA/cm^2/s", 0.52), ("0.52 uA/cm^2/s", 0.00052), ("5.2 A/m2/s", 0.52), ("-8.91 cV", -89.1),
])
def test_power_of_ten_conversions_are_exact_decimals(text, expected):
    unit = "mV" if text.endswith("cV") else SLOPE
    assert to_unit(text, unit) == expected


@pytest.mark.parametrize("text, words", [
    ("0.52 uA/cm^2 ms", "ambiguous"),        # per ms, or times ms?
    ("0.52 uA/cm2*ms", "ambiguous"),
    ("0.52 uA/cm2·ms", "ambiguous"),
    ("0.52 uA/cm2/ms2", "not a"),
    ("0.52 uA/cm2", "not a"),
    ("0.52 mS/cm2/ms", "not a"),
    ("0.52 furlong/cm2/ms", "unknown unit"),  # a unit pint knows, but not SI (grader and form read SI only)
    ("0.52 uA/cm2/blinks", "unknown unit"),
    ("0.52 UA/CM2/MS", "unknown unit"),      # U is no prefix: refused as for "UA/cm2"
])
def test_wrong_ambiguous_or_unknown_compound_units_are_refused(text, words):
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, SLOPE)
    assert info.value.kind == "unit"
    assert words in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("text, expected", [
    ("0.52 uA/(cm2 ms)", 0.52), ("0.52 uA/(cm^2*ms)", 0.52), ("0.52 uA/(cm2·ms)", 0.52), ("0.52 µA/(cm²·ms)", 0.52),
    ("0.52uA/(cm2 ms)", 0.52), ("0.52 uA / ( cm2 ms )", 0.52), ("0.52 ua/(cm2 ms)", 0.52), ("520 uA/(cm2 s)", 0.52),
    ("520 nA/(cm^2 ms)", 0.52), ("5.2 A/(m2 s)", 0.52), ("0.52 uA/(ms cm2)", 0.52), ("-0.52 uA/(cm2 ms)", -0.52),
])
def test_one_parenthesized_denominator_is_read_as_each_divisor_after_its_own_slash(text, expected):
    """uA/(cm2 ms) is uA/cm2/ms: one product of known units in parentheses after the only /."""
    assert to_unit(text, SLOPE) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text", ["0.52 uA/(cm2/ms)", "0.52 (uA)/(cm2 ms)", "0.52 uA/(cm2 ms)/s",
                                  "0.52 uA/((cm2) ms)", "0.52 uA/(cm2 ms", "0.52 uA/cm2 (ms)", "0.52 uA/(cm2)(ms)",
                                  "0.52 uA/cm2/(ms)", "0.52 uA/()", "0.52 (uA/cm2)/ms"])
def test_parentheses_that_read_two_ways_or_not_at_all_are_refused_with_the_spelling_to_use(text):
    with pytest.raises(AnswerValueError) as info:
        to_unit(text, SLOPE)
    assert "\n" not in str(info.value)
    assert "parentheses" in str(info.value) or "expected a number" in str(info.value)


def test_a_megasecond_typed_as_such_is_read_as_typed():
    # "Ms" reads exactly as typed (M mega, s seconds): taken as typed, like "MV" on a voltage question.
    assert to_unit("0.52 uA/cm2/Ms", SLOPE) == pytest.approx(0.52e-9, rel=1e-12)


def test_an_ambiguous_unit_is_an_invalid_answer_with_a_one_line_message():
    pq = numeric(answer=0.52, unit=SLOPE)
    result, x = grade_numeric(pq, "0.52 uA/cm^2 ms", {}, 1.0, place="12")
    assert result.status == "invalid" and result.points == 0 and x is None
    assert "ambiguous" in result.feedback and "line 12" in result.feedback and "\n" not in result.feedback
    right, x = grade_numeric(pq, "0.52 uA/cm2/ms", {}, 1.0, place="12")
    assert right.status == "correct" and x == pytest.approx(0.52)


def test_simple_units_are_unchanged():
    assert to_unit("2 ua/cm2", "uA/cm^2") == 2.0
    assert to_unit("20 nA/mm^2", "uA/cm^2") == pytest.approx(2.0)
    assert to_unit("5 degC", "K") == pytest.approx(278.15)


def test_the_ambiguity_message_spells_the_students_unit_with_each_divisor():
    with pytest.raises(AnswerValueError) as info:
        to_unit("3 mV/ms s", "mV/ms^2")
    assert "'mV/ms s' is ambiguous" in str(info.value) and "such as mV/ms/s" in str(info.value)
    assert to_unit("3 mV/ms/s", "mV/ms^2") == pytest.approx(0.003, rel=1e-12)
