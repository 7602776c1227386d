"""Reading the numbers students write: one strict grammar, then the unit (fast table, else pint).

The grammar of an answer (the one definition; the web answer form mirrors it and README's
"Answer files" section describes it):

    answer = number [unit] | choice letter
    number = [sign] (digits ["." digits] | "." digits) [("e" | "E") [sign] digits]
    unit   = factor {("/" | "*" | "·" | space) factor}
    factor = symbol [["^"] [sign] digits]       symbol = letters (µ, μ, Ω, ° included) or "%"

A factor's digits are its power, in simple and compound units alike: "cm2" is cm^2, so
"uA/cm2/ms", "uA/cm^2/ms", "µA/cm²/ms" and "uA cm-2 ms-1" are one unit. Each divisor takes its
own "/": a factor multiplied after a division ("uA/cm^2 ms", "uA/cm2*ms") is refused as
ambiguous. The one use of parentheses that reads one way only, a product of factors in
parentheses after the only "/" and ending the unit ("uA/(cm2 ms)", "uA/(cm^2·ms)"), is
rewritten before matching as one "/" per factor ("uA/cm2/ms"); any other parentheses (nested,
after a second "/", around a quotient, "/(cm2/ms)") are refused with the spelling to use.
A factor to the power 0 ("x0") is refused: it is a typo, not a factor of 1.

Before matching, surrounding space is dropped, Unicode minus signs and dashes (U+2212, U+2013,
U+2014, U+FE63, U+FF0D) become "-", superscripts become ``^n`` (cm⁻² -> cm^-2) and "·", "×"
become "*", "℃" becomes "°C", the ohm sign the Greek omega, no-break and thin spaces become spaces. Digits are ASCII 0-9. Anything else is refused, never guessed: a decimal comma
("-26,90 mV"), a thousands separator ("147,866.1"), a space inside the number ("-7 6.67"),
arithmetic ("2 mV*3", "1e3/2", "1.2×10^-3"), two numbers. Each refusal says how to write it.

Units: a plain number is in the unit the question asks. A unit's prefix is case-sensitive
(m milli, M mega); its base symbol may be typed in any case when that is unambiguous for the
question's dimension ("mv" on a voltage question is mV, "ua/cm2" is uA/cm^2, "mm" on a
concentration question is mM). A unit that reads exactly as typed is taken as typed: "MV"
is megavolts and "MM" megamolar (the feedback then asks "megavolts (MV)? write mV").
On a question asked in % (unit "%"), "%" is the unit: "58.36 %" is 58.36; on other
dimensionless questions "%" means hundredths ("58 %" = 0.58). In a compound unit each factor's
base symbol may be typed in any case when exactly one reading fits the question's dimension
("ua/cm2/ms" is uA/cm^2/ms); a unit that reads as typed with that dimension is taken as typed.

pint is imported only for units outside the course's table, so grading stays fast.
"""
from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

# The ohm sign (U+2126) is written as an escape: an editor that normalizes to NFC turns it into the
# Greek capital omega (U+03A9), and "3 MΩ" typed with it was refused.
_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3", "¹": "^1", "⁻": "^-", "·": "*", "×": "*", "℃": "°C",
                               "\u2126": "\u03a9"})
_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " "})
_MINUSES = ("\u2212", "\u2013", "\u2014", "\ufe63", "\uff0d")
MAX_UNIT_CHARS = 40
#: Longest answer text matched against the grammar (a plain number may be longer: it is then not finite).
MAX_ANSWER_CHARS = 1000

NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_SYMBOL = r"(?:[A-Za-zµμΩΩ°]+|%)"
_FACTOR = rf"{_SYMBOL}(?:\^?[+-]?[0-9]+)?"
UNIT = rf"{_FACTOR}(?:[ \t]*[/*][ \t]*{_FACTOR}|[ \t]+{_FACTOR})*"
#: An answer: a number, then optionally a unit (matched against the normalized text, whole).
ANSWER = re.compile(rf"(?P<number>{NUMBER})[ \t]*(?P<unit>{UNIT})?")
_PLAIN_NUMBER = re.compile(NUMBER)


class AnswerValueError(ValueError):
    """A value that cannot be read as the quantity asked.

    ``kind`` is ``"format"`` (not a number), ``"unit"`` (wrong or unknown unit) or
    ``"finite"`` (NaN, infinity, overflow).
    """

    def __init__(self, message: str, kind: str = "format"):
        super().__init__(message)
        self.kind = kind


