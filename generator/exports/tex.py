"""Problem statements for LMS exports, with equations as TeX for the LMS's own math rendering.

The pages of a problem set draw equations as SVG pictures; an LMS renders TeX itself, so an
export carries the TeX source instead (a few dozen bytes instead of tens of kilobytes, and
text a screen reader and the LMS's editor can read):

* ``moodle``: ``\\( ... \\)`` and ``\\[ ... \\]``, read by Moodle's MathJax filter (on by
  default) and its TeX notation filter;
* ``canvas``: Canvas's own equation images, ``<img class="equation_image"
  src="/equation_images/<TeX>">``, as Canvas's equation editor writes them.
"""
from __future__ import annotations

import html
from functools import cache
from typing import Literal
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..variants.assemble import ProblemInstance

MathFlavour = Literal["moodle", "canvas"]


def tex_markup(tex: str, *, inline: bool, flavour: MathFlavour) -> Markup:
    """One equation as the LMS renders it."""
    tex = " ".join(str(tex).split())
    if flavour == "moodle":
        return Markup(("\\(" if inline else "\\[") + html.escape(tex, quote=False) + ("\\)" if inline else "\\]"))
    src = "/equation_images/" + quote(quote(tex, safe=""), safe="") + "?scale=1"
    attr = html.escape(tex, quote=True)
    img = (f'<img class="equation_image" title="{attr}" src="{src}" alt="LaTeX: {attr}" '
           f'data-equation-content="{attr}">')
    return Markup(img if inline else f'<p style="text-align:center">{img}</p>')


@cache
def _environment(flavour: MathFlavour) -> jinja2.Environment:
    from ..render.render import environment

    env = environment().overlay()
    # An overlay shares its parent's filter and global dicts: copy them before changing any.
    env.filters = dict(env.filters)
    env.globals = dict(env.globals)
    env.filters["math"] = lambda tex: tex_markup(str(tex).strip(), inline=False, flavour=flavour)
    env.filters["imath"] = lambda tex: tex_markup(str(tex).strip(), inline=True, flavour=flavour)
    env.globals["math"] = lambda tex, alt=None, inline=False: tex_markup(tex, inline=inline, flavour=flavour)
    return env


@cache
def _template(flavour: MathFlavour, folder: str, source: str) -> jinja2.Template:
    return _environment(flavour).from_string(source)


def statement_html(problem: ProblemInstance, flavour: MathFlavour) -> str:
    """What the student reads of ``problem`` (never a reference answer), equations as TeX."""
    template = _template(flavour, problem.family.folder, problem.family.statement_source)
    q = {pq.key: pq for pq in problem.questions}
    return template.render(params=problem.params, solution={}, q=q)
