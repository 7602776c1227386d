"""Equations as HTML text (spikeset.render.mathhtml): structure, escaping, the picture fallback, and that
every equation of the built-in assignment is text (no per-student pictures)."""
from __future__ import annotations

import re

from spikeset.render.mathhtml import equation_html
from spikeset.render.render import _math


def _text(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)


def test_fraction_subscripts_and_signs():
    out = equation_html(r"E_{\mathrm{K}} = \frac{RT}{zF}\,\ln\frac{5.0\ \mathrm{mM}}{140\ \mathrm{mM}} = -88.4\ \mathrm{mV}")
    assert out.startswith('<div class="equation"><span class="m">')
    assert '<i>E</i><sub><span class="rm">K</span></sub>' in out
    assert '<span class="fr"><span class="fn"><i>RT</i></span><span class="fd"><i>zF</i></span></span>' in out
    assert '<span class="fn-name">ln</span>' in out
    text = _text(out)
    assert "= \u221288.4" in text and "-" not in text  # a true minus sign, spaced relations
    assert "5.0\u00a0" not in text and "5.0 mM" in text


def test_unary_and_binary_minus_and_operators():
    text = _text(equation_html(r"V - E = -65.0 - (-77.0) \times 2", inline=True))
    assert text == "V\u2009\u2212\u2009E = \u221265.0\u2009\u2212\u2009(\u221277.0) \u00d7 2"


def test_markup_in_tex_is_escaped():
    out = equation_html(r"a < b \quad c > d", inline=True)
    assert "&lt;" in out and "&gt;" in out and "<b" not in out.replace("<b>", "")


def test_unsupported_tex_falls_back_to_a_picture():
    assert equation_html(r"\begin{matrix} a \end{matrix}") is None
    assert equation_html(r"\frac{a}{b") is None
    assert '<img class="eq"' in str(_math(r"\mathcal{L} = 1"))
    assert '<span class="m">' in str(_math(r"x = 1"))


def test_every_equation_of_the_built_in_assignment_is_text(monkeypatch):
    import spikeset.render.render as render
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import load_assignment
    from spikeset.cli.demo import default_files
    from spikeset.render.render import render_problem_set, render_solutions
    from spikeset.variants.roster import Student

    typeset: list[str] = []
    real = render.equation_html
    monkeypatch.setattr(render, "equation_html", lambda tex, inline=False: typeset.append(tex) or real(tex, inline))
    s = assemble(load_assignment(default_files()[0]), [Student("m001")], b"mathhtml-test-secret-0123")[0]
    for render_page in (lambda: render_problem_set(s), lambda: render_solutions([s])):
        typeset.clear()
        page = render_page()
        assert '<img class="eq' not in page
        assert len(typeset) >= 10, "the built-in assignment's statements typeset equations"
        assert page.count('<span class="m">') >= len(typeset), "every equation typeset is text"
        text = _text(re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S))  # the page's words, not its code
        assert "\\" not in text  # no TeX left over
