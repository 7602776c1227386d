"""The answer form reads an answer as the grader does: one table, two readers.

Every row (the unit the grader reads the answer in, the text typed) goes through the grader
(``spikeset.grade.units.to_unit``) and through the page's ``templates/form/answer_grammar.js``
(under node); both must accept it with the same value in the question's unit, or both refuse it.
Choice answers likewise (``grading.chosen_option`` and ``chosenLabel``). The rows are the
grader's own rules and the inputs students were found to type (tests/grader/test_hostile.py,
test_compound_units.py, test_student_attacks.py).
"""
from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace

import pytest

from spikeset.grade.grading import chosen_option
from spikeset.grade.units import AnswerValueError, to_unit

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

SLOPE = "uA/cm^2/ms"
DEG = "\u00b0C"

#: (asked, text): asked is the unit the grader reads the answer in (None: a pure number; "%").
NUMERIC: list[tuple[str | None, str]] = [
    # plain numbers, signs, exponents, spaces
    *[("mV", t) for t in ("-89.1", "+26.9", "-.5", ".5", "5.", "-8.91e-2", "1E3", "  -26.90 mV  ", "\u221226.90 mV",
                          "\u201326.9 mV", "-89.1\u00a0mV", "-89.1\u2009mV", "-26.90mV", "-2.69e1 mV", "0", "-0",
                          "1e999", "-1e999 mV", "1e-400", "nan", "-inf", "Infinity", "NaN mV", "inf mV")],
    # what is not one number: refused with a hint
    *[("mV", t) for t in ("-26,90 mV", "147,866.1 mV", "1 000 mV", "1,234 mV", "-7 6.67 mV", "2 mV*3", "1e3/2",
                          "-70 - 5", "1.2\u00d710^-3 V", "1.2x10^-3 V", "-70 -65 mV", "-70 mV, -65 mV",
                          "\u0667\u0660 mV",
                          "abc", "mV", "e5", "1e", "1.2.3", "--5", "+-5", "5-", "(5) mV", "5 (mV)", "\uff15 mV")],
    # approximate, uncertain, ranges, a sign apart (the hints of the last merge)
    *[("mV", t) for t in ("\u2248 60", "~60", "~60 mV", "\u223c60", "ca. 60 mV", "ca 60", "circa 60", "about 60",
                          "approx. 60 mV", "60\u00b12", "60 \u00b1 2 mV", "60 +/- 2", "60+-2 mV", "55-60", "55-60 mV",
                          "55 to 60", "55 mV to 60 mV", "55 or 60", "- 89.1", "- 89.1 mV", "+ 26.9", "-\u00a089.1 mV")],
    # other bases, as strings (a bare TOML 0x36 is refused by check_decimal_token: the form writes strings)
    *[("mV", t) for t in ("0x36", "0o66", "0b110110", "0x1A mV", "0X36")],
    # powers: 0 refused, leading zeros read, others read
    *[("mV", t) for t in ("10.0x0 mV", "10 s0 mV", "10 mV kg^0", "10 mV^0 V", "10 foo0 mV", "10 mV/s^-0", "10 mV^00",
                          "10 mV^1", "10 mV", "1e0 V", "10.0 mV", "10 mV^01", "-8.91 cV", "5 m V", "5 MV", "5 mv",
                          "5 kV", "5 uV", "5 \u00b5V", "5 pV", "5 nV", "5 GV", "5 ms", "5 %", "5 mV/mV", "5 V/V")],
    *[("uA/cm^2", t) for t in ("3 uA/cm02", "3 uA cm-02", "3 uA/cm^02", "3 ua/cm2", "3 uA/cm2", "3 \u00b5A/cm\u00b2",
                               "3 UA/CM2", "3 uA/cm^2", "3 uA cm^-2", "3 uA cm\u207b\u00b2", "3 nA/cm2", "3 mA/cm^2",
                               "3 A/m^2", "3 uA/mm2", "3 uA", "3 uA/cm", "3 pA/um^2", "3 uA/cm^2/ms")],
    *[("mM", t) for t in ("5 mm", "5 MM", "5 Mm", "5 mM", "5 mmol/L", "5 mmol/l", "5 mol/m^3", "5 uM", "5 M",
                          "5 mmol", "5 mV")],
    *[("uM", t) for t in ("5 mm", "5 mM", "5 nM", "5 uM", "5 um")],
    *[("mS/cm^2", t) for t in ("2 ms/cm2", "2 MS/cm2", "2 mS/cm\u00b2", "2 ms/cm^2", "2 ms/CM2", "49.1 mS/cm2",
                               "2 S/m^2", "2 mS", "2 mV")],
    *[("Hz", t) for t in ("12 hz", "12 KHZ", "12 kHz", "12 /s", "12 s^-1", "12 1/s", "12 ms")],
    *[("ms", t) for t in ("0.5 S", "0.5 s", "0.5 Ms", "0.5 min", "1 h", "1 sec", "1 cs", "0.5 us", "0.5 mV")],
    *[("s", t) for t in ("0.5 ms", "2 min")],
    *[("V", t) for t in ("-0.0891 V", "-89.1 mV", "-89.1 mv")],
    # compound units and parentheses
    *[(SLOPE, t) for t in ("0.52 uA/cm2/ms", "0.52 \u00b5A/cm\u00b2/ms", "0.52 \u03bcA/cm\u00b2/ms", "0.52uA/cm2/ms",
                           "0.52 uA / cm2 / ms", "0.52 uA/ms/cm2", "0.52 uA cm-2 ms-1", "0.52 uA cm^-2 ms^-1",
                           "0.52 uA*cm^-2*ms^-1", "0.52 \u00b5A\u00b7cm\u207b\u00b2\u00b7ms\u207b\u00b9",
                           "0.52 uA cm\u22122 ms\u22121", "0.52 uA cm-2/ms", "0.52 uA/cm/cm/ms", "0.52 ua/cm2/ms",
                           "0.52 ua cm-2 ms-1", "520 uA/cm^2/s", "520 uA/cm2/s", "520 \u00b5A/cm\u00b2/s",
                           "0.52 uA/cm^2/s", "0.52 mA/cm2/s", "520 nA/cm2/ms", "5.2 A/m2/s", "-1.25e-1 uA/cm2/ms",
                           "0.52", "0.52 uA/cm^2 ms", "0.52 uA/cm2*ms", "0.52 uA/cm2\u00b7ms", "0.52 uA/cm2/ms2",
                           "0.52 uA/cm2", "0.52 mS/cm2/ms", "0.52 furlong/cm2/ms", "0.52 uA/cm2/blinks",
                           "0.52 UA/CM2/MS", "0.52 uA/cm2/Ms",
                           "0.52 uA/(cm2 ms)", "0.52 uA/(cm^2*ms)", "0.52 uA/(cm2\u00b7ms)",
                           "0.52 \u00b5A/(cm\u00b2\u00b7ms)", "0.52uA/(cm2 ms)", "0.52 uA / ( cm2 ms )",
                           "0.52 ua/(cm2 ms)", "520 uA/(cm2 s)", "520 nA/(cm^2 ms)", "5.2 A/(m2 s)",
                           "0.52 uA/(ms cm2)", "-0.52 uA/(cm2 ms)", "0.52 uA/(cm2/ms)", "0.52 (uA)/(cm2 ms)",
                           "0.52 uA/(cm2 ms)/s", "0.52 uA/((cm2) ms)", "0.52 uA/(cm2 ms", "0.52 uA/cm2 (ms)",
                           "0.52 uA/(cm2)(ms)", "0.52 uA/cm2/(ms)", "0.52 uA/()", "0.52 (uA/cm2)/ms")],
    # the other units the families ask in
    *[("mm", t) for t in ("2 mm", "2 mM", "2 cm", "2 um", "0.002 m", "1 l", "2 MM")],
    *[("m/s", t) for t in ("20 m/s", "20 ms", "2 km/s", "20 mm/ms", "20 cm/s", "20 m s^-1")],
    *[("M\u03a9", t) for t in ("3 M\u03a9", "3 M\u2126", "3 Mohm", "3 kohm", "3 mV", "1 mohm", "3 G\u03a9")],
    *[("pC", t) for t in ("5 pC", "5 nC", "5 pc", "5 C", "5 fC")],
    *[(DEG, t) for t in ("37 \u00b0C", "37 \u2103", "37\u00a0\u2103", "37 \u00b0 C", "37 deg C", "37 degC", "37 C",
                         "310.15 K", "310.15 \u00b0 K", "98.6 \u00b0F", "98.6 \u00b0 F", "37", "37 \u00b0")],
    # pure numbers and percentages
    *[(None, t) for t in ("12.5", "12.5 %", "58 %", "3 mV", "5 mV/mV", "12.5 L01", "12.5 J02", "12.5 N002",
                          "12.5 A01", "12.5 \u00b0", "12.5 \u00b02", "12.5 deg", "12.5 rad", "12.5 turn", "12.5 cycle",
                          "12.5 dB", "12.5 Np", "12.5 B", "12.5 bit", "12.5 arcmin", "12.5 Tmas^-1", "12.5 count")],
    *[("mV", t) for t in ("12.5 V/\u00b02", "12.5 mV/rad")],
    *[("%", t) for t in ("58.36 %", "58.36%", "58.36", "0.5836", "58.36 mV", "58 %%")],
    # lengths: the unit text (40) and the answer text (1000)
    ("mV", "5 " + "m" * 39 + "V"), ("mV", "5 " + "mV " * 20), ("mV", "1" * 1001), ("mV", "1" * 999 + " mV"),
]

