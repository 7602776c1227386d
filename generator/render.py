"""HTML pages from Jinja2 templates: a student's problem set and the instructor's solutions.

Pages are self-contained: the CSS is inlined and equations and figures are embedded SVG.
"""
from __future__ import annotations

import html
import re
import importlib.resources
from functools import cache
from typing import Sequence

import jinja2
from markupsafe import Markup

from .assemble import PlacedQuestion, ProblemInstance, StudentSet
from .formatting import num, plain, unit_html
from .mathsvg import data_uri, equation_img, svg_bytes
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
    return Markup(equation_img(tex, alt, inline))


@cache
def environment() -> jinja2.Environment:
    root = importlib.resources.files(TEMPLATES_PACKAGE)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["num"] = num
    env.filters["unit"] = lambda u: Markup(unit_html(u))
    env.filters["plain"] = plain
    env.filters["css_string"] = css_string
    env.globals["math"] = _math
    # {% filter math %}...{% endfilter %} keeps TeX backslashes literal (Jinja string
    # literals would turn "\\frac" into a form feed).
    env.filters["math"] = lambda tex: _math(str(tex).strip())
    env.filters["imath"] = lambda tex: _math(str(tex).strip(), inline=True)
    return env


@cache
def stylesheet() -> str:
    return (importlib.resources.files(TEMPLATES_PACKAGE) / "style.css").read_text(encoding="utf-8")


def _answer_block(pq: PlacedQuestion) -> Markup:
    """The reference answer and accepted interval (instructor pages only)."""
    if not isinstance(pq, PlacedQuestion):
        return Markup("")
    if pq.type == "numeric":
        q = pq.question
        low, high = q.tolerance.interval(q.answer)
        digits = q.digits
        text = (f'<p class="answer"><span class="qid">{pq.id}</span> {num(q.answer, digits)} {unit_html(q.unit)}'
                f' <span class="interval">(accepted {num(min(low, high), digits + 1)} to '
                f'{num(max(low, high), digits + 1)} {unit_html(q.unit)}; {html.escape(q.tolerance.describe())})</span></p>')
    else:
        lab = pq.correct_label
        opt = pq.option_for(lab)
        text = f'<p class="answer"><span class="qid">{pq.id}</span> ({lab}) {opt.text}</p>'
    return Markup(text)


def _snippet(problem: ProblemInstance, which: str, **extra) -> Markup:
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


def _figure(problem: ProblemInstance) -> Markup | None:
    if not problem.family.has_figure:
        return None
    from matplotlib.figure import Figure
    fig = problem.family.figure(problem.params, problem.solution)
    if not isinstance(fig, Figure):
        return None
    svg = svg_bytes(fig, bbox_inches="tight")
    alt = html.escape(problem.family.figure_alt(problem.params, problem.solution), quote=True)
    caption = html.escape(getattr(fig, "spikeset_caption", "") or alt)
    m = _SVG_WIDTH.search(svg[:600].decode("ascii", "replace"))
    width = f' style="width:{float(m.group(1)) / 11.0:.2f}em"' if m else ""
    return Markup(f'<figure class="figure"><img class="figure" alt="{alt}" src="{data_uri(svg)}"{width}>'
                  f'<figcaption>{caption}</figcaption></figure>')


_SVG_WIDTH = re.compile(r'<svg[^>]*?width="([\d.]+)pt"')


def _is_long(problem: ProblemInstance, figure: Markup | None) -> bool:
    """Whether a problem may be too long for one page. Short problems are kept on one page
    (moved whole to the next); a long one starts right after the previous problem and breaks
    only between its statement, figure and questions, never inside them (moving it whole
    would leave an empty page and split it anyway)."""
    options = sum(len(pq.labelled) for pq in problem.questions)
    return figure is not None or len(problem.questions) > 4 or options > 10


def render_problem_set(student_set: StudentSet, *, paper: str = "A4") -> str:
    """The student's problem set page (HTML). Contains no reference answers."""
    problems = []
    for p in student_set.problems:
        figure = _figure(p)
        problems.append({"instance": p, "statement": _snippet(p, "statement"), "figure": figure,
                         "long": _is_long(p, figure)})
    return environment().get_template("problem_set.html.j2").render(
        s=student_set, a=student_set.assignment, student=student_set.student, problems=problems,
        css=Markup(stylesheet()), paper=paper,
        form_head=form_head(), form_help=form_help(student_set), form_body=form_body(student_set))


def render_solutions(sets: Sequence[StudentSet], *, paper: str = "A4") -> str:
    """The instructor's worked solutions for every student (HTML)."""
    entries = []
    for s in sets:
        entries.append({"set": s, "problems": [{
            "instance": p,
            "statement": _snippet(p, "statement"),
            "figure": _figure(p),
            "solution": _snippet(p, "solution", answer=_answer_block),
            "long": True,
        } for p in s.problems]})
    assignment = sets[0].assignment if sets else None
    return environment().get_template("solutions.html.j2").render(
        a=assignment, entries=entries, css=Markup(stylesheet()), paper=paper, answer=_answer_block)


def problem_parts(problem: ProblemInstance) -> tuple[Markup, Markup | None]:
    """The statement and figure of one problem as HTML fragments (for LMS exports): what the
    student reads, never a reference answer."""
    return _snippet(problem, "statement"), _figure(problem)
