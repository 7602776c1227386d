"""HTML pages from Jinja2 templates: a student's problem set and the instructor's solutions.

Pages are self-contained: the CSS is inlined, equations are HTML text (:mod:`.mathhtml`; a
picture only for TeX outside its subset) and figures are embedded SVG, drawn once per student.
A family's ``figure()`` returns a :class:`~spikeset.render.chart.Chart`, drawn by
:func:`~spikeset.render.chart.chart_svg` without matplotlib; a matplotlib ``Figure`` is still
accepted (drawn through :mod:`.mathsvg`, which imports matplotlib only then), for a figure a
chart cannot describe. Rendering a page imports matplotlib only for a figure of that kind or an
equation outside mathhtml's subset.
"""
from __future__ import annotations

import html
import math
import re
import sys
import importlib.resources
from functools import cache, lru_cache
from typing import Sequence

import jinja2
from markupsafe import Markup

from ..model import NumericQuestion
from ..variants.assemble import PlacedQuestion, ProblemInstance, StudentSet
from ..formatting import formula_html, num, num_html, plain, points_number, points_text, unit_html
from .chart import Chart, chart_svg
from .datauri import data_uri
from .mathhtml import equation_html
from .page_form import form_body, form_head, form_help

TEMPLATES_PACKAGE = "spikeset.templates"


def css_string(text: object) -> Markup:
    """``text`` as a quoted CSS string, safe inside ``<style>`` (for page headers): quotes,
    backslashes, line breaks and ``<`` become CSS escapes, so no HTML entity shows on paper."""
    out = []
    for ch in str(text):
        if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


def _math(tex: str, alt: str | None = None, inline: bool = False) -> Markup:
    """An equation as HTML text where it can be (no drawing, numbers as text), else a picture."""
    text = equation_html(tex, inline)
    if text is None:
        from .mathsvg import equation_img  # matplotlib's mathtext, only for TeX outside mathhtml's subset
        text = equation_img(tex, alt, inline)
    return Markup(text)


#: The attributes of a plain dict (its methods): ``params.items`` in a template stays the method.
_DICT_ATTRIBUTES = frozenset(name for name in dir(dict) if hasattr({}, name))


