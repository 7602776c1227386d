"""The feedback of a choice option and of a typical wrong number, in the Moodle and Canvas exports,
is typeset as the question text is (g<sub>Na</sub>, E<sub>K</sub>, τ, a minus sign), and reaches
each LMS as the format requires: Moodle's Cloze (CDATA; entities decoded once by the importer) and
Canvas's QTI (HTML as XML text; the importer's plain-text copy reads the same)."""
from __future__ import annotations

import html
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest

from spikeset.exports import LmsProblem, _choice, _numeric
from spikeset.exports.moodle import cloze_html, moodle_xml
from spikeset.exports.qti import qti_zip
from spikeset.model import ChoiceQuestion, Misconception, NumericQuestion, Option, Tolerance
from spikeset.variants.assemble import PlacedQuestion

from .test_exports import _canvas_plain, _cloze_parts, _mattexts, _text_content

SWAP = "You took g_{Na} for g_K: at rest E_K dominates & tau_m < 1 ms."
SWAP_HTML = "You took g<sub>Na</sub> for g<sub>K</sub>: at rest E<sub>K</sub> dominates &amp; τ<sub>m</sub> &lt; 1 ms."
SWAP_READ = "You took gNa for gK: at rest EK dominates & τm < 1 ms."
NERNST = "You used g_Na in place of E_Na - V {sic} ~ #2."
NERNST_HTML = "You used g<sub>Na</sub> in place of E<sub>Na</sub> \u2212 V {sic} ~ #2."


@pytest.fixture(scope="module")
def parts():
    base = dict(assignment_id="a", problem_number=1, problem_title="Conductances", variant="variant-001", points=2.0)
    options = (Option("k", "potassium", correct=True), Option("na", "sodium", misconception=Misconception("swap", SWAP)))
    choice_pq = PlacedQuestion(id="p1.a", question=ChoiceQuestion("a", "Which conductance dominates at rest?", options),
                               points=2.0, labelled=(("A", options[0]), ("B", options[1])))
    number_pq = PlacedQuestion(id="p1.b", question=NumericQuestion(
        "b", "E_K", -89.0, "mV", Tolerance("rel", 0.01), misconceptions=(Misconception("na", NERNST, -30.0),)),
        points=2.0)
    return (_choice({**base, "qid": "p1.a"}, choice_pq, "<p>statement</p>", None),
            _numeric({**base, "qid": "p1.b"}, number_pq, "<p>statement</p>", None))


def test_feedback_is_typeset_as_the_prompt(parts):
    choice, number = parts
    assert choice.options[1].feedback == SWAP and choice.options[1].feedback_html == SWAP_HTML
    assert choice.options[0].feedback_html == "Correct."
    assert number.wrong[0].feedback_html == NERNST_HTML


def test_moodle_stores_the_typeset_feedback(parts):
    xml = moodle_xml([LmsProblem("a", 1, "Conductances", "variant-001", 4.0, "<p>statement</p>", None, parts)],
                     title="T", assignment_id="a")
    text = ET.fromstring(xml).find("question[@type='cloze']/questiontext/text").text
    assert f"<![CDATA[{text}]]>" in xml.decode()
    (_, kind_b, alts_b), (_, kind_n, alts_n) = _cloze_parts(text)  # entities decoded once, as Moodle does
    assert kind_b == "MULTICHOICE_V" and [a for _, a, _ in alts_b] == ["potassium", "sodium"]
    assert [fb for _, _, fb in alts_b] == ["Correct.", SWAP_HTML]
    assert "<sub>Na</sub>" in alts_b[1][2] and _text_content(alts_b[1][2]) == SWAP_READ
    assert kind_n == "NUMERICAL" and alts_n[1][2] == NERNST_HTML
    assert _text_content(alts_n[1][2]) == "You used gNa in place of ENa \u2212 V {sic} ~ #2."


def test_canvas_keeps_the_typeset_feedback_as_html(parts):
    package = qti_zip(list(parts), title="T", assignment_id="a")
    feedbacks = [t for where, t in _mattexts(package) if where == "feedback"]
    swap = [t for t in feedbacks if "You took" in t]
    assert len(swap) == 1 and "g<sub>Na</sub>" in swap[0] and "E<sub>K</sub>" in swap[0]
    assert _text_content(swap[0]) == SWAP_READ and _canvas_plain(swap[0]) == SWAP_READ
    mistakes = [t for t in feedbacks if "Common mistakes" in t]
    assert len(mistakes) == 1 and "<li>You used g<sub>Na</sub> in place of E<sub>Na</sub>" in mistakes[0]
    assert _canvas_plain(mistakes[0]) == _text_content(mistakes[0])
    z = zipfile.ZipFile(io.BytesIO(package))
    raw = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert b"g&lt;sub&gt;Na&lt;/sub&gt;" in raw  # HTML as XML text, as QTI's mattext holds it


@pytest.mark.parametrize("typeset", [SWAP_HTML, NERNST_HTML, "a &lt; b &amp; c } ~ # \\} &#126;", ""])
def test_cloze_html_round_trips(typeset):
    escaped = cloze_html(typeset)
    assert not set("}~") & set(escaped) and "#" not in escaped.replace("&#", "")
    assert html.unescape(escaped) == typeset  # what Moodle stores: the HTML as written
