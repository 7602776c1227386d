"""LMS exports checked structurally against each importer's format.

Moodle XML: element names and semantics as read by Moodle's importer
(question/format/xml/format.php: import_headers, import_numerical, import_multichoice,
import_category, import_files). Canvas QTI 1.2: the IMS content-packaging manifest and QTI ASI
1.2 items as Canvas itself exports them (numerical ranges as vargte/varlte, question groups as
sections with selection_number and points_per_item).
"""
from __future__ import annotations

import base64
import html
import io
import math
import re
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser

import pytest

from spikeset.variants.assemble import PlacedQuestion, assemble
from spikeset.variants.assignment import load_assignment
from spikeset.exports import (choose_scale, lms_problems, lms_questions, scaled_unit, unit_display,
                              variant_students)
from spikeset.exports.moodle import moodle_xml
from spikeset.exports.qti import CP_NS, QTI_NS, canvas_html, qti_zip
from spikeset.formatting import formula_html, plain_feedback
from spikeset.model import Misconception, NumericQuestion, Tolerance

from .conftest import SECRET

N = 3
Q = {"q": QTI_NS}
C = {"c": CP_NS}


@pytest.fixture(scope="module")
def lms(assignment):
    return lms_questions(assignment, N, SECRET)


@pytest.fixture(scope="module")
def reference(assignment):
    """The grader's view of the same variants: qid -> variant -> PlacedQuestion."""
    sets = assemble(assignment, variant_students(N), SECRET)
    return {qid: {s.student.id: s.questions[qid] for s in sets} for qid in sets[0].questions}


@pytest.fixture(scope="module")
def problems(assignment):
    return lms_problems(assignment, N, SECRET, flavour="moodle")


@pytest.fixture(scope="module")
def moodle(problems, assignment):
    return moodle_xml(problems, title=assignment.title, assignment_id=assignment.id)


@pytest.fixture(scope="module")
def qti(lms, assignment):
    return qti_zip(lms, title=assignment.title, assignment_id=assignment.id)


def _float(text: str) -> float:
    return float(text)


# ------------------------------------------------------------------ Moodle

# Moodle's Cloze syntax (qtype_multianswer): {weight:TYPE:alternative~alternative...}, an
# alternative being [=|%n%]answer[#feedback]; answers end at an unescaped ~ # }.
CLOZE = re.compile(r"\{(\d*):(NUMERICAL|MULTICHOICE_V):((?:[^}\\]|\\.)*)\}", re.S)
ALTERNATIVE = re.compile(r"(=|%(-?\d+)%)?((?:[^~#\\&]|\\.|&#?\w+;|&)+?)(?:#((?:[^~\\]|\\.)*))?(?=~|$)", re.S)


def _cloze_parts(text: str) -> list[tuple[int, str, list[tuple[float, str, str]]]]:
    parts = []
    for weight, kind, body in CLOZE.findall(text):
        alts = [(1.0 if m.group(1) == "=" else float(m.group(2) or 0) / 100, html.unescape(m.group(3)),
                 html.unescape(m.group(4) or "")) for m in ALTERNATIVE.finditer(body)]
        parts.append((int(weight), kind, alts))
    return parts


def _scale(exported: float, pq: PlacedQuestion, text: str) -> float:
    """The factor a part was exported with: a power of 1000 (a smaller unit for small values),
    and the question text names that unit."""
    k = round(math.log(abs(exported / pq.question.answer), 1000)) if pq.question.answer else 0
    assert 0 <= k <= 3
    unit, factor = scaled_unit(pq.question.unit, k)
    if pq.question.unit:
        assert unit_display(unit) in text
    return factor