#: Every unit the families ask in, crossed with unit spellings right, wrong, odd and unknown
#: (about 3000 rows: a drift in either reader shows up here).
ASKED = [None, "%", "mV", "V", "mM", "uM", "ms", "s", "Hz", "mS/cm^2", "uA/cm^2", SLOPE, "mm", "m/s", "M\u03a9", "pC",
         DEG]
SPELLINGS = ["", "mV", "mv", "MV", "V", "v", "uV", "kV", "mM", "mm", "MM", "Mm", "M", "uM", "um", "nM", "ms", "MS",
             "Ms",
             "s", "S", "min", "h", "Hz", "hz", "kHz", "mS/cm^2", "ms/cm2", "mS/cm2", "S/m2", "uA/cm^2", "ua/cm2",
             "uA cm-2", "A/m^2", "uA/cm^2/ms", "ua/cm2/ms", "uA/(cm2 ms)", "nA/cm2/s", "m/s", "mm/ms", "M/s",
             "M\u03a9", "kohm", "Mohm", "pC", "nC", DEG, "K", "\u00b0F", "C", "%", "mol/L", "mmol/l", "uF/cm^2",
             "uF/cm2", "F", "A", "mA", "g", "kg", "L", "ml", "cm", "s^-1", "1/s", "/ms", "mV/ms", "V/s", "mV^2", "ms^2",
             "cm^-2", "um/ms", "Ohm", "ohm", "mol", "umol", "us", "ns", "Gohm", "pA", "nS", "uS", "mS", "fC", "pF",
             "mV/mV", "ms/s"]