def normalize(text: str) -> str:
    """Unicode minus signs, superscripts, no-break and thin spaces and surrounding space folded to
    plain ASCII forms; one parenthesized denominator written as divisors ("uA/(cm2 ms)" -> "uA/cm2/ms")."""
    text = text.translate(_SPACES).strip()
    for minus in _MINUSES:
        text = text.replace(minus, "-")
    text = text.translate(_SUPERSCRIPTS).replace("^-^", "^-")
    text = re.sub(r"\^\^", "^", text)
    return _without_parentheses(text)


_PRODUCT = rf"{_FACTOR}(?:[ \t]*\*[ \t]*{_FACTOR}|[ \t]+{_FACTOR})*"
#: A number, a product of units, one "/", and a product of units in parentheses, nothing after.
_ONE_DENOMINATOR = re.compile(rf"(?P<number>{NUMBER})[ \t]*(?P<numerator>{_PRODUCT})[ \t]*/[ \t]*"
                              rf"\([ \t]*(?P<denominator>{_PRODUCT})[ \t]*\)")


def _without_parentheses(text: str) -> str:
    """``text`` with a single parenthesized denominator of unit factors written as one divisor
    per factor ("0.52 uA/(cm2 ms)" -> "0.52 uA/cm2/ms"), which reads one way only; other text
    (parentheses nested, after a second /, around a quotient) unchanged, hence refused."""
    m = _ONE_DENOMINATOR.fullmatch(text) if "(" in text else None
    if m is None:
        return text
    divisors = re.findall(_FACTOR, m.group("denominator"))
    return f"{m.group('number')} {m.group('numerator')}/{'/'.join(divisors)}"


