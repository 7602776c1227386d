"""The answer form and HH simulator of a student's ``problems.html``: data and inlined assets.

The page stays one self-contained file that works offline: the form's script and style, the
simulator and the vendored plotting library (uPlot, see ``templates/vendor/VENDORED.md``) are
inlined, and what the script needs to know about this student's set travels as JSON in the page:
per question its id, kind, the unit dimension the grader accepts and the unit it reads the
answer in (``asked``: the question's unit, "%" or None, as :func:`~spikeset.grade.units.question_unit`);
the answer file's header (taken verbatim from :func:`~spikeset.grade.answer_file.blank_answer_file`,
so the saved file is the one the grader reads); and, for simulation problems, the printed HH parameters and protocol.

Nothing here is a reference answer: only what the printed sheet already shows.
"""
from __future__ import annotations

import importlib.resources
import json
import math
import re
from functools import cache
from typing import Any

from markupsafe import Markup

from ..errors import FamilyError
from ..grade.answer_file import blank_answer_file
from ..grade.units import question_unit
from ..variants.assemble import StudentSet

TEMPLATES_PACKAGE = "spikeset.templates"

#: HH parameters of the simulation families, in the order printed (problems/_simhh).
HH_FIELDS = ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature")

#: Base units of the dimensions a question may be asked in (question unit = prefix + base).
BASE_DIMENSIONS = {"V": "voltage", "M": "concentration", "s": "time", "Hz": "frequency",
                   "A/cm^2": "current density", "S/cm^2": "conductance density",
                   "F/cm^2": "capacitance density"}
PREFIXES = ("", "n", "u", "m", "k")

#: Scripts and styles inlined, in order (paths below ``templates/``).
SCRIPTS = ("vendor/uplot/uPlot.iife.min.js", "form/hhsim.js", "form/answer_grammar.js", "form/form.js")
STYLES = ("vendor/uplot/uPlot.min.css", "form/form.css")


def unit_dimension(unit: str | None, prompt: str = "") -> dict[str, str]:
    """What a numeric question accepts: ``{"dimension", "unit"}``.

    ``dimension`` is one of :data:`BASE_DIMENSIONS`'s values, ``"percent"`` (a question asked in %),
    ``"number"`` (a pure number: no unit) or ``"exact"`` (another unit: only that spelling).
    """
    if unit == "%" or question_unit(unit, prompt) == "%":
        return {"dimension": "percent", "unit": "%"}
    if not unit:
        return {"dimension": "number", "unit": ""}
    text = unit.replace("µ", "u").replace("μ", "u").replace("cm2", "cm^2").replace("cm²", "cm^2")
    for base, dimension in BASE_DIMENSIONS.items():
        if text.endswith(base) and text[: -len(base)] in PREFIXES:
            return {"dimension": dimension, "unit": text}
    return {"dimension": "exact", "unit": text}


def answer_header(student_set: StudentSet, blank: str | None = None) -> str:
    """The answer file's text before ``[answers]``, verbatim from the blank file (``blank``:
    :func:`~spikeset.grade.answer_file.blank_answer_file` of ``student_set`` when the caller has it)."""
    text = blank_answer_file(student_set) if blank is None else blank
    at = text.find("\n[answers]\n")
    if at < 0:
        raise ValueError("the blank answer file has no [answers] line")
    return text[: at + 1]


#: The longest simulation the page runs, ms (hhsim.js; the page refuses a longer duration).
MAX_T_END_MS = 2000.0
PULSE_FIELDS = ("amplitude", "start", "duration")
RAMP_FIELDS = ("start", "slope", "final", "hold")