CROSSED = [(asked, text) for asked in ASKED for unit in SPELLINGS
           for text in (f"-12.5 {unit}".strip(), f"3e-2{unit}")]
#: Units pint reads that neither the grader nor the page reads (both read SI units, by symbol or
#: name): refused by both; the form adds the unit to use (README, "For students").
NOT_SI = [("mm", "1 in"), ("mm", "1 ft"), ("m/s", "5 mph"), ("Hz", "5 rpm"), ("mm", "5 angstrom"), (None, "5 ppm"),
          ("pC", "12e"), ("ms", "3a"), ("ms", "5d"), ("ms", "2 yr"), ("mM", "5 mmol/gal")]
#: ... and the SI units it reads beyond the course's table, spelled as pint reads them.
SI = [("mV", t) for t in ("5 volt", "5 volts", "5 millivolt", "5 dV", "5 daV", "5 TV", "5 mvolt")] + [
    ("ms", t) for t in ("5 second", "5 seconds", "5 msec", "5 hr", "5 hours", "5 day", "5 minute")] + [
    ("mM", t) for t in ("5 mmol/dm^3", "5 umol/mL", "5 molar", "5 mmolar", "5 millimolar")] + [
    ("\u00b0C", t) for t in ("300 mK", "5 degF", "310 kelvin")] + [
    ("pC", "5 aC"), ("mm", "5 hm"), ("mm", "5 dm"), ("uA/cm^2", "5 uA/mm^2"), ("m/s", "5 km/h"), ("M\u03a9", "5 Gohm")]


