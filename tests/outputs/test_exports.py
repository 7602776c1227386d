"""LMS exports checked structurally against each importer's format.

Moodle XML: element names and semantics as read by Moodle's importer
(question/format/xml/format.php: import_headers, import_numerical, import_multichoice,
import_category, import_files). Canvas QTI 1.2: the IMS content-packaging manifest and QTI ASI
1.2 items as Canvas itself exports them (numerical ranges as vargte/varlte, question groups as
sections with selection_number and points_per_item).
"""
from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from spikeset.assemble import PlacedQuestion, assemble
from spikeset.exports import choose_scale, lms_questions, variant_students
from spikeset.exports.moodle import moodle_xml
from spikeset.exports.qti import CP_NS, QTI_NS, qti_zip
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
def moodle(lms, assignment):
    return moodle_xml(lms, title=assignment.title, assignment_id=assignment.id)


@pytest.fixture(scope="module")
def qti(lms, assignment):
    return qti_zip(lms, title=assignment.title, assignment_id=assignment.id)


def _float(text: str) -> float:
    return float(text)


# ------------------------------------------------------------------ Moodle

def test_moodle_categories_and_variants(moodle, reference, assignment):
    quiz = ET.fromstring(moodle)
    assert quiz.tag == "quiz"
    category = None
    per_part: dict[str, int] = {}
    cats = []
    for q in quiz.findall("question"):
        t = q.get("type")
        assert t in ("category", "numerical", "multichoice")
        if t == "category":
            category = q.findtext("category/text")
            assert category.startswith("$course$/top/")
            cats.append(category)
            continue
        name = q.findtext("name/text")
        aid, qid, variant = name.split()
        assert aid == assignment.id and re.fullmatch(r"variant-\d{3}", variant)
        assert category.endswith("/" + qid), "each question sits in its part's category"
        assert category.count("/") == 4 and f"Problem {qid[1]}:" in category.split("/")[-2]
        per_part[qid] = per_part.get(qid, 0) + 1
    assert per_part == {qid: N for qid in reference}
    assert len([c for c in cats if c.count("/") == 3]) == len(assignment.problems)


def _files(el: ET.Element) -> dict[str, bytes]:
    return {f.get("name"): base64.b64decode(f.text) for f in el.findall("file") if f.get("encoding") == "base64"}


def test_moodle_questions_follow_the_importer(moodle, reference):
    quiz = ET.fromstring(moodle)
    kinds = set()
    for q in quiz.findall("question"):
        t = q.get("type")
        if t == "category":
            continue
        kinds.add(t)
        _, qid, variant = q.findtext("name/text").split()
        pq: PlacedQuestion = reference[qid][variant]
        qt = q.find("questiontext")
        assert qt.get("format") == "html"
        body = qt.findtext("text")
        assert "data:" not in body and "<script" not in body
        files = _files(qt)
        for ref in re.findall(r"@@PLUGINFILE@@/([^\"']+)", body):
            assert ref in files and files[ref].lstrip().startswith(b"<?xml") and b"<svg" in files[ref]
        assert _float(q.findtext("defaultgrade")) == pytest.approx(pq.points)
        assert 0 <= _float(q.findtext("penalty")) <= 1
        answers = q.findall("answer")
        assert all(a.get("fraction") in ("0", "100") for a in answers)
        assert all(a.find("feedback/text") is not None for a in answers)
        if t == "numerical":
            assert pq.type == "numeric"
            right = answers[0]
            assert right.get("fraction") == "100" and sum(a.get("fraction") == "100" for a in answers) == 1
            low, high = pq.question.tolerance.interval(pq.question.answer)
            centre, tol = _float(right.findtext("text")), _float(right.findtext("tolerance"))
            assert centre - tol == pytest.approx(min(low, high), rel=1e-7, abs=1e-12)
            assert centre + tol == pytest.approx(max(low, high), rel=1e-7, abs=1e-12)
            assert answers[-1].findtext("text") == "*"
            wrong = {a.findtext("feedback/text") for a in answers[1:-1]}
            assert wrong <= {m.feedback for m in pq.question.misconceptions}
            units = q.findall("units/unit")
            assert units and units[0].findtext("multiplier") == "1" and units[0].findtext("unit_name") == pq.unit
            assert q.findtext("showunits") in ("0", "1", "2", "3")
            assert q.findtext("unitgradingtype") in ("0", "1", "2")
        else:
            assert pq.type == "choice"
            assert q.findtext("single") == "true"
            assert len(answers) == len(pq.labelled)
            assert [a.get("fraction") for a in answers].count("100") == 1
            texts = {a.findtext("text"): a for a in answers}
            right = pq.option_for(pq.correct_label)
            assert texts[right.text].get("fraction") == "100"
            for label, opt in pq.labelled:
                if opt.misconception:
                    assert texts[opt.text].findtext("feedback/text") == opt.misconception.feedback
    assert kinds == {"numerical", "multichoice"}


def test_moodle_carries_misconception_feedback(moodle):
    text = moodle.decode()
    assert "You used log10 instead of the natural logarithm" in text or "You inverted" in text
    assert "You computed E - V" in text


def test_exports_are_reproducible(assignment, moodle, qti):
    again = lms_questions(assignment, N, SECRET)
    assert moodle_xml(again, title=assignment.title, assignment_id=assignment.id) == moodle
    assert qti_zip(again, title=assignment.title, assignment_id=assignment.id) == qti


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
    # Equations are text now (spikeset.mathhtml); media are the pictures still embedded, if any.
    assert media == {n for n in names if n.startswith("media/")}
    assessment = z.read(href).decode()
    for ref in re.findall(r"\$IMS-CC-FILEBASE\$/([^\"'<>]+)", assessment):
        assert ref in names
    assert "data:image" not in assessment


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
                low, high = pq.question.tolerance.interval(pq.question.answer)
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
                assert right_text == pq.option_for(pq.correct_label).text
                per_option = [c for c in conds if c.get("continue") == "Yes"]
                assert len(per_option) == len(labels)


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
    assert "(in µM)" in lq.html
    assert all(abs(v) >= 1e-4 for v in (lq.low, lq.high, lq.wrong[0].low))
    xml = moodle_xml([lq], title="t", assignment_id="a").decode()
    assert "<unit_name>uM</unit_name>" in xml and "<unit_name>µM</unit_name>" in xml and "<text>0.05</text>" in xml
