"""Equations typeset once per shape (numbers as slots, filled in afterwards) equal the whole
equation typeset directly, whatever the numbers."""
from __future__ import annotations

import random
import re

from spikeset.render.mathhtml import _TOKEN, _typeset, equation_html

EQUATIONS = [
    r"E_{K} = \frac{RT}{zF}\,\ln\frac{[K]_o}{[K]_i} = 25.42\ \mathrm{mV} \times \ln\frac{5.5}{142.8}",
    r"g_{Na} = \bar{g}_{Na}\,m^3 h = 120\ \mathrm{mS/cm^2} \times 0.053^3 \times 0.596",
    r"\phi = 3^{(18.5 - 6.3)/10} = 3.8214",
    r"\tau_{n} = \frac{1}{\phi\,(\alpha_{n} + \beta_{n})} = \frac{1}{0.05812 + 0.12461}\ \mathrm{ms}",
    r"I = g\,(V - E) = 0.66 \times (-37.9 - (-85.3)) = 31.28\ \mu\mathrm{A/cm^2}",
    r"\left.\frac{dV}{dt}\right|_{V=-65} = 12.5\ \mathrm{V/s}",
    r"V_{1/2} = -40.0\,\mathrm{mV},\quad k = 9.0",
    r"10^{-3}\ \mathrm{S} = 1\ \mathrm{mS}",
    r"\text{step of 50 ms at 12.5 uA}",
    r"\sqrt{2 \cdot 3.5} \approx 2.65, \quad 37^\circ\mathrm{C}",
]
NUMBER = re.compile(r"[0-9.]*[0-9][0-9.]*")
SPELLINGS = ["0", "1", "7", "12.5", "0.053", ".5", "5.", "1.2.3", "007", "100000", "3.14159265358979"]


def direct(tex: str, inline: bool) -> str | None:
    return _typeset(tuple(_TOKEN.findall(tex)), inline)


def test_shapes_equal_the_whole_equation_typeset():
    rng = random.Random(11)
    varied = sorted({NUMBER.sub(lambda m: rng.choice(SPELLINGS), tex) for tex in EQUATIONS for _ in range(60)})
    assert len(varied) > 300
    equation_html.cache_clear()
    _typeset.cache_clear()
    got = {(tex, inline): equation_html(tex, inline) for tex in varied for inline in (False, True)}
    assert _typeset.cache_info().currsize <= 2 * len(EQUATIONS)   # one typesetting per shape
    for (tex, inline), html in got.items():
        assert html is not None and html == direct(tex, inline), tex


def test_numbers_keep_their_place_and_spelling():
    html = equation_html(r"\frac{12.50}{3} + 007 = x_{2}", True)
    assert html == '<span class="m"><span class="fr"><span class="fn">12.50</span><span class="fd">3</span></span>' \
                   '\u2009+\u2009007 = <i>x</i><sub>2</sub></span>'


def test_a_lone_dot_and_unsupported_input():
    assert equation_html(r"\left.\frac{a}{b}\right|_{0}") == direct(r"\left.\frac{a}{b}\right|_{0}", False)
    assert equation_html(r"\unknown{1}") is None
    assert equation_html("1 \x00 2") == direct("1 \x00 2", False)