class _Environment(jinja2.Environment):
    """Jinja's environment, with ``a.b`` on a plain dict (``params.g_Na``, ``q.a``) looked up
    as the item at once: Jinja tries the attribute first and catches its AttributeError, about
    half a microsecond each, thousands of times a student. Same result: an item unless the name
    is one of a dict's own attributes."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except LookupError:
                return self.undefined(obj=obj, name=attribute)
        try:  # as jinja2.Environment.getattr (inlined: it is called thousands of times a student)
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


def _unit_markup(unit) -> Markup:
    """The ``unit`` filter: a unit as HTML (``uA/cm^2`` -> ``µA/cm<sup>2</sup>``)."""
    if unit is None or type(unit) is str:  # a handful of units, thousands of times a class
        return _unit_markup_kept(unit)
    return Markup(unit_html(unit))


@lru_cache(maxsize=256)
def _unit_markup_kept(unit: str | None) -> Markup:
    return Markup(unit_html(unit))


def _points_markup(points) -> Markup:
    """The ``points`` filter: ``1.5&nbsp;pts``."""
    if type(points) is float or type(points) is int:
        return _points_markup_kept(points)
    return Markup(html.escape(points_text(points)).replace(" ", "&nbsp;"))


@lru_cache(maxsize=256)
def _points_markup_kept(points: float) -> Markup:
    return Markup(html.escape(points_text(points)).replace(" ", "&nbsp;"))


@cache
def environment() -> jinja2.Environment:
    root = importlib.resources.files(TEMPLATES_PACKAGE)
    # A family snippet may include a snippet shared by several families from a "_" folder of
    # problems/ ({% include "_simhh/hh_model.html.j2" %}).
    problems = importlib.resources.files("spikeset.problems")
    env = _Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(root)), jinja2.FileSystemLoader(str(problems))]),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["num"] = num
    env.filters["unit"] = _unit_markup
    env.filters["plain"] = plain
    env.filters["css_string"] = css_string
    env.filters["points"] = _points_markup
    env.filters["points_number"] = points_number
    env.filters["formula"] = lambda text: Markup(formula_html(str(text)))
    env.globals["math"] = _math
    # {% filter math %}...{% endfilter %} keeps TeX backslashes literal (Jinja string
    # literals would turn "\\frac" into a form feed).
    env.filters["math"] = lambda tex: _math(str(tex).strip())
    env.filters["imath"] = lambda tex: _math(str(tex).strip(), inline=True)
    return env


@cache
def stylesheet() -> str:
    return (importlib.resources.files(TEMPLATES_PACKAGE) / "style.css").read_text(encoding="utf-8")


def answer_decimals(q: NumericQuestion) -> int:
    """The decimals a reference answer is printed with: the question's ``digits``, or more where
    those would print a number outside the accepted interval (a small answer with a relative
    tolerance: 0.04256 +-1 % printed "0.043" would show a value the grader refuses), and, with a
    relative tolerance, where they would print fewer than two significant figures."""
    if not math.isfinite(q.answer):
        return q.digits
    low, high = q.tolerance.interval(q.answer)
    low, high = min(low, high), max(low, high)
    # with a relative tolerance, also at least two significant figures ("0.00080", not "0.0008")
    two_figures = q.tolerance.mode != "abs" and q.answer != 0
    least = max(q.digits, 0, 1 - math.floor(math.log10(abs(q.answer))) if two_figures else 0)
    for decimals in range(least, least + 12):
        if low <= float(f"{q.answer:.{decimals}f}") <= high:
            return decimals
    return q.digits


def _answer_block(pq: PlacedQuestion) -> Markup:
    """The reference answer and accepted interval (instructor pages only)."""
    if not isinstance(pq, PlacedQuestion):
        return Markup("")
    if pq.type == "numeric":
        q = pq.question
        low, high = q.tolerance.interval(q.answer)
        digits = answer_decimals(q)
        # the ends rounded inwards: every number printed as accepted is accepted
        scale = 10.0 ** (digits + 1)
        first, last = math.ceil(min(low, high) * scale) / scale, math.floor(max(low, high) * scale) / scale
        text = (f'<p class="answer"><span class="qid">{pq.id}</span> {num_html(q.answer, digits)} {unit_html(q.unit)}'
                f' <span class="interval">(accepted {num_html(first, digits + 1, 5)} to '
                f'{num_html(last, digits + 1, 5)} {unit_html(q.unit)}; {html.escape(q.tolerance.describe(q.unit))})</span></p>')
    else:
        lab = pq.correct_label
        opt = pq.option_for(lab)
        text = f'<p class="answer"><span class="qid">{pq.id}</span> ({lab}) {opt.text}</p>'
    return Markup(text)


def _snippet(problem: ProblemInstance, which: str, **extra) -> Markup:
    """A family's statement or solution snippet; ``extra``: more template variables (``answer``,
    ``hh_shared`` from :func:`_shared_hh_model`)."""
    env = environment()
    source = problem.family.statement_source if which == "statement" else problem.family.solution_source
    template = _compile(env, problem.family.folder + ":" + which, source)
    q = {pq.key: pq for pq in problem.questions}
    return Markup(template.render(params=problem.params, solution=problem.solution if which == "solution" else {},
                                  q=q, **extra))


_COMPILED: dict[str, jinja2.Template] = {}


def _compile(env: jinja2.Environment, name: str, source: str) -> jinja2.Template:
    if name not in _COMPILED:
        _COMPILED[name] = env.from_string(source)
    return _COMPILED[name]


def _figure_svg(problem: ProblemInstance) -> tuple[bytes, str] | None:
    """The problem's figure as SVG bytes and its caption, or None (no figure)."""
    if "matplotlib.figure" in sys.modules:
        fig = _matplotlib_figure(problem)
    else:
        fig = problem.family.figure(problem.params, problem.solution)
        if fig is not None and not isinstance(fig, Chart) and "matplotlib.figure" in sys.modules:
            fig = _matplotlib_figure(problem)  # the first matplotlib figure: again, with fixed margins
    if isinstance(fig, Chart):
        return chart_svg(fig), fig.caption
    if fig is None or "matplotlib.figure" not in sys.modules:
        return None
    from matplotlib.figure import Figure
    if not isinstance(fig, Figure):
        return None
    from .mathsvg import svg_bytes
    return svg_bytes(fig), getattr(fig, "spikeset_caption", "") or ""


def _matplotlib_figure(problem: ProblemInstance):
    """``figure()`` with matplotlib's ``tight_layout`` fixed (:func:`.mathsvg.fixed_layout`):
    no tight bounding box, which would draw the figure twice."""
    from .mathsvg import fixed_layout
    with fixed_layout():
        return problem.family.figure(problem.params, problem.solution)