def _numbers(entry: Any, names: tuple[str, ...], where: str) -> dict[str, float]:
    if not isinstance(entry, dict) or set(entry) != set(names):
        raise ValueError(f"{where} must have exactly {', '.join(names)}")
    out = {}
    for name in names:
        value = entry[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{where}: {name} must be a finite number, got {value!r}")
        out[name] = float(value)
    return out


def checked_protocol(protocol: Any) -> dict[str, Any]:
    """A family's starting protocol for the page simulator, checked and as plain JSON data.

    ``{"pulses": [{"amplitude" (uA/cm2), "start" (ms), "duration" (ms)}, ...], "t_end" (ms)}``,
    optionally ``"ramp": {"start" (ms), "slope" (uA/cm2 per ms, > 0), "final" (uA/cm2),
    "hold" (ms)}`` (what *Add a ramp* adds; hhsim.js's ramp) and ``"hint"`` (one sentence for the
    student). Raises ValueError saying what is wrong.
    """
    if not isinstance(protocol, dict) or not set(protocol) <= {"pulses", "t_end", "ramp", "hint"}:
        raise ValueError("the protocol must be a dict of pulses, t_end and optionally ramp and hint")
    pulses = protocol.get("pulses")
    if not isinstance(pulses, list):
        raise ValueError("pulses must be a list")
    out: dict[str, Any] = {"pulses": [_numbers(q, PULSE_FIELDS, f"pulse {k + 1}") for k, q in enumerate(pulses)]}
    if any(q["duration"] < 0 for q in out["pulses"]):
        raise ValueError("a pulse's duration must be >= 0 ms")
    t_end = _numbers({"t_end": protocol.get("t_end")}, ("t_end",), "the protocol")["t_end"]
    if not 0 < t_end <= MAX_T_END_MS:
        raise ValueError(f"t_end must be within (0, {MAX_T_END_MS:g}] ms, got {t_end!r}")
    out["t_end"] = t_end
    if "ramp" in protocol:
        ramp = _numbers(protocol["ramp"], RAMP_FIELDS, "the ramp")
        if ramp["slope"] <= 0 or ramp["hold"] < 0:
            raise ValueError("the ramp's slope must be > 0 and its hold >= 0 ms")
        out["ramp"] = ramp
    if "hint" in protocol:
        if not isinstance(protocol["hint"], str) or not protocol["hint"].strip():
            raise ValueError("hint must be a non-empty string")
        out["hint"] = protocol["hint"]
    return out


def simulator_setup(family: Any, params: dict[str, Any]) -> dict[str, Any] | None:
    """The HH parameters and the starting protocol of the page simulator for a problem of
    ``family`` with the printed ``params``; None when the family has no ``simulator``.

    The protocol is the family's: ``simulator(params)`` in its problem.py (problems/README.md),
    which sees only the printed parameters. A malformed one is a FamilyError naming the folder.
    """
    if not family.has_simulator:
        return None
    try:
        if not all(isinstance(params.get(k), (int, float)) and not isinstance(params.get(k), bool)
                   for k in HH_FIELDS):
            raise ValueError(f"the params must hold the HH parameters {', '.join(HH_FIELDS)}")
        protocol = checked_protocol(family.simulator(params))
    except (ValueError, KeyError, TypeError) as exc:
        raise FamilyError(f"problem.py: simulator(params): {exc}", file=family.folder) from exc
    return {"params": {k: float(params[k]) for k in HH_FIELDS}, **protocol}


def form_data(student_set: StudentSet, blank: str | None = None) -> dict[str, Any]:
    """Everything the page's script needs (JSON-ready); no reference answer. ``blank``: the
    student's blank answer file, when the caller has it (see :func:`answer_header`)."""
    a, st = student_set.assignment, student_set.student
    questions, sims = [], []
    for problem in student_set.problems:
        for pq in problem.questions:
            entry: dict[str, Any] = {"id": pq.id, "problem": problem.spec.prefix, "type": pq.type}
            if pq.type == "numeric":
                entry.update(unit_dimension(pq.unit, pq.question.prompt))
                entry["asked"] = question_unit(pq.unit, pq.question.prompt)
                if pq.question.trace_feature:
                    entry["trace"] = f"{problem.spec.prefix}-trace.csv"
            else:
                entry["labels"] = [label for label, _ in pq.labelled]
            questions.append(entry)
        setup = simulator_setup(problem.family, problem.params)
        if setup:
            sims.append({"problem": problem.spec.prefix, "number": problem.spec.number,
                         "trace": f"{problem.spec.prefix}-trace.csv", **setup})
    return {"assignment": a.id, "student": st.id, "variant": student_set.fingerprint,
            "header": answer_header(student_set, blank), "questions": questions, "simulators": sims}


@cache
def _asset(path: str) -> str:
    text = (importlib.resources.files(TEMPLATES_PACKAGE) / path).read_text(encoding="utf-8")
    if re.search(r"</(script|style)", text, re.IGNORECASE) or "<!--" in text:
        raise ValueError(f"{path} cannot be inlined: it contains a closing tag or '<!--'")
    return text


def json_for_script(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&`` left raw."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def form_head() -> Markup:
    """The inlined styles of the form and simulator (for ``<head>``)."""
    return Markup("".join(f"<style>{_asset(p)}</style>\n" for p in STYLES))


def form_body(student_set: StudentSet, blank: str | None = None) -> Markup:
    """The page's data and inlined scripts (for the end of ``<body>``; ``blank`` as for :func:`form_data`)."""
    out = [f'<script type="application/json" id="spikeset-form-data">{json_for_script(form_data(student_set, blank))}'
           "</script>\n"]
    out += [f"<script>{_asset(p)}</script>\n" for p in SCRIPTS]
    return Markup("".join(out))


def form_help(student_set: StudentSet) -> Markup:
    """How to answer, save and hand in, shown on screen above the problems (not printed)."""
    setups = [simulator_setup(p.family, p.params) for p in student_set.problems]
    has_sim = any(setups)
    ramps = " (and ramps: <em>Add a ramp</em>)" if any(s and "ramp" in s for s in setups) else ""
    sim = ("<li>Simulation problems have a simulator under them, with your parameters filled in: set the "
           f"pulses{ramps} and the duration, run, and read V(t) with the mouse. Nothing runs until you press "
           "<em>Run</em>. <em>Save trace CSV</em> keeps the "
           "curve; to have it graded too, put that file next to <code>answers.toml</code> and tick the box "
           "under the question. You may use your own tools instead: <code>pip install spikeset</code> "
           "(then <code>spikeset simulate --help</code>), NEURON or Brian2 with the same model and "
           "parameters.</li>") if has_sim else ""
    return Markup(
        '<section class="sf-help" aria-labelledby="sf-help-h"><h2 id="sf-help-h">How to answer</h2><ul>'
        "<li>Type each answer in its box: a number with a decimal point, then its unit if you like "
        "(<code>-26.90 mV</code>, <code>0.5 ms</code>), or choose an option. The box tells you at once "
        "if the grader could not read what you typed; it never tells you whether the answer is right.</li>"
        "<li>Your answers are kept in this browser on this computer. <em>Save answers.toml</em> writes the "
        "file you hand in; <em>Open answers.toml</em> continues from a saved file (on another computer, "
        "too).</li>"
        f"{sim}"
        "<li>Hand in <code>answers.toml</code> as your course says (upload it, or commit it to your "
        "repository). Keep its first lines as they are: they say whose answers these are.</li>"
        "</ul></section>\n")