def test_moodle_keeps_each_problem_whole(moodle, reference, assignment):
    """One category per problem with its N variants; each variant is one Cloze question whose
    parts all come from that variant (the same cell), worth the problem's points."""
    quiz = ET.fromstring(moodle)
    assert quiz.tag == "quiz"
    category = None
    per_problem: dict[str, int] = {}
    for q in quiz.findall("question"):
        if q.get("type") == "category":
            category = q.findtext("category/text")
            assert category.startswith("$course$/top/") and category.count("/") == 3
            continue
        assert q.get("type") == "cloze"
        aid, pnum, variant = q.findtext("name/text").split()
        assert aid == assignment.id and re.fullmatch(r"variant-\d{3}", variant)
        assert category.split("/")[-1].startswith(f"Problem {pnum[1:]}:")
        per_problem[pnum] = per_problem.get(pnum, 0) + 1
        text = q.findtext("questiontext/text")
        parts = _cloze_parts(text)
        refs = [pq for qid, by_variant in reference.items() if qid.startswith(pnum + ".")
                for pq in [by_variant[variant]]]
        assert len(parts) == len(refs)
        points = [pq.points for pq in refs]
        weights = [w for w, _, _ in parts]
        assert [w / sum(weights) for w in weights] == pytest.approx([p / sum(points) for p in points])
        for (weight, kind, alts), pq in zip(parts, refs):
            if pq.type == "numeric":
                assert kind == "NUMERICAL"
                fraction, answer, feedback = alts[0]
                centre, tol = (float(x) for x in answer.split(":"))
                low, high = (x * _scale(centre, pq, text) for x in pq.question.tolerance.interval(pq.question.answer))
                assert fraction == 1 and feedback == "Correct."
                assert (centre - tol, centre + tol) == (pytest.approx(min(low, high), rel=1e-7, abs=1e-12),
                                                        pytest.approx(max(low, high), rel=1e-7, abs=1e-12))
                assert all(f == 0 for f, _, _ in alts[1:])
                # the HTML Moodle stores (entities decoded once): the feedback typeset as the prompt is
                assert {fb for _, _, fb in alts[1:]} <= {formula_html(plain_feedback(m.feedback))
                                                         for m in pq.question.misconceptions}
            else:
                assert kind == "MULTICHOICE_V"
                texts = [a.replace("\\}", "}").replace("\\#", "#") for _, a, _ in alts]
                assert texts == [opt.text for _, opt in pq.labelled], "the variant's own option order"
                assert [f for f, _, _ in alts] == [1.0 if opt.correct else 0.0 for _, opt in pq.labelled]
    assert per_problem == {f"p{spec.number}": N for spec in assignment.problems}


def test_moodle_text_survives_the_importer(moodle, problems):
    """Question text is CDATA (Moodle's XML reader drops whitespace-only runs between escaped
    entities), equations are TeX for Moodle's MathJax filter, and no picture of an equation is
    embedded."""
    text = moodle.decode()
    assert text.count("<![CDATA[") >= len(problems)
    assert "data:image" not in text
    assert "\\(" in text or "\\[" in text
    quiz = ET.fromstring(moodle)
    for q in quiz.findall("question[@type='cloze']"):
        body = q.findtext("questiontext/text")
        files = {f.get("name"): base64.b64decode(f.text) for f in q.findall("questiontext/file")}
        for ref in re.findall(r"@@PLUGINFILE@@/([^\"']+)", body):
            assert ref in files and b"<svg" in files[ref]
        lp = next(p for p in problems if p.name == q.findtext("name/text"))
        assert lp.statement in body, "the statement reaches Moodle verbatim"


def test_moodle_carries_misconception_feedback(moodle):
    text = html.unescape(html.unescape(moodle.decode()))
    assert "You used log10 instead of the natural logarithm" in text or "You inverted" in text
    assert "You computed E \u2212 V" in text  # typeset as the question text: a minus sign


def test_cloze_escaping_round_trips():
    """Feedback and option text with Cloze delimiters and markup come back as written."""
    from spikeset.exports.moodle import _option_escape, cloze_escape

    feedback = "E < V & {x} ~ #1"
    once = html.unescape(cloze_escape(feedback))          # Moodle decodes entities once...
    assert html.unescape(once) == feedback                # ...and shows the stored HTML as text
    assert not set("}~") & set(cloze_escape(feedback))
    option = "\\(\\frac{a}{b}\\) &lt; 1 # ~"
    escaped = _option_escape(option)
    assert "~" not in escaped and "}" not in escaped.replace("\\}", "")
    assert html.unescape(escaped).replace("\\}", "}").replace("\\#", "#") == option