def _random_answers(seed: int, n: int) -> list[tuple[str | None, str]]:
    """``n`` answers pieced together from numbers, unit letters, signs, spaces, operators and the
    characters of the hints (fixed seed): what no list of cases thought of."""
    rng = random.Random(seed)
    pieces = ["-", "+", "1", "2", "0", "5", ".", "e", "E", "-3", " ", "  ", "m", "M", "V", "v", "s", "S", "A", "u",
              "\u00b5", "/", "*", "\u00b7", "^", "\u00b2", "\u207b", "(", ")", "cm", "%", "\u00b0", "C", "K", "F", "Hz",
              "mol", "L", "ohm", "\u03a9", "\u2126", "k", "n", "p", ",", "~", "\u00b1", "\u2248", "x", "0x", "\u2212",
              "\u00a0", "to", "ca.", "deg", "g", "h", "min", "d", "c", "l", "ms", "mV", "uA", "/cm2", "\u2103"]
    return [(rng.choice(ASKED), "".join([rng.choice(["", "-", " -", "- "]),
                                         str(rng.choice([1, 2.5, 0.003, 12, 1e3, 60])),
                                         *rng.choices(pieces, k=rng.randint(0, 6))]))
            for _ in range(n)]


RANDOM = _random_answers(20261130, 2000)

LABELS = ["a", "b", "c", "d"]
CHOICE = ["c", "C", "(c)", "c)", "c.", " c ", "\uff43", "\uff23", "(\uff43)", "c).", "((c))", "\u0441", "e", "cc",
          "c,", "option c", "", "c .", "c. ", "-c"]


@cache
def _grader(asked: str | None, text: str) -> dict:
    try:
        return {"ok": True, "value": to_unit(text, asked)}
    except AnswerValueError as exc:
        return {"ok": False, "message": str(exc)}


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> dict:
    cases = tmp_path_factory.mktemp("grammar") / "cases.json"
    table = {"numeric": NUMERIC + SI + CROSSED + NOT_SI + RANDOM, "choice": [[LABELS, t] for t in CHOICE]}
    cases.write_text(json.dumps(table), encoding="utf-8")
    script = files("spikeset.templates") / "form" / "answer_grammar.js"
    driver = Path(__file__).with_name("run_answer_grammar.js")
    done = subprocess.run([NODE, str(driver), str(script), str(cases)], capture_output=True, text=True, timeout=60,
                          check=True)
    return json.loads(done.stdout)


def test_the_table_holds_both_verdicts():
    verdicts = [_grader(asked, text)["ok"] for asked, text in NUMERIC]
    assert sum(verdicts) >= 100 and len(verdicts) - sum(verdicts) >= 100


