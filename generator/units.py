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


def short(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters: student text can be of any length."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_finite(x: float, shown: Any) -> float:
    if not math.isfinite(x):
        raise AnswerValueError(f"expected a finite number, got {short(shown)}", "finite")
    return x


def split_number(text: str) -> tuple[str, str]:
    """The leading number of ``text`` and the rest (the unit), both stripped."""
    m = re.match(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)$", text)
    if not m:
        raise AnswerValueError(f"expected a number (optionally with a unit), got {short(text)}")
    return m.group(1), m.group(2).strip()


_PREFIX = {"": 1.0, "k": 1e3, "m": 1e-3, "u": 1e-6, "n": 1e-9, "p": 1e-12}
_BASE = {"V": "voltage", "M": "concentration", "s": "time", "Hz": "frequency",
         "A/cm^2": "current density", "S/cm^2": "conductance density", "F/cm^2": "capacitance density",
         "ohm": "resistance", "S": "conductance", "A": "current", "F": "capacitance"}
# Units whose names collide with a prefixed one ("ms" is milliseconds, "mM" millimolar) are fine:
# the base comes last, so "ms" = m + s and "mM" = m + M.


def _fast_unit(unit: str) -> tuple[str, float] | None:
    """(dimension, factor to the base unit) for the plain units of this course, without pint (slow to import)."""
    text = unit.replace("µ", "u").replace("μ", "u").replace(" ", "").replace("**", "^").replace("Ω", "ohm")
    text = text.replace("cm2", "cm^2").replace("mol/L", "M").replace("mol/l", "M")
    for base, dimension in _BASE.items():
        if text.endswith(base) and text[: -len(base)] in _PREFIX:
            return dimension, _PREFIX[text[: -len(base)]]
    return None


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
            raise AnswerValueError(f"unknown unit {short(unit)}", "unit") from None


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
            raise AnswerValueError(f"expected a finite number, got {short(value)}", "finite") from None
    if not isinstance(value, str):
        kind = {"list": "an array", "dict": "a table", "date": "a date", "datetime": "a date and time",
                "time": "a time of day"}.get(type(value).__name__, f"a {type(value).__name__}")
        raise AnswerValueError(f"expected a number, got {kind}")
    text = normalize(value)
    if not text:
        raise AnswerValueError("empty answer")
    if text.lower() in ("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "-infinity"):
        raise AnswerValueError(f"expected a finite number, got {short(value)}", "finite")
    if _PLAIN_NUMBER.match(text):
        return _check_finite(float(text), value)
    number, unit_text = split_number(text)
    x = _check_finite(float(number), value)
    if not unit_text:
        return x
    if len(unit_text) > MAX_UNIT_CHARS:
        raise AnswerValueError(f"unit text too long ({len(unit_text)} characters); expected a unit such as {unit or 'mV'}",
                               "unit")
    fast_given, fast_wanted = _fast_unit(unit_text), _fast_unit(unit) if unit else None
    if fast_given and fast_wanted:
        if fast_given[0] != fast_wanted[0]:
            raise AnswerValueError(f"the unit {short(unit_text)} is not a {fast_wanted[0]}; "
                                   f"the answer is asked in {unit}", "unit")
        return _check_finite(x * fast_given[1] / fast_wanted[1], value)
    given = _pint_unit(unit_text)
    wanted = _pint_unit(unit) if unit else registry().dimensionless
    if given.dimensionality != wanted.dimensionality:
        raise AnswerValueError(
            f"the unit {short(unit_text)} is not a {_dimension_name(unit)}; the answer is asked in {unit or 'a pure number'}",
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