def test_exports_are_reproducible(assignment, moodle, qti):
    again = lms_problems(assignment, N, SECRET, flavour="moodle")
    assert moodle_xml(again, title=assignment.title, assignment_id=assignment.id) == moodle
    assert qti_zip(lms_questions(assignment, N, SECRET), title=assignment.title, assignment_id=assignment.id) == qti


def test_concept_quiz_parts_are_distinct(tmp_path):
    """A concept problem's parts are different questions in Moodle (one Cloze question per
    variant) and in Canvas (each question in one pool only)."""
    a = tmp_path / "quiz.toml"
    a.write_text('id = "q"\ntitle = "Quiz"\n[[problems]]\nfamily = "concepts"\npoints = 6\n'
                 'params = { n = 6 }\n', encoding="utf-8")
    quiz = load_assignment(a)
    for lp in lms_problems(quiz, 4, SECRET, flavour="moodle"):
        prompts = [part.prompt for part in lp.parts]
        assert len(set(prompts)) == len(prompts)
    from spikeset.exports.qti import _identity, distinct_pools
    pools = distinct_pools(lms_questions(quiz, 8, SECRET))
    seen: dict[str, str] = {}
    for qid, items in pools.items():
        for lq in items:
            assert seen.setdefault(_identity(lq), qid) == qid, "a question sits in one pool only"
    assert len(pools) == 6 and all(pools.values())


def test_one_unit_per_part_for_every_variant():
    """A pool never asks one variant in mS/cm2 and the next in uS/cm2."""
    from types import SimpleNamespace as NS
    from spikeset.exports import part_scales

    def student(answer):
        q = NumericQuestion("a", "g", answer, "mS/cm^2", Tolerance("rel", 0.01))
        return NS(questions={"p1.a": NS(id="p1.a", type="numeric", question=q)})

    assert part_scales([student(0.5), student(0.002)]) == {"p1.a": ("uS/cm^2", 1000.0)}
    assert part_scales([student(0.5), student(0.3)]) == {"p1.a": ("mS/cm^2", 1.0)}


# ------------------------------------------------------------------ Canvas QTI

def test_qti_package_manifest(qti):
    z = zipfile.ZipFile(io.BytesIO(qti))
    names = set(z.namelist())
    manifest = ET.fromstring(z.read("imsmanifest.xml"))
    assert manifest.tag == f"{{{CP_NS}}}manifest"
    resources = manifest.findall("c:resources/c:resource", C)
    qti_res = [r for r in resources if r.get("type") == "imsqti_xmlv1p2"]
    assert len(qti_res) == 1
    href = qti_res[0].find("c:file", C).get("href")
    assert href in names
    media = {r.find("c:file", C).get("href") for r in resources if r.get("type") == "webcontent"}
    assert media == {n for n in names if n.startswith("media/")}  # figures only: equations are TeX
    assessment = z.read(href).decode()
    for ref in re.findall(r"\$IMS-CC-FILEBASE\$/([^\"'<>]+)", assessment):
        assert ref in names
    assert "data:image" not in assessment
    assert 'class="equation_image"' in html.unescape(assessment), "equations as Canvas equation images (TeX)"
    dep = qti_res[0].find("c:dependency", C).get("identifierref")
    meta = next(r for r in resources if r.get("identifier") == dep)
    assert meta.get("type") == "associatedcontent/imscc_xmlv1p1/learning-application-resource"
    quiz = ET.fromstring(z.read(meta.get("href")))
    ns = {"k": "http://canvas.instructure.com/xsd/cccv1p0"}
    assert quiz.findtext("k:title", namespaces=ns) and float(quiz.findtext("k:points_possible", namespaces=ns)) == 14