def test_the_form_reads_every_answer_as_the_grader_does(page):
    disagree = []
    for (asked, text), form in zip(NUMERIC + SI + CROSSED, page["numeric"][:-len(NOT_SI + RANDOM)], strict=True):
        grader = _grader(asked, text)
        if grader["ok"] != form["ok"]:
            disagree.append(f"{asked!r} {text[:60]!r}: grader {grader}, form {form}")
        elif grader["ok"] and not (grader["value"] == form["value"] or
                                   math.isclose(grader["value"], form["value"], rel_tol=1e-12)):
            disagree.append(f"{asked!r} {text[:60]!r}: grader reads {grader['value']!r}, form {form['value']!r}")
    assert not disagree, "\n".join(disagree)


def test_a_refusal_in_the_form_says_how_to_write_the_answer(page):
    for (asked, text), form in zip(NUMERIC + SI + CROSSED + NOT_SI + RANDOM, page["numeric"], strict=True):
        if not form["ok"]:
            assert form["message"] and "\n" not in form["message"], (asked, text)


def test_the_form_shows_the_hints_the_grader_gives(page):
    """The hints of the last merge, word for word as the grader writes them."""
    for (asked, text), form in zip(NUMERIC, page["numeric"][:len(NUMERIC)], strict=True):
        grader = _grader(asked, text)
        if not grader["ok"] and any(word in grader["message"] for word in ("approximate", "uncertainty", "range",
                                                                          "sign next to", "power 0", "ambiguous",
                                                                          "decimal comma", "thousands separator")):
            assert form["message"] == grader["message"], (asked, text)


def test_a_unit_outside_si_is_refused_by_both_the_form_saying_which_unit_to_use(page):
    start = len(NUMERIC + SI + CROSSED)
    for (asked, text), form in zip(NOT_SI, page["numeric"][start:start + len(NOT_SI)], strict=True):
        grader = _grader(asked, text)
        assert not grader["ok"] and grader["message"].startswith("unknown unit"), (text, grader)
        assert not form["ok"] and "this form reads SI units only" in form["message"], text
        assert (f"write the answer in {asked})" if asked else "write the number alone") in form["message"]


def test_random_answers_read_alike(page):
    """The form accepts exactly what the grader accepts, with the same value, on answers pieced
    together at random (a unit pint alone knows, such as "12e" for 12 elementary charges or "3a"
    for 3 years, is refused by both)."""
    disagree = []
    for (asked, text), form in zip(RANDOM, page["numeric"][-len(RANDOM):], strict=True):
        grader = _grader(asked, text)
        if grader["ok"] != form["ok"] or grader["ok"] and not (
                grader["value"] == form["value"] or math.isclose(grader["value"], form["value"], rel_tol=1e-12)):
            disagree.append(f"{asked!r} {text!r}: grader {grader}, form {form}")
    assert not disagree, "\n".join(disagree)
    assert sum(_grader(*row)["ok"] for row in RANDOM) >= len(RANDOM) // 10


def test_a_number_in_another_base_is_named_as_the_grader_names_a_bare_one(page):
    for (asked, text), form in zip(NUMERIC, page["numeric"][:len(NUMERIC)], strict=True):
        if text.lower().startswith(("0x", "0o", "0b")):
            kind = {"x": "hexadecimal", "o": "octal", "b": "binary"}[text[1].lower()]
            number = text.split()[0]
            assert form["message"].startswith(f"{number} is a {kind} number; write it with the digits 0-9"), text


def test_the_form_names_the_choice_the_grader_reads(page):
    options = SimpleNamespace(option_for=lambda label: label if label in LABELS else None)
    for text, form in zip(CHOICE, page["choice"], strict=True):
        assert form == (chosen_option(options, text) if text.strip() else None), repr(text)
    assert page["choice"][:7] == ["c"] * 7


def test_the_ohm_sign_reads_as_omega_in_the_grader_too():
    """U+2126 (OHM SIGN) was refused by the grader: its source's "Ω" had become U+03A9 (NFC);
    found by this table."""
    assert to_unit("3 M\u2126", "M\u03a9") == 3.0 and to_unit("3 k\u2126", "M\u03a9") == pytest.approx(0.003)