def short(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters: student text can be of any length."""
    text = repr(value[: limit + 10] if isinstance(value, str) else value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_finite(x: float, shown: Any) -> float:
    if not math.isfinite(x):
        raise AnswerValueError(f"expected a finite number, got {short(shown)}", "finite")
    return x


def split_number(text: str, unit: str | None = None) -> tuple[str, str]:
    """The number of ``text`` (normalized) and its unit ("" if none); refused with a hint
    (see the module docstring) when the text is not one number and an optional unit."""
    m = ANSWER.fullmatch(text)
    if not m:
        raise AnswerValueError(diagnose(text, unit))
    return m.group("number"), (m.group("unit") or "").strip()


_DECIMAL_COMMA = re.compile(r"([+-]?[0-9]*),([0-9]+)[ \t]*(.*)")
_THOUSANDS = re.compile(r"([+-]?[0-9]{1,3}(?:[, '][0-9]{3})+(?:\.[0-9]+)?)[ \t]*(.*)")
_SPACED = re.compile(r"([+-]?[0-9.]+(?:[ \t]+[0-9.]+)+)[ \t]*(.*)")
_TIMES_TEN = re.compile(rf"({NUMBER})[ \t]*[*xX][ \t]*10[ \t]*(?:\^|\*\*)[ \t]*([+-]?[0-9]+)[ \t]*(.*)")
_TWO_NUMBERS = re.compile(rf"{NUMBER}[ \t]*(?:{UNIT})?(?:[ \t]*[,;][ \t]*|[ \t]+)(?:[+-]|(?<=[^0-9. \t] ))[0-9.][^ \t]*[ \t]*(?:{UNIT})?|{NUMBER}[ \t]*(?:{UNIT})[ \t]+{NUMBER}[ \t]*(?:{UNIT})?")
_PARENTHESIZED_UNIT = re.compile(rf"({NUMBER})[ \t]*([^()]*\(.*)")
_SIGN_APART = re.compile(rf"([+-])[ \t]+({NUMBER.removeprefix('[+-]?')})[ \t]*((?:{UNIT})?)")
_APPROXIMATE = re.compile(rf"(≈|~|∼|ca\.?|circa|about|approx\.?|approximately)[ \t]*({NUMBER})[ \t]*((?:{UNIT})?)",
                          re.IGNORECASE)
_UNCERTAINTY = re.compile(rf"({NUMBER})[ \t]*((?:±|\+/-|\+-)[ \t]*[0-9.]+(?:[eE][+-]?[0-9]+)?)[ \t]*((?:{UNIT})?)")
_RANGE_WORDS = re.compile(rf"{NUMBER}[ \t]*(?:{UNIT})?[ \t]+(?:to|or|bis)[ \t]+{NUMBER}[ \t]*(?:{UNIT})?", re.IGNORECASE)
_RANGE = re.compile(rf"[0-9.]+-[0-9.]+[ \t]*(?:{UNIT})?")
_OPERATOR = re.compile(r"[0-9.][ \t]*[-+*/^][ \t]*[0-9.]|[*/^][ \t]*[0-9]|[0-9][ \t]*[*/]")


def diagnose(text: str, unit: str | None = None) -> str:
    """Why ``text`` is not an answer, and how to write it (``unit``: the unit asked)."""
    unit_hint = f" {unit}" if unit else ""

    def written(number: str, rest: str) -> str:
        rest = rest.strip() or unit_hint.strip()
        return f"{number} {rest}".strip()

    if len(text) > 200 or not text:
        return f"expected a number (optionally with a unit), got {short(text)}"
    m = _SIGN_APART.fullmatch(text)
    if m:
        return (f"{short(text)} has a space after its sign; write the sign next to the number: "
                f"{written(m.group(1) + m.group(2), m.group(3) or '')}")
    m = _APPROXIMATE.fullmatch(text)
    if m:
        return (f"{short(text)} is approximate; write the number alone, without {short(m.group(1))}, such as "
                f"{written(m.group(2), m.group(3) or '')}")
    m = _UNCERTAINTY.fullmatch(text)
    if m:
        return (f"{short(text)} has an uncertainty; write the number alone, without the uncertainty "
                f"{short(m.group(2))}: {written(m.group(1), m.group(3) or '')}")
    if _RANGE_WORDS.fullmatch(text):
        return f"{short(text)} is a range; write one number with its unit, such as {written('-12.5', '')}"
    if _RANGE.fullmatch(text):
        return (f"{short(text)} is a range or a calculation; write one number with its unit, such as "
                f"{written('-12.5', '')}")
    m = _THOUSANDS.fullmatch(text)
    if m and (m.group(1).count(",") > 1 or "." in m.group(1) or " " in m.group(1) or "'" in m.group(1)):
        number = re.sub(r"[, ']", "", m.group(1))
        return (f"{short(text)} has a thousands separator; write {written(number, m.group(2))}, "
                f"without the separator")
    m = _DECIMAL_COMMA.fullmatch(text)
    if m and "," not in m.group(3) and re.fullmatch(rf"(?:{UNIT})?", m.group(3)):
        whole, decimals = m.group(1) or "0", m.group(2)
        if len(decimals) == 3 and whole.lstrip("+-") not in ("", "0"):
            return (f"{short(text)} is ambiguous (a decimal comma or a thousands separator?); write "
                    f"{written(f'{whole}.{decimals}', m.group(3))} or {written(whole + decimals, m.group(3))}, "
                    f"with no comma")
        return f"{short(text)} has a decimal comma; write {written(f'{whole}.{decimals}', m.group(3))}, with a decimal point"
    m = _TIMES_TEN.fullmatch(text)
    if m:
        return (f"{short(text)} is written as a product; write {written(f'{m.group(1)}e{m.group(2)}', m.group(3))} "
                f"(e for the power of ten)")
    if _TWO_NUMBERS.fullmatch(text):
        return f"{short(text)} holds two numbers; write one number with its unit, such as {written('-12.5', '')}"
    m = _PARENTHESIZED_UNIT.fullmatch(text)
    if m and re.fullmatch(UNIT, re.sub(r"[()]", " ", m.group(2)).strip()):
        return (f"{short(text)} has parentheses in its unit; write the unit without them, a / before each "
                f"divisor, such as {written(m.group(1), '')}")
    if _OPERATOR.search(text):
        return (f"{short(text)} is a calculation; work it out and write one number with its unit, "
                f"such as {written('-12.5', '')}")
    m = _SPACED.fullmatch(text)
    if m and re.fullmatch(rf"(?:{UNIT})?", m.group(2)):
        return (f"{short(text)} has a space inside the number (or two numbers); write one number "
                f"without spaces, such as {written('-12.5', m.group(2))}")
    if re.search(r"[0-9]", text) is None and re.search(r"\d", text):
        return f"{short(text)} uses digits other than 0-9; write the number with the digits 0-9"
    return f"expected a number (optionally with a unit), got {short(text)}"


_PREFIX = {"": 1.0, "G": 1e9, "M": 1e6, "k": 1e3, "m": 1e-3, "u": 1e-6, "n": 1e-9, "p": 1e-12}
_PREFIX_NAME = {"G": "giga", "M": "mega", "k": "kilo", "m": "milli", "u": "micro", "n": "nano", "p": "pico"}
_BASE = {"V": "voltage", "M": "concentration", "s": "time", "Hz": "frequency",
         "A/cm^2": "current density", "S/cm^2": "conductance density", "F/cm^2": "capacitance density",
         "ohm": "resistance", "S": "conductance", "A": "current", "F": "capacitance"}
_BASE_NAME = {"V": "volts", "M": "molar", "s": "seconds", "Hz": "hertz", "A/cm^2": "amperes per cm^2",
              "S/cm^2": "siemens per cm^2", "F/cm^2": "farads per cm^2", "ohm": "ohms", "S": "siemens",
              "A": "amperes", "F": "farads"}
# Units whose names collide with a prefixed one ("ms" is milliseconds, "mM" millimolar) are fine:
# the base comes last, so "ms" = m + s and "mM" = m + M.


def _clean_unit(unit: str) -> str:
    text = unit.replace("µ", "u").replace("μ", "u").replace(" ", "").replace("\t", "").replace("**", "^")
    text = text.replace("Ω", "ohm").replace("Ω", "ohm")
    text = re.sub(r"(?<=[A-Za-z])2$", "^2", text).replace("cm2", "cm^2")
    return text.replace("mol/L", "M").replace("mol/l", "M")


def _fast_unit(unit: str) -> tuple[str, float] | None:
    """(dimension, factor to the base unit) for the plain units of this course, without pint (slow to import)."""
    text = _clean_unit(unit)
    for base, dimension in _BASE.items():
        if text.endswith(base) and text[: -len(base)] in _PREFIX:
            return dimension, _PREFIX[text[: -len(base)]]
    return None


def _relaxed_unit(unit: str, dimension: str) -> tuple[float, str] | None:
    """(factor, spelling) of ``unit`` read with its base symbol in any case, if exactly one unit
    of ``dimension`` reads so (the prefix keeps its case: m and M differ)."""
    text = _clean_unit(unit)
    found = {(prefix, base) for base, dim in _BASE.items() if dim == dimension
             for prefix in _PREFIX if text == prefix + text[len(prefix):] and text[len(prefix):].lower() == base.lower()}
    if len(found) != 1:
        return None
    (prefix, base), = found
    return _PREFIX[prefix], prefix + base


@cache
def registry():
    import pint
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    return ureg


_COMPOUND_FACTOR = re.compile(rf"(?P<join>[ \t]*[/*][ \t]*|[ \t]+)?(?P<symbol>{_SYMBOL})(?:\^?(?P<power>[+-]?[0-9]+))?")


def _explicit_unit(unit: str) -> str:
    """A unit of the answer grammar with each factor's power and each join written out, as pint
    reads it: "uA/cm2/ms" -> "uA/cm^2/ms", "uA cm-2 ms-1" -> "uA*cm^-2*ms^-1" (a factor's
    digits are its power, as "cm2" is cm^2 in a simple unit). Text outside the grammar is
    returned as it is. A factor multiplied after a division ("uA/cm^2 ms", "uA/cm2*ms") is
    refused: it reads both as per-ms and as times-ms."""
    if not re.fullmatch(UNIT, unit):
        return unit
    parts, divided, ambiguous = [], False, None
    for m in _COMPOUND_FACTOR.finditer(unit):
        join = (m.group("join") or "").strip()
        if join == "/":
            divided = True
        elif m.group("join") is not None and divided:
            ambiguous = ambiguous or m.group("symbol")
            join = "/"
        power = m.group("power")
        parts.append(f"{'' if m.group('join') is None else join or '*'}{m.group('symbol')}"
                     f"{'' if power is None else '^' + power}")
    if ambiguous:
        raise AnswerValueError(
            f"the unit {short(unit)} is ambiguous (is {ambiguous} divided or multiplied?); write each "
            f"divisor after its own /, such as {''.join(parts)}", "unit")
    return "".join(parts)


#: The units read beyond the course's table (symbol: pint's name), with an SI prefix
#: (:data:`_SI_PREFIX`) or spelled out (:data:`_UNIT_NAMES`, with :data:`_PREFIX_NAMES`). Anything
#: else pint knows is refused: it reads "12e" as 12 elementary charges, "3a" as 3 years, "5d" as
#: 5 days, "1 in" as inches. The page's form (templates/form/answer_grammar.js) holds the same list.
_SI_BASES = frozenset({"V", "A", "S", "F", "ohm", "C", "s", "sec", "min", "h", "hr", "Hz", "m", "g", "L", "l", "mol",
                       "M", "K", "day"})
_OFFSET_BASES = frozenset({"degC", "°C", "degF", "°F", "°K"})
_SI_PREFIX = ("da", "T", "G", "M", "k", "h", "d", "c", "m", "u", "n", "p", "f", "a")
_UNIT_NAMES = {"volt": "V", "ampere": "A", "siemens": "S", "farad": "F", "ohm": "ohm", "coulomb": "C", "second": "s",
               "minute": "min", "hour": "h", "hertz": "Hz", "meter": "m", "metre": "m", "gram": "g", "liter": "L",
               "litre": "L", "mole": "mol", "molar": "M", "kelvin": "K"}
_PREFIX_NAMES = {"": "", "tera": "T", "giga": "G", "mega": "M", "kilo": "k", "hecto": "h", "deca": "da", "deci": "d",
                 "centi": "c", "milli": "m", "micro": "u", "nano": "n", "pico": "p", "femto": "f", "atto": "a"}


def _si_symbol(symbol: str) -> bool:
    """Whether a unit factor's symbol is an SI unit this grader reads ("mV", "kohm", "millivolts")."""
    if symbol in _SI_BASES or symbol in _OFFSET_BASES:
        return True
    if any(symbol.startswith(p) and symbol[len(p):] in _SI_BASES for p in _SI_PREFIX):
        return True
    spellings = [symbol] + ([symbol[:-1]] if len(symbol) > 3 and symbol.endswith("s") else [])
    for spelling in spellings:
        for name in (*_PREFIX_NAMES, *_SI_PREFIX):
            rest = spelling[len(name):]
            if spelling.startswith(name) and rest in _UNIT_NAMES and rest != "siemen":
                prefix = _PREFIX_NAMES.get(name, name)
                return _si_symbol(prefix + _UNIT_NAMES[rest])
    return False


def _pint_unit(unit: str):
    ureg = registry()
    cleaned = unit.replace("µ", "u").replace("μ", "u").replace("Ω", "ohm").replace("Ω", "ohm")
    cleaned = _explicit_unit(cleaned)
    si = all(_si_symbol(m.group("symbol")) for m in _COMPOUND_FACTOR.finditer(cleaned))
    cleaned = cleaned.replace("degC", "degree_Celsius").replace("°C", "degree_Celsius")
    try:
        parsed = ureg.parse_units(cleaned)
    except Exception:
        try:
            parsed = ureg.parse_expression(cleaned).units
        except Exception:
            raise AnswerValueError(f"unknown unit {short(unit)}", "unit") from None
    if not si and not _not_physical(parsed):  # an angle or a byte is refused by name in to_unit
        raise AnswerValueError(f"unknown unit {short(unit)}", "unit")
    return parsed


def _read_text(value: str, unit: str | None) -> tuple[float, str]:
    """The number and the unit text of a string answer (see the grammar in the module docstring)."""
    text = normalize(value)
    if not text:
        raise AnswerValueError("empty answer")
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise AnswerValueError(f"expected a finite number, got {short(value)}", "finite")
    if len(text) > MAX_ANSWER_CHARS and not _PLAIN_NUMBER.fullmatch(text):
        raise AnswerValueError(f"expected a number (optionally with a unit), got {short(value)} "
                               f"({len(text)} characters)")
    number, unit_text = split_number(text, unit)
    return _check_finite(float(number), value), unit_text


def _shifted(value: str, x: float, factor: float) -> float:
    """``x`` times ``factor`` (a power of ten), rounded once from the decimal the student typed
    ("1001.0 mV" is 1001.0 mV, "-0.0891 V" is -89.1 mV, not -89.10000000000001)."""
    if factor == 1.0:
        return x
    from decimal import Decimal, InvalidOperation

    try:
        number = split_number(normalize(value))[0]
        return float(Decimal(number).scaleb(round(math.log10(factor))))
    except (AnswerValueError, InvalidOperation, ValueError, OverflowError):
        return x * factor


_OTHER_BASE = re.compile(r"[+-]?0(?P<base>[xob])[0-9A-Fa-f_]+")
_BASE_NAMES = {"x": "hexadecimal", "o": "octal", "b": "binary"}


def check_decimal_token(raw: str | None) -> None:
    """Refuse a bare TOML integer written in another base (``0x36``, ``0o66``, ``0b110110``):
    TOML reads it, but an answer's digits are decimal (the string "0x36" is refused too)."""
    m = _OTHER_BASE.fullmatch(raw.strip()) if raw else None
    if m:
        raise AnswerValueError(f"{short(raw.strip())[1:-1]} is a {_BASE_NAMES[m.group('base')]} number; "
                               f"write it with the digits 0-9")


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
    x, unit_text = _read_text(value, unit)
    if not unit_text:
        return x
    if len(unit_text) > MAX_UNIT_CHARS:
        raise AnswerValueError(f"unit text too long ({len(unit_text)} characters); expected a unit such as {unit or 'mV'}",
                               "unit")
    zero = next((m.group("symbol") for m in _COMPOUND_FACTOR.finditer(unit_text)
                 if m.group("power") and not m.group("power").strip("+-0")), None)
    if zero is not None:
        raise AnswerValueError(f"the unit {short(unit_text)} has {zero} to the power 0 (a typo?); write the unit "
                               f"without it, such as {unit or 'mV'}", "unit")
    unit_text = re.sub(r"(°|\bdeg)[ \t]+(?=[CFK]\Z)", r"\1", _plain_powers(unit_text))  # "37 ° C" is 37 °C
    if unit == "%" or unit_text == "%":
        if unit == "%" and unit_text == "%":
            return x
        if unit is None:
            return _check_finite(x / 100, value)
        raise AnswerValueError(f"the unit {short(unit_text)} does not fit; the answer is asked in "
                               f"{unit or 'a pure number'}", "unit")
    fast_given, fast_wanted = _fast_unit(unit_text), _fast_unit(unit) if unit else None
    if fast_wanted and (fast_given is None or fast_given[0] != fast_wanted[0]):
        relaxed = _relaxed_unit(unit_text, fast_wanted[0])
        if relaxed:
            fast_given = (fast_wanted[0], relaxed[0])
    if fast_given and fast_wanted:
        if fast_given[0] != fast_wanted[0]:
            raise AnswerValueError(f"the unit {short(unit_text)} is not a {fast_wanted[0]}; "
                                   f"the answer is asked in {unit}", "unit")
        return _check_finite(_shifted(value, x, fast_given[1] / fast_wanted[1]), value)
    wanted = _pint_unit(unit) if unit else registry().dimensionless
    try:
        given = _pint_unit(unit_text)
    except AnswerValueError as unknown:
        given = _relaxed_compound(unit_text, wanted)
        if given is None:
            raise unknown from None
    if given.dimensionality != wanted.dimensionality:
        given = _relaxed_compound(unit_text, wanted) or given
    odd = _not_physical(given)
    if odd:
        raise AnswerValueError(f"the unit {short(unit_text)} holds {odd}, not a unit this course asks in; "
                               f"the answer is asked in {unit or 'a pure number'}", "unit")
    if given.dimensionality != wanted.dimensionality:
        raise AnswerValueError(
            f"the unit {short(unit_text)} is not a {_dimension_name(unit)}; the answer is asked in {unit}" if unit else
            f"the unit {short(unit_text)} does not fit: the answer is a pure number (no unit, or %)", "unit")
    factor = float(registry().Quantity(1.0, given).to(wanted).magnitude)
    power = round(math.log10(factor)) if factor > 0 else None
    if (power is not None and abs(factor / 10.0 ** power - 1) < 1e-12
            and registry().Quantity(0.0, given).to(wanted).magnitude == 0):
        return _check_finite(_shifted(value, x, 10.0 ** power), value)
    converted = registry().Quantity(x, given).to(wanted).magnitude
    return _check_finite(float(converted), value)


def _plain_powers(unit: str) -> str:
    """Each factor's power without leading zeros ("cm02" -> "cm2", "cm^-02" -> "cm^-2"): pint
    reads "L^01" as a pure number."""
    def plain(m: re.Match) -> str:
        power = m.group("power")
        if power is None or not re.match(r"[+-]?0", power):
            return m.group(0)
        sign = power[0] if power[0] in "+-" else ""
        return m.group(0)[: m.start("power") - m.start()] + sign + str(int(power.lstrip("+-")))
    return _COMPOUND_FACTOR.sub(plain, unit)


#: Units pint holds dimensionless (or logarithmic) that no question asks in, by a part of their
#: pint name: read as typed they would turn "12.5 °" into 0.218 and "12.5 B" (bytes) into 100.
_NOT_PHYSICAL = (("degree", "an angle"), ("radian", "an angle"), ("arcminute", "an angle"),
                 ("arcsecond", "an angle"), ("turn", "an angle"), ("grade", "an angle"),
                 ("bel", "a logarithmic unit"), ("neper", "a logarithmic unit"),
                 ("bit", "an amount of information"), ("byte", "an amount of information"), ("count", "a count"))


def _not_physical(given) -> str | None:
    """What in a pint unit is not a physical unit of this course ("an angle (degree)"), or None."""
    for name in getattr(given, "_units", {}):
        if name.startswith("degree_"):  # degree_Celsius, degree_Fahrenheit: temperatures
            continue
        for part, kind in _NOT_PHYSICAL:
            if part in name:
                return f"{kind} ({name})"
    return None


_FACTOR_BASES = ("V", "A", "S", "F", "M", "s", "Hz", "ohm", "m", "L")
_FACTOR_PREFIX = {**_PREFIX, "c": 1e-2}


def _relaxed_compound(unit_text: str, wanted):
    """The pint unit of a compound ``unit_text`` read with each factor's base symbol in any case
    ("ua/cm2/ms" is uA/cm^2/ms), if exactly one such reading has the dimension of ``wanted``
    (the prefix keeps its case, as in a simple unit); else None."""
    import itertools

    cleaned = unit_text.replace("µ", "u").replace("μ", "u")
    if not re.fullmatch(UNIT, cleaned) or not re.search(r"[ \t/*]", cleaned):
        return None
    factors = list(_COMPOUND_FACTOR.finditer(cleaned))
    if len(factors) > 4:
        return None
    choices = []
    for m in factors:
        symbol = m.group("symbol")
        spellings = {symbol} | {prefix + base for base in _FACTOR_BASES for prefix in _FACTOR_PREFIX
                                if symbol.startswith(prefix) and symbol[len(prefix):].lower() == base.lower()}
        choices.append(sorted(spellings))
    readings = {}
    for spelling in itertools.product(*choices):
        text = "".join(f"{m.group('join') or ''}{symbol}{'^' + m.group('power') if m.group('power') else ''}"
                       for m, symbol in zip(factors, spelling))
        try:
            reading = _pint_unit(text)
        except AnswerValueError:
            continue
        if reading.dimensionality == wanted.dimensionality:
            readings[text] = reading
    return next(iter(readings.values())) if len(readings) == 1 else None


def unit_note(value: Any, unit: str | None) -> str | None:
    """For an answer whose unit differs from the one asked only in letter case ("MV" for mV),
    the unit it was read in, named: ``"megavolts (MV)? write mV"``; else None."""
    if not isinstance(value, str) or not unit:
        return None
    try:
        _, unit_text = _read_text(value, unit)
    except AnswerValueError:
        return None
    typed, asked = _clean_unit(unit_text), _clean_unit(unit)
    wanted = _fast_unit(unit)
    if typed == asked or typed.lower() != asked.lower() or wanted is None:
        return None
    for base, dimension in _BASE.items():
        for prefix in _PREFIX:
            if dimension == wanted[0] and typed.startswith(prefix) and typed[len(prefix):].lower() == base.lower():
                read = prefix + base
                if read != asked:
                    return f"{_PREFIX_NAME.get(prefix, '')}{_BASE_NAME[base]} ({unit_text})? write {unit}"
    return None


def question_unit(unit: str | None, prompt: str) -> str | None:
    """The unit an answer is read in: the question's, or "%" for a question asked "(in %)"."""
    if unit is None and re.search(r"\(in %\)|\bin percent\b|as a percentage", prompt):
        return "%"
    return unit


def _dimension_name(unit: str | None) -> str:
    names = {"mV": "voltage", "V": "voltage", "mM": "concentration", "uM": "concentration", "ms": "time",
             "s": "time", "Hz": "frequency", "uA/cm^2": "current density", "mS/cm^2": "conductance density",
             "uF/cm^2": "capacitance density", "uA/cm^2/ms": "rate of change of a current density",
             "mm": "length", "m/s": "speed", "°C": "temperature", "MΩ": "resistance", "pC": "charge"}
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
        if _PLAIN_NUMBER.fullmatch(token):
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