def _figure(problem: ProblemInstance) -> Markup | None:
    if not problem.family.has_figure:
        return None
    drawn = _figure_svg(problem)
    if drawn is None:
        return None
    svg, caption_text = drawn
    alt = html.escape(problem.family.figure_alt(problem.params, problem.solution), quote=True)
    caption = html.escape(caption_text or alt)
    m = _SVG_WIDTH.search(svg[:600].decode("ascii", "replace"))
    width = f' style="width:{float(m.group(1)) / 11.0:.2f}em"' if m else ""
    return Markup(f'<figure class="figure"><img class="figure" alt="{alt}" src="{data_uri(svg)}"{width}>'
                  f'<figcaption>{caption}</figcaption></figure>')


def figures(student_set: StudentSet) -> dict[int, Markup | None]:
    """Each problem's figure, drawn once per student (by problem index) and shared by the
    student's page and the instructor's solutions."""
    return {p.spec.index: _figure(p) for p in student_set.problems}


_SVG_WIDTH = re.compile(r'<svg[^>]*?width="([\d.]+)pt"')


def asked_only_note(problem: ProblemInstance) -> str:
    """For a problem of which the assignment asks only some questions (``questions = [...]``),
    whose statement may still speak of the others: "Only (a), (b) and (e) are asked ..."."""
    if not problem.spec.questions:
        return ""
    every = problem.family.questions(problem.params, problem.solution)
    asked = [f"({pq.key})" for pq in problem.questions]
    if len(asked) >= len(every):
        return ""
    listed = asked[0] if len(asked) == 1 else ", ".join(asked[:-1]) + " and " + asked[-1]
    return f"Only {listed} {'is' if len(asked) == 1 else 'are'} asked in this assignment; skip the statement's other parts."


def _is_long(problem: ProblemInstance, figure: Markup | None) -> bool:
    """Whether a problem may be too long for one page. Short problems are kept on one page
    (moved whole to the next); a long one starts right after the previous problem and breaks
    only between its statement, figure and questions, never inside them (moving it whole
    would leave an empty page and split it anyway)."""
    options = sum(len(pq.labelled) for pq in problem.questions)
    return figure is not None or len(problem.questions) > 4 or options > 10


#: The snippet with which the simulation families print the HH model (problems/_simhh).
HH_MODEL_SNIPPET = "_simhh/hh_model.html.j2"
#: The id of the shared HH model box on a student's page and in their solutions.
HH_MODEL_ANCHOR = "hh-model"


def _numbers_text(numbers: Sequence[int]) -> str:
    """``[11, 12, 13]`` -> "problems 11&ndash;13"; ``[3, 7]`` -> "problems 3 and 7"."""
    if len(numbers) > 2 and list(numbers) == list(range(numbers[0], numbers[-1] + 1)):
        return f"problems {numbers[0]}&ndash;{numbers[-1]}"
    head = ", ".join(str(n) for n in numbers[:-1])
    return f"problems {head} and {numbers[-1]}"


@cache
def _hh_equations_html() -> str:
    """The HH model's equations as the shared box prints them (the same for every student)."""
    return environment().get_template("_simhh/hh_equations.html.j2").render(shared=True)


def _shared_hh_model(problems: Sequence[ProblemInstance], *, anchor: str, heading: str
                     ) -> tuple[dict | None, int | None, Markup]:
    """The HH model printed once for the set when two or more of its problems print it.

    Returns (``hh_shared`` for those problems' statements, the index of the problem the box
    goes before, the box). A statement given ``hh_shared`` prints a reference to the box, its
    own phi and its resting states instead of the whole model (see _simhh/hh_model.html.j2).
    With fewer than two such problems each statement prints the whole model: (None, None, "").
    """
    users = [p for p in problems if HH_MODEL_SNIPPET in p.family.statement_source]
    if len(users) < 2:
        return None, None, Markup("")
    shared = {"anchor": anchor, "first": users[0].spec.number}
    equations = _hh_equations_html()
    numbers = _numbers_text([p.spec.number for p in users])
    box = (f'<section class="hh-shared" id="{anchor}" aria-labelledby="{anchor}-h">'
           f'<{heading} id="{anchor}-h">The Hodgkin&ndash;Huxley model <span class="points">(used by '
           f'{numbers})</span></{heading}>\n<div class="hh-model">{equations}</div></section>\n')
    return shared, users[0].spec.index, Markup(box)


