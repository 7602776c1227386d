"""Large reference answers (ion counts, ATP molecules) print in powers of ten on instructor pages."""
import pytest

from spikeset.formatting import num_html


@pytest.mark.parametrize("x, digits, sig, expected", [
    (42175722.0, 0, 4, "4.218 &times; 10<sup>7</sup>"),
    (41753964.7, 1, 5, "4.1754 &times; 10<sup>7</sup>"),
    (9.99996e6, 0, 4, "1.000 &times; 10<sup>7</sup>"),       # the mantissa rounds up to 10
    (-3.2e8, 0, 4, "\u22123.200 &times; 10<sup>8</sup>"),
    (99999.9, 1, 4, "99999.9"),                                # below 1e5: decimals as num() prints them
    (-12.345, 2, 4, "\u221212.35"),
])
def test_num_html(x, digits, sig, expected):
    assert num_html(x, digits, sig) == expected


def test_num_html_reads_back_within_its_figures():
    for x in (1.23456e5, 7.77777e9, 3.3e12):
        text = num_html(x, 0, 4).replace(" &times; 10<sup>", "e").replace("</sup>", "")
        assert float(text) == pytest.approx(x, rel=5e-4)
