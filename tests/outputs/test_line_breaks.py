"""No printed line breaks inside a quantity: "24 mS/" + "cm²", or "E_L" + "= −54.4 mV"."""
from __future__ import annotations

import re

import pytest

from spikeset.render.line_breaks import NBSP, WORD_JOINER, bind_quantities

WJ = WORD_JOINER


def test_numbers_keep_their_units_and_compound_units_stay_whole():
    html = ("<p>ḡ<sub>K</sub> = 24 mS/cm², E<sub>L</sub> = &minus;54.4 mV, rates in 1/ms, 2 µA/cm²/ms, "
            "T ≈ 6.3 °C, ±2 %</p>")
    assert bind_quantities(html) == (
        f"<p>ḡ<sub>K</sub>{NBSP}= 24{NBSP}mS/{WJ}cm², E<sub>L</sub>{NBSP}= &minus;54.4{NBSP}mV, "
        f"rates in 1/{WJ}ms, 2{NBSP}µA/{WJ}cm²/{WJ}ms, T{NBSP}≈ 6.3{NBSP}°C, ±2{NBSP}%</p>")


def test_tags_attributes_code_and_figures_are_left_alone():
    html = ('<img alt="V = 5 mV" src="data:image/svg+xml;base64,QUJD/ZGVm"><pre>dV/dt = 1 mV</pre>'
            '<svg><text>5 mV/ms</text></svg><style>a { b: 1 px }</style><script>x = 2 mV</script>')
    assert bind_quantities(html) == html


def test_the_text_reads_the_same():
    html = "<p>At 36 °C a neuron has 4.9 mM K⁺ outside; g = 8.16 mS/cm² and P<sub>Na</sub>/P<sub>K</sub>.</p>"
    plain = re.sub(r"<[^>]*>", "", bind_quantities(html)).replace(NBSP, " ").replace(WJ, "")
    assert plain == re.sub(r"<[^>]*>", "", html)


def test_a_printed_line_never_ends_inside_a_quantity():
    """Laid out by WeasyPrint in columns of many widths: no line ends in "mS/" or before "=",
    and no unit starts a line without its number."""
    pdfium = pytest.importorskip("pypdfium2")
    from spikeset.render.pdf import pdf_bytes

    # (no subscripts: the PDF's text layer puts a lowered run on a line of its own)
    sentence = ("A patch follows the model with gNa = 137 mS/cm<sup>2</sup>, gK = 24 "
                "mS/cm<sup>2</sup>, ENa = 54.6 mV and EL = &minus;54.4 mV at 6.3 °C. ")
    columns = "".join(f'<p style="width: {width}mm; margin: 0 0 4mm 0">{sentence}</p>' for width in range(40, 90, 4))
    html = f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{columns}</body></html>"
    doc = pdfium.PdfDocument(pdf_bytes(html))
    lines = [line.strip().replace(WJ, "") for page in doc
             for line in page.get_textpage().get_text_range().splitlines()]
    doc.close()
    assert len(lines) > 40
    for line in lines:
        assert not line.endswith("/") and not re.match(r"^(cm|=|mV|mS|°C)", line), line
