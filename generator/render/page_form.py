"""The answer form and HH simulator of a student's ``problems.html``: data and inlined assets.

The page stays one self-contained file that works offline: the form's script and style, the
simulator and the vendored plotting library (uPlot, see ``templates/vendor/VENDORED.md``) are
inlined, and what the script needs to know about this student's set travels as JSON in the page:
per question its id, kind and the unit dimension the grader accepts; the answer file's header
(taken verbatim from :func:`~spikeset.grade.answer_file.blank_answer_file`, so the saved file is the one
the grader reads); and, for simulation problems, the printed HH parameters and protocol.

Nothing here is a reference answer: only what the printed sheet already shows.
"""
from __future__ import annotations

import importlib.resources
import json
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
SCRIPTS = ("vendor/uplot/uPlot.iife.min.js", "form/hhsim.js", "form/form.js")
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


def _number(params: dict[str, Any], *names: str, default: float = 0.0) -> float:
    """The first of ``names`` that ``params`` holds as a number, else ``default``."""
    for name in names:
        value = params.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return default


def _pulse_protocol(params: dict[str, Any]) -> dict[str, Any]:
    """A pulse, or a step: the printed amplitude (0 where the student must find it, a threshold),
    onset and duration, and the printed duration of the simulation."""
    start = _number(params, "start_ms", "step_start_ms", default=5.0)
    if "duration_ms" in params:
        pulse = {"amplitude": _number(params, "amplitude"), "start": start,
                 "duration": _number(params, "duration_ms")}
    else:
        pulse = {"amplitude": _number(params, "amplitude", "step_amplitude"), "start": start,
                 "duration": _number(params, "step_ms", default=50.0)}
    t_end = _number(params, "t_end_ms")
    if t_end <= 0:
        t_end = max(50.0, pulse["start"] + pulse["duration"] + 30.0)
    return {"pulses": [pulse], "t_end": t_end}


def _hyperpolarizing_step_protocol(params: dict[str, Any]) -> dict[str, Any]:
    """The step of the statement at amplitude 0 (the student types -|I|: the magnitude is what
    they search for, or, for the printed |I|, what they run themselves), its onset and duration,
    and the response window after the release."""
    start, duration = _number(params, "start_ms", default=5.0), _number(params, "duration_ms")
    return {"pulses": [{"amplitude": 0.0, "start": start, "duration": duration}],
            "t_end": start + duration + _number(params, "window_ms", default=30.0),
            "hint": "A hyperpolarizing step is a pulse of negative amplitude: for |I| = 2, type −2."}


def _step_and_ramp_protocol(params: dict[str, Any]) -> dict[str, Any]:
    """The step of the statement at amplitude 0 (its threshold is asked); "Add a ramp" adds the
    ramp of the statement to the printed final current, at the printed slope that does not fire
    (the critical slope is asked: the student changes the slope)."""
    start, hold = _number(params, "start_ms", default=5.0), _number(params, "hold_ms", default=50.0)
    return {"pulses": [{"amplitude": 0.0, "start": start, "duration": hold}], "t_end": start + hold + 30.0,
            "ramp": {"start": start, "slope": _number(params, "slow_slope", default=1.0),
                     "final": _number(params, "final_current"), "hold": hold},
            "hint": "Add a ramp for the ramp protocol; set an unused step's amplitude to 0 or remove it."}


#: The starting protocols of the page simulator, by the name a family gives as ``SIMULATOR`` in
#: its problem.py (see problems/README.md).
SIMULATOR_PROTOCOLS = {"pulse": _pulse_protocol, "hyperpolarizing-step": _hyperpolarizing_step_protocol,
                       "step-and-ramp": _step_and_ramp_protocol}


def simulator_setup(params: dict[str, Any], protocol: str = "pulse") -> dict[str, Any] | None:
    """The HH parameters and a starting protocol for the page simulator, from a simulation
    family's printed parameters; None when the problem has no HH patch.

    The protocol (one of :data:`SIMULATOR_PROTOCOLS`) is the first one the statement describes; an
    amplitude the student must find (a threshold) starts at 0. Nothing is searched for the student.
    """
    if not all(isinstance(params.get(k), (int, float)) for k in HH_FIELDS):
        return None
    if protocol not in SIMULATOR_PROTOCOLS:
        raise ValueError(f"unknown simulator protocol {protocol!r}; known: {', '.join(SIMULATOR_PROTOCOLS)}")
    return {"params": {k: float(params[k]) for k in HH_FIELDS}, **SIMULATOR_PROTOCOLS[protocol](params)}


def family_simulator(family: Any) -> str | None:
    """The starting protocol of a family's page simulator (``SIMULATOR`` in its problem.py), or None."""
    protocol = getattr(family.module, "SIMULATOR", None)
    if protocol is not None and protocol not in SIMULATOR_PROTOCOLS:
        raise FamilyError(f"problem.py: SIMULATOR must be one of {', '.join(SIMULATOR_PROTOCOLS)}, "
                          f"got {protocol!r}", file=family.folder)
    return protocol


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
                if pq.question.trace_feature:
                    entry["trace"] = f"{problem.spec.prefix}-trace.csv"
            else:
                entry["labels"] = [label for label, _ in pq.labelled]
            questions.append(entry)
        protocol = family_simulator(problem.family)
        setup = simulator_setup(problem.params, protocol) if protocol else None
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
    protocols = {family_simulator(p.family) for p in student_set.problems} - {None}
    has_sim = bool(protocols)
    ramps = " (and ramps: <em>Add a ramp</em>)" if "step-and-ramp" in protocols else ""
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