def test_qti_items(qti, reference):
    z = zipfile.ZipFile(io.BytesIO(qti))
    href = next(n for n in z.namelist() if n.endswith(".xml") and n != "imsmanifest.xml")
    root = ET.fromstring(z.read(href))
    assert root.tag == f"{{{QTI_NS}}}questestinterop"
    assessment = root.find("q:assessment", Q)
    top = assessment.find("q:section", Q)
    groups = top.findall("q:section", Q)
    assert len(groups) == len(reference)
    idents = set()
    for g in groups:
        sel = g.find("q:selection_ordering/q:selection", Q)
        assert sel.findtext("q:selection_number", namespaces=Q) == "1"
        items = g.findall("q:item", Q)
        assert len(items) == N
        for item in items:
            assert item.get("ident") not in idents
            idents.add(item.get("ident"))
            _, qid, variant = item.get("title").split()
            pq = reference[qid][variant]
            meta = {f.findtext("q:fieldlabel", namespaces=Q): f.findtext("q:fieldentry", namespaces=Q)
                    for f in item.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", Q)}
            assert float(meta["points_possible"]) == pytest.approx(pq.points)
            assert float(sel.findtext("q:selection_extension/q:points_per_item", namespaces=Q)) == \
                pytest.approx(pq.points)
            conds = item.findall("q:resprocessing/q:respcondition", Q)
            scoring = [c for c in conds if c.find("q:setvar", Q) is not None]
            assert len(scoring) == 1 and scoring[0].findtext("q:setvar", namespaces=Q) == "100"
            assert scoring[0].get("continue") == "No"
            feedback_ids = {f.get("ident") for f in item.findall("q:itemfeedback", Q)}
            for d in item.findall(".//q:displayfeedback", Q):
                assert d.get("linkrefid") in feedback_ids
            if meta["question_type"] == "numerical_question":
                assert pq.type == "numeric"
                assert item.find("q:presentation/q:response_str/q:render_fib", Q).get("fibtype") == "Decimal"
                ranges = [c for c in conds if c.find("q:conditionvar/q:vargte", Q) is not None]
                assert ranges == scoring, "Canvas reads every range as a right answer"
                lo = float(scoring[0].findtext("q:conditionvar/q:vargte", namespaces=Q))
                hi = float(scoring[0].findtext("q:conditionvar/q:varlte", namespaces=Q))
                text = item.find("q:presentation/q:material/q:mattext", Q).text
                low, high = (x * _scale((lo + hi) / 2, pq, text) for x in pq.question.tolerance.interval(pq.question.answer))
                assert (lo, hi) == (pytest.approx(min(low, high), rel=1e-7), pytest.approx(max(low, high), rel=1e-7))
            else:
                assert meta["question_type"] == "multiple_choice_question"
                lid = item.find("q:presentation/q:response_lid", Q)
                assert lid.get("rcardinality") == "Single"
                labels = [lab.get("ident") for lab in lid.findall("q:render_choice/q:response_label", Q)]
                assert len(labels) == len(pq.labelled) == len(set(labels))
                right = scoring[0].findtext("q:conditionvar/q:varequal", namespaces=Q)
                assert right in labels
                right_text = lid.find(f"q:render_choice/q:response_label[@ident='{right}']/q:material/q:mattext", Q).text
                assert right_text == canvas_html(pq.option_for(pq.correct_label).text)
                per_option = [c for c in conds if c.get("continue") == "Yes"]
                assert len(per_option) == len(labels)


# ------------------------------------------------------------------ Canvas's importer

# Canvas's QTI importer (canvas-lms gems/plugins/qti_exporter/lib/qti/html_helper.rb) keeps each
# option and feedback as HTML and also as a plain-text copy (the answer text of quiz statistics and
# reports), made by `clear_html`: tags `</?[^>\n]*>` deleted, decimal references `&#NN;` decoded,
# other references `&name;` deleted (hexadecimal ones are left as written). The importer keeps a
# feedback as HTML only when it is more than one bare text node (`detect_html`).

def _canvas_plain(text: str) -> str:
    text = re.sub(r"</?[^>\n]*>", "", text)
    text = re.sub(r"&#\d+;", lambda m: chr(int(m.group()[2:-1])), text)
    return re.sub(r"&\w+;", "", text)


class _TextContent(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _text_content(fragment: str) -> str:
    p = _TextContent()
    p.feed(fragment)
    p.close()
    return "".join(p.parts)


def _mattexts(qti_bytes: bytes) -> list[tuple[str, str]]:
    """(where, HTML) of every mattext: "item", "option" or "feedback"."""
    z = zipfile.ZipFile(io.BytesIO(qti_bytes))
    href = next(n for n in z.namelist() if n.endswith(".xml") and n != "imsmanifest.xml" and "/" in n
                and not n.endswith("assessment_meta.xml"))
    root = ET.fromstring(z.read(href))
    out = []
    for item in root.iter(f"{{{QTI_NS}}}item"):
        out.append(("item", item.find("q:presentation/q:material/q:mattext", Q).text))
        out += [("option", m.text) for m in item.findall(".//q:response_label/q:material/q:mattext", Q)]
        out += [("feedback", m.text) for m in item.findall("q:itemfeedback//q:mattext", Q)]
    return out


@pytest.fixture(scope="module")
def concept_qti(tmp_path_factory):
    a = tmp_path_factory.mktemp("concepts") / "quiz.toml"
    a.write_text('id = "q"\ntitle = "Quiz"\n[[problems]]\nfamily = "concepts"\npoints = 10\n'
                 'params = { n = 10 }\n', encoding="utf-8")
    quiz = load_assignment(a)
    return qti_zip(lms_questions(quiz, 4, SECRET), title=quiz.title, assignment_id=quiz.id)


def test_canvas_html_writes_what_the_importer_reads_back():
    given = "<p>dI/dV < 0, V > E<sub>K</sub>: &minus;80 mV, 17&ndash;18 &micro;S, Ohm&#x27;s &amp; &lt;b&gt;</p>"
    assert canvas_html(given) == ("<p>dI/dV &#60; 0, V &#62; E<sub>K</sub>: \u221280 mV, 17\u201318 \u00b5S, "
                                  "Ohm&#39;s &#38; &#60;b&#62;</p>")
    assert _canvas_plain(canvas_html(given)) == _text_content(given)
    figure = '<img alt="g rises for V > -40 mV" src="x.svg"> V > 0'
    assert canvas_html(figure) == '<img alt="g rises for V &#62; -40 mV" src="x.svg"> V &#62; 0'
    assert _canvas_plain(canvas_html(figure)) == " V > 0"
    assert _canvas_plain(given) != _text_content(given)  # what the importer made of it before


@pytest.mark.parametrize("package", ["qti", "concept_qti"])
def test_qti_text_survives_canvas_plain_text_copy(package, request):
    """Every text reads the same in the importer's plain-text copy as in the HTML: no sign lost
    from a minus, no dash from 17-18, no words after a "<"."""
    texts = _mattexts(request.getfixturevalue(package))
    assert {where for where, _ in texts} >= ({"item", "feedback"} if package == "qti" else {"item", "option"})
    for where, text in texts:
        assert not re.search(r"&(?:[A-Za-z][A-Za-z0-9]*|#[xX][0-9a-fA-F]+);", text), (where, text)
        assert set(re.findall(r"&#(\d+);", text)) <= {"34", "38", "39", "60", "62"}, (where, text)
        for piece in re.split(r"<[A-Za-z/!][^<>]*>", text):
            assert "<" not in piece and ">" not in piece, (where, text)
        assert _canvas_plain(text) == _text_content(text), (where, text)


def test_qti_feedback_is_kept_as_html(qti, concept_qti):
    """Each feedback is one element with a class, which Canvas's importer keeps as HTML (a bare
    text would be stored as text with its references spelled out); the list of typical mistakes
    keeps its words apart in the plain-text copy."""
    feedbacks = [t for package in (qti, concept_qti) for where, t in _mattexts(package) if where == "feedback"]
    assert feedbacks
    for text in feedbacks:
        assert text.startswith('<div class="spikeset-feedback">') and text.endswith("</div>"), text
    mistakes = [t for t in feedbacks if "Common mistakes" in t]
    assert mistakes
    for text in mistakes:
        plain = " ".join(_canvas_plain(text).split())
        tips = [" ".join(_canvas_plain(t).split()) for t in re.findall(r"<li>(.*?)</li>", text, re.S)]
        assert tips and plain.endswith("Common mistakes: " + " ".join(tips)), plain


# ------------------------------------------------------------------ small values

def test_small_values_are_scaled_to_a_smaller_unit():
    assert choose_scale("mM", 5e-5, 5e-8) == ("nM", 1e6)
    assert choose_scale("mM", 5e-5, 5e-7) == ("uM", 1e3)
    assert choose_scale("mM", 0.002, 2e-5) == ("uM", 1e3)
    assert choose_scale("mV", -70.0, 0.7) == ("mV", 1.0)
    assert choose_scale(None, 3e-6, 3e-8)[0] == "10^-6"  # answers in units of 10^-6


def test_scaled_question_says_its_unit(assignment):
    from spikeset.exports import _numeric

    q = NumericQuestion("b", "Concentration", 5e-5, "mM", Tolerance("rel", 0.02),
                        misconceptions=(Misconception("x", "wrong", 5e-3),))
    pq = PlacedQuestion(id="p1.b", question=q, points=2.0)
    base = dict(assignment_id="a", problem_number=1, problem_title="t", qid="p1.b", variant="variant-001", points=2.0)
    lq = _numeric(base, pq, "<p>statement</p>", None)
    assert lq.unit == "uM" and lq.answer == pytest.approx(0.05) and lq.tolerance == pytest.approx(0.001)
    assert "(in µM)" in lq.html and "type the number only, with a decimal point" in lq.html
    assert all(abs(v) >= 1e-4 for v in (lq.low, lq.high, lq.wrong[0].low))
    assert lq.precision == "within ±2 %"
    from spikeset.exports import LmsProblem
    from spikeset.exports.moodle import cloze_text
    lp = LmsProblem("a", 1, "t", "variant-001", 2.0, "<p>statement</p>", None, (lq,))
    text = cloze_text(lp)
    assert "{2:NUMERICAL:=0.05:0.001#Correct." in text and "} µM" in text


def test_a_wrong_answer_too_small_to_print_is_left_out(assignment):
    """A misconception 24 orders of magnitude below the answer (moles where ions are asked) would print
    as the interval 0:0 and give its feedback to an answer of 0: it is left out of the exports."""
    from spikeset.exports import _numeric

    q = NumericQuestion("b", "Number of ions", 3.4e7, None, Tolerance("rel", 0.01),
                        misconceptions=(Misconception("moles", "moles, not ions", 5.6e-17),
                                        Misconception("half", "z = 2", 1.7e7)))
    pq = PlacedQuestion(id="p1.b", question=q, points=2.0)
    base = dict(assignment_id="a", problem_number=1, problem_title="t", qid="p1.b", variant="variant-001", points=2.0)
    lq = _numeric(base, pq, "<p>statement</p>", None)
    assert [w.id for w in lq.wrong] == ["half"]


def test_feedback_written_with_html_reaches_the_lms_as_plain_text(assignment):
    """A family may write a misconception's feedback with HTML ("&tau;<sub>m</sub>"); Moodle escapes
    feedback and Canvas keeps a plain copy, so the exports carry the plain reading ("τ_m")."""
    from spikeset.exports import _numeric

    q = NumericQuestion("b", "Time constant", 10.0, "ms", Tolerance("rel", 0.01),
                        misconceptions=(Misconception("x", "&tau;<sub>m</sub> = R<sub>m</sub>C<sub>m</sub>", 20.0),))
    pq = PlacedQuestion(id="p1.b", question=q, points=2.0)
    base = dict(assignment_id="a", problem_number=1, problem_title="t", qid="p1.b", variant="variant-001", points=2.0)
    lq = _numeric(base, pq, "<p>statement</p>", None)
    assert lq.wrong[0].feedback == "τ_m = R_m C_m"


def test_canvas_html_fast_path_equals_the_piecewise_rewrite():
    """canvas_html skips the tag-by-tag rewrite when no bracket needs it; on random HTML-like text
    (tags, quoted values with and without brackets, stray brackets, references) both agree."""
    import random

    from spikeset.exports.qti import _canvas_html_by_pieces, canvas_html

    atoms = ["<p>", "</p>", "<b>", '<img src="a.svg" alt="x < y">', "<span class='q>'>", '<a href="x">',
             " dI/dV < 0 ", " V > E ", "&minus;", "&mu;S", "&#x27;", "&amp;", "text", "\n", "<", ">", '"', "'",
             "<br/>", "<!-- c -->"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 12)))
        assert canvas_html(text) == _canvas_html_by_pieces(text), text