def statements(student_set: StudentSet) -> dict[int, Markup]:
    """Each problem's statement (HTML), rendered once per student (by problem index) and shared
    by the student's page and the instructor's solutions (which print the shared HH model box
    with the same anchor, :data:`HH_MODEL_ANCHOR`)."""
    hh_shared, _, _ = _shared_hh_model(student_set.problems, anchor=HH_MODEL_ANCHOR, heading="h2")
    return {p.spec.index: _snippet(p, "statement", hh_shared=hh_shared) for p in student_set.problems}


def render_problem_set(student_set: StudentSet, *, paper: str = "A4",
                       drawn: dict[int, Markup | None] | None = None,
                       stated: dict[int, Markup] | None = None, blank: str | None = None) -> str:
    """The student's problem set page (HTML). Contains no reference answers.

    ``drawn``: the student's figures from :func:`figures`; ``stated``: the statements from
    :func:`statements` (both made here when not given); ``blank``: the student's blank answer
    file (:func:`~spikeset.grade.answer_file.blank_answer_file`), when the caller has it."""
    drawn = figures(student_set) if drawn is None else drawn
    stated = statements(student_set) if stated is None else stated
    _, hh_before, hh_box = _shared_hh_model(student_set.problems, anchor=HH_MODEL_ANCHOR, heading="h2")
    problems = []
    for p in student_set.problems:
        figure = drawn.get(p.spec.index)
        problems.append({"instance": p, "statement": stated[p.spec.index], "figure": figure,
                         "long": _is_long(p, figure), "before": hh_box if p.spec.index == hh_before else "",
                         "asked_only": asked_only_note(p)})
    return environment().get_template("problem_set.html.j2").render(
        s=student_set, a=student_set.assignment, student=student_set.student, problems=problems,
        css=Markup(stylesheet()), paper=paper,
        form_head=form_head(), form_help=form_help(student_set), form_body=form_body(student_set, blank))


def render_solutions(sets: Sequence[StudentSet], *, paper: str = "A4",
                     drawn: Sequence[dict[int, Markup | None]] | None = None,
                     stated: Sequence[dict[int, Markup]] | None = None) -> str:
    """The instructor's worked solutions for the students of ``sets`` (HTML): ``generate``
    writes one such page per student (``drawn``, ``stated``: their figures and statements, as
    for :func:`render_problem_set`)."""
    entries = []
    for i, s in enumerate(sets):
        figs = figures(s) if drawn is None else drawn[i]
        # One student's solutions use the page's anchor (their statements are the page's); a page of
        # several students numbers its boxes.
        anchor = HH_MODEL_ANCHOR if len(sets) == 1 else f"{HH_MODEL_ANCHOR}-{i + 1}"
        hh_shared, hh_before, hh_box = _shared_hh_model(s.problems, anchor=anchor, heading="h3")
        if stated is not None:
            texts = stated[i]
        else:
            texts = {p.spec.index: _snippet(p, "statement", hh_shared=hh_shared) for p in s.problems}
        entries.append({"set": s, "problems": [{
            "instance": p,
            "statement": texts[p.spec.index],
            "figure": figs.get(p.spec.index),
            "solution": _snippet(p, "solution", answer=_answer_block),
            "long": True,
            "before": hh_box if p.spec.index == hh_before else "",
        } for p in s.problems]})
    assignment = sets[0].assignment if sets else None
    return environment().get_template("solutions.html.j2").render(
        a=assignment, entries=entries, css=Markup(stylesheet()), paper=paper, answer=_answer_block)


def render_solutions_index(assignment, students: Sequence, *, pdf: bool, paper: str = "A4") -> str:
    """The instructor's index of the per-student solution pages (a line per student)."""
    return environment().get_template("solutions_index.html.j2").render(
        a=assignment, students=students, pdf=pdf, css=Markup(stylesheet()), paper=paper)


def problem_parts(problem: ProblemInstance) -> tuple[Markup, Markup | None]:
    """The statement and figure of one problem as HTML fragments (for LMS exports): what the
    student reads, never a reference answer."""
    return _snippet(problem, "statement"), _figure(problem)


def problem_figure(problem: ProblemInstance) -> Markup | None:
    """The figure of one problem as an HTML ``<figure>`` (for LMS exports), or None."""
    return _figure(problem)
