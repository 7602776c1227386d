"""Reading the numbers students write: plain numbers, or strings with a unit (via pint).

pint is imported only when a string carries a unit, so grading plain numbers stays fast.
"""
from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3", "¹": "^1", "⁻": "^-", "·": "*", "×": "*"})
_MINUSES = ("\u2212", "\u2013", "\u2014", "\ufe63", "\uff0d")
MAX_UNIT_CHARS = 40


class AnswerValueError(ValueError):
    """A value that cannot be read as the quantity asked.

    ``kind`` is ``"format"`` (not a number), ``"unit"`` (wrong or unknown unit) or
    ``"finite"`` (NaN, infinity, overflow).
    """

    def __init__(self, message: str, kind: str = "format"):
        super().__init__(message)
        self.kind = kind


def normalize(text: str) -> str:
    """Unicode minus signs, superscripts and surrounding space folded to plain ASCII forms."""
    text = text.strip()
    for minus in _MINUSES:
        text = text.replace(minus, "-")
    text = text.translate(_SUPERSCRIPTS).replace("^-^", "^-")
    text = re.sub(r"\^\^", "^", text)
    return text


def _check_finite(x: float, shown: Any) -> float:
    if not math.isfinite(x):
        raise AnswerValueError(f"expected a finite number, got {shown!r}", "finite")
    return x


def split_number(text: str) -> tuple[str, str]:
    """The leading number of ``text`` and the rest (the unit), both stripped."""
    m = re.match(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)$", text)
    if not m:
        raise AnswerValueError(f"expected a number (optionally with a unit), got {text!r}")
    return m.group(1), m.group(2).strip()


@cache
def registry():
    import pint
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    return ureg


def _pint_unit(unit: str):
    ureg = registry()
    cleaned = unit.replace("µ", "u").replace("μ", "u").replace("Ω", "ohm")
    cleaned = cleaned.replace("degC", "degree_Celsius").replace("°C", "degree_Celsius")
    try:
        return ureg.parse_units(cleaned)
    except Exception:
        try:
            return ureg.parse_expression(cleaned).units
        except Exception:
            raise AnswerValueError(f"unknown unit {unit!r}", "unit") from None


def to_unit(value: Any, unit: str | None) -> float:
    """``value`` (a number in ``unit``, or a string with or without a unit) as a float in ``unit``.

    Raises :class:`AnswerValueError` for text that is not a number, a unit of the wrong
    dimension, or a non-finite value.
    """
    if isinstance(value, bool):
        raise AnswerValueError(f"expected a number, got {str(value).lower()}")
    if isinstance(value, (int, float)):
        try:
            return _check_finite(float(value), value)
        except OverflowError:
            raise AnswerValueError(f"expected a finite number, got {value!r}", "finite") from None
    if not isinstance(value, str):
        raise AnswerValueError(f"expected a number, got a {type(value).__name__}")
    text = normalize(value)
    if not text:
        raise AnswerValueError("empty answer")
    if text.lower() in ("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "-infinity"):
        raise AnswerValueError(f"expected a finite number, got {value!r}", "finite")
    if _PLAIN_NUMBER.match(text):
        return _check_finite(float(text), value)
    number, unit_text = split_number(text)
    x = _check_finite(float(number), value)
    if not unit_text:
        return x
    if len(unit_text) > MAX_UNIT_CHARS:
        raise AnswerValueError(f"unit text too long ({len(unit_text)} characters); expected a unit such as {unit or 'mV'}",
                               "unit")
    given = _pint_unit(unit_text)
    wanted = _pint_unit(unit) if unit else registry().dimensionless
    if given.dimensionality != wanted.dimensionality:
        raise AnswerValueError(
            f"the unit {unit_text!r} is not a {_dimension_name(unit)}; the answer is asked in {unit or 'a pure number'}",
            "unit")
    converted = registry().Quantity(x, given).to(wanted).magnitude
    return _check_finite(float(converted), value)


def _dimension_name(unit: str | None) -> str:
    names = {"mV": "voltage", "V": "voltage", "mM": "concentration", "ms": "time", "s": "time",
             "Hz": "frequency", "uA/cm^2": "current density", "mS/cm^2": "conductance density",
             "uF/cm^2": "capacitance density"}
    return names.get(unit or "", "quantity of that kind")


def typed_number(value: Any, raw: str | None = None) -> str | None:
    """The number exactly as the student typed it: from a string answer, or the raw TOML token."""
    if isinstance(value, str):
        try:
            return split_number(normalize(value))[0]
        except AnswerValueError:
            return None
    if raw is not None:
        token = normalize(raw).replace("_", "")
        if _PLAIN_NUMBER.match(token):
            return token
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return None


def significant_figures(token: str) -> tuple[int, int]:
    """How many significant figures a typed number carries, as (fewest, most).

    Trailing zeros of a whole number without a decimal point ("1200") are ambiguous,
    hence a range; everything else is exact ("89.10" has 4, "0.0891" has 3).
    """
    mantissa = re.split(r"[eE]", token.strip().lstrip("+-"))[0].replace("_", "")
    if "." in mantissa:
        digits = mantissa.replace(".", "").lstrip("0")
        if not digits:
            n = max(1, len(mantissa.split(".", 1)[1]))
            return n, n
        return len(digits), len(digits)
    whole = mantissa.lstrip("0")
    if not whole:
        return 1, 1
    return len(whole.rstrip("0")), len(whole)
