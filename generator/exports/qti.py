"""Canvas QTI 1.2 package (Canvas: Settings > Import course content > QTI .zip file).

The zip holds ``imsmanifest.xml`` (IMS Content Packaging 1.1), one assessment
``<ident>/<ident>.xml`` (IMS QTI ASI 1.2), its Canvas settings ``<ident>/assessment_meta.xml``
(title, points, one attempt, unpublished: as Canvas's own exports and text2qti write it) and the
figures as SVG files under ``media/``. Equations are Canvas equation images (TeX, rendered by
Canvas). The assessment has one section per question part with
``<selection_number>1</selection_number>`` and ``points_per_item`` (a Canvas question group:
"pick 1 of N variants").

Canvas Classic Quizzes have no multi-part numeric question and draw each group on its own, so
each item repeats its variant's full statement: every part is answerable on its own. Pools hold
distinct questions: a question that several parts drew (the concept quiz draws from one bank)
goes into one pool only, so a student never meets it twice. Items:

* ``numerical_question``: the accepted interval as ``<vargte>``/``<varlte>`` (SCORE 100), as
  Canvas's own exports write a range answer. Canvas's importer gives every numeric range a
  weight of 100 (canvas-lms ``qti_exporter/lib/qti/numeric_interaction.rb``), so typical wrong
  answers cannot be ranges: their feedback is listed in ``general_incorrect_fb``, shown for
  any wrong answer (``<other/>``).
* ``multiple_choice_question``: ``response_lid`` with one ``response_label`` per option, a
  feedback condition per option and SCORE 100 on the right one.

Images are referenced as ``$IMS-CC-FILEBASE$/media/<name>.svg`` and listed in the manifest as
``webcontent`` resources. Numbers below 1e-4 are exported in a smaller unit (Canvas keeps four
decimals); the question says which unit.

Text is written with its characters as they are (``−80 mV``, not ``&minus;80 mV``): Canvas's
importer keeps the HTML of a question, an option or a feedback, but also stores a plain-text copy
of each option and feedback (the answer text of its statistics and reports), made by deleting
tags and named character references (``clear_html`` in canvas-lms ``qti_exporter/lib/qti/
html_helper.rb``), which would read ``−80 mV`` as "80 mV". See :func:`literal_characters`.
"""
from __future__ import annotations

import functools
import hashlib
import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import Sequence

from . import LmsQuestion, extract_images, fmt, problem_titles

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
FILEBASE = "$IMS-CC-FILEBASE$/media/"
ZIP_DATE = (2000, 1, 1, 0, 0, 0)  # fixed: the same export gives the same bytes


def _ident(*parts: str) -> str:
    return "g" + hashlib.sha1("/".join(parts).encode()).hexdigest()[:24]


_CHAR_REF = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# Characters that are markup stay references, in the one form Canvas's plain-text copy decodes.
_MARKUP_REF = {"&": "&#38;", "<": "&#60;", ">": "&#62;", '"': "&#34;", "'": "&#39;"}


def literal_characters(html_text: str) -> str:
    """``html_text`` with every character reference written as the character itself, except the
    five that are markup (``& < > " '``), written as decimal references. Canvas's importer makes
    the plain-text copy of an option or a feedback by deleting named references (``&minus;``,
    ``&mu;``, ``&ndash;``) and keeping hexadecimal ones as they are (``&#x27;``); only decimal
    references and the characters themselves come through."""
    return _CHAR_REF.sub(_literal, html_text) if "&" in html_text else html_text


@functools.lru_cache(maxsize=None)
def _literal_reference(reference: str) -> str:
    text = html.unescape(reference)
    if text == reference:  # not a reference HTML knows: leave it as it is
        return text
    return "".join(_MARKUP_REF.get(c, c) for c in text)


def _literal(m: re.Match) -> str:
    return _literal_reference(m.group(0))


_TAG = re.compile(r"""(<[A-Za-z/!](?:[^<>"']|"[^"]*"|'[^']*')*>)""")  # a quoted value may hold < >


_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")


def _brackets_as_references(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


#: A tag with a ``<`` or ``>`` inside a quoted attribute value.
_QUOTED_BRACKET = re.compile(r"""<[A-Za-z/!](?:[^<>"']|"[^"]*"|'[^']*')*?(?:"[^"<>]*[<>][^"]*"|'[^'<>]*[<>][^']*')""")


def canvas_html(html_text: str) -> str:
    """HTML as Canvas's importer reads it back unchanged: a ``<`` or ``>`` outside a tag (plain
    feedback such as "dI/dV < 0") or inside an attribute value written as a reference, then
    :func:`literal_characters`. The importer's plain-text copy deletes everything from a ``<`` to
    the next ``>``, and its reading of a question counts the brackets."""
    outside = _TAG.sub("", html_text)
    if "<" not in outside and ">" not in outside and not _QUOTED_BRACKET.search(html_text):
        return literal_characters(html_text)  # no bracket to rewrite: one pass in the regex engine
    return _canvas_html_by_pieces(html_text)


def _canvas_html_by_pieces(html_text: str) -> str:
    pieces = _TAG.split(html_text)
    return literal_characters("".join(
        _QUOTED.sub(lambda m: _brackets_as_references(m.group()), piece) if i % 2 else _brackets_as_references(piece)
        for i, piece in enumerate(pieces)))


def _mattext(parent: ET.Element, html_text: str) -> None:
    m = ET.SubElement(parent, "material")
    ET.SubElement(m, "mattext", texttype="text/html").text = canvas_html(html_text)


def _meta(item: ET.Element, fields: dict[str, str]) -> None:
    md = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    for k, v in fields.items():
        f = ET.SubElement(md, "qtimetadatafield")
        ET.SubElement(f, "fieldlabel").text = k
        ET.SubElement(f, "fieldentry").text = v


def _feedback(item: ET.Element, ident: str, html_text: str) -> None:
    """A feedback, inside an element with a class: Canvas's importer keeps a feedback as HTML only
    when it is more than one bare text node (or the import runs with the "canvas" flavour); as
    text, ``V &gt; E_K`` would be shown with its reference spelled out."""
    fb = ET.SubElement(item, "itemfeedback", ident=ident)
    _mattext(ET.SubElement(fb, "flow_mat"), f'<div class="spikeset-feedback">{html_text}</div>')


def _item(section: ET.Element, lq: LmsQuestion, media: dict[str, bytes]) -> None:
    ident = _ident(lq.assignment_id, lq.qid, lq.variant)
    item = ET.SubElement(section, "item", ident=ident, title=lq.name)
    qtype = "numerical_question" if lq.type == "numeric" else "multiple_choice_question"
    _meta(item, {"question_type": qtype, "points_possible": fmt(lq.points),
                 "original_answer_ids": "", "assessment_question_identifierref": ident + "_aq"})
    pres = ET.SubElement(item, "presentation")
    body, files = extract_images(lq.html, FILEBASE)
    media.update(files)
    _mattext(pres, body)
    res = ET.SubElement(item, "resprocessing")
    outcomes = ET.SubElement(res, "outcomes")
    ET.SubElement(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    feedbacks: list[tuple[str, str]] = []
    if lq.type == "numeric":
        rs = ET.SubElement(pres, "response_str", ident="response1", rcardinality="Single")
        ET.SubElement(ET.SubElement(rs, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
        cond = ET.SubElement(res, "respcondition", {"continue": "No"})
        cv = ET.SubElement(cond, "conditionvar")
        ET.SubElement(cv, "vargte", respident="response1").text = fmt(lq.low)
        ET.SubElement(cv, "varlte", respident="response1").text = fmt(lq.high)
        ET.SubElement(cond, "setvar", action="Set", varname="SCORE").text = "100"
        if lq.wrong:
            # Canvas turns every numeric range into a right answer, so typical wrong answers
            # go into the feedback for any incorrect answer instead.
            cond = ET.SubElement(res, "respcondition", {"continue": "Yes"})
            ET.SubElement(ET.SubElement(cond, "conditionvar"), "other")
            ET.SubElement(cond, "displayfeedback", feedbacktype="Response", linkrefid="general_incorrect_fb")
            # Line breaks between the blocks keep the words apart in Canvas's plain-text copy.
            tips = "\n".join(f"<li>{w.feedback_html}</li>" for w in lq.wrong)
            feedbacks.append(("general_incorrect_fb",
                              f"<p>Not within the accepted range. Common mistakes:</p>\n<ul>\n{tips}\n</ul>"))
    else:
        rl = ET.SubElement(pres, "response_lid", ident="response1", rcardinality="Single")
        rc = ET.SubElement(rl, "render_choice")
        for opt in lq.options:
            oid = _ident(ident, opt.label)
            lab = ET.SubElement(rc, "response_label", ident=oid)
            obody, ofiles = extract_images(opt.html, FILEBASE)
            media.update(ofiles)
            _mattext(lab, obody)
            cond = ET.SubElement(res, "respcondition", {"continue": "Yes"})
            ET.SubElement(ET.SubElement(cond, "conditionvar"), "varequal", respident="response1").text = oid
            fid = f"{oid}_fb"
            ET.SubElement(cond, "displayfeedback", feedbacktype="Response", linkrefid=fid)
            feedbacks.append((fid, opt.feedback_html))
        right = next(o for o in lq.options if o.correct)
        cond = ET.SubElement(res, "respcondition", {"continue": "No"})
        ET.SubElement(ET.SubElement(cond, "conditionvar"), "varequal", respident="response1").text = \
            _ident(ident, right.label)
        ET.SubElement(cond, "setvar", action="Set", varname="SCORE").text = "100"
    for fid, text in feedbacks:
        _feedback(item, fid, text)


def distinct_pools(questions: Sequence[LmsQuestion]) -> dict[str, list[LmsQuestion]]:
    """Items by the part pool they go into: a question (its prompt and options) drawn for
    several parts of one problem goes to one of those pools only (the one with the fewest
    distinct questions so far), and to it once."""
    by_part: dict[str, list[LmsQuestion]] = {}
    for lq in questions:
        by_part.setdefault(lq.qid, []).append(lq)
    parts_of: dict[tuple[int, str], list[str]] = {}
    for lq in questions:
        key = (lq.problem_number, _identity(lq))
        if lq.qid not in parts_of.setdefault(key, []):
            parts_of[key].append(lq.qid)
    home: dict[tuple[int, str], str] = {}
    load: dict[str, int] = {qid: 0 for qid in by_part}
    for key, parts in parts_of.items():
        if len(parts) == 1:
            home[key] = parts[0]
            load[parts[0]] += 1
    for key, parts in parts_of.items():
        if len(parts) > 1:
            home[key] = min(parts, key=lambda qid: (load[qid], qid))
            load[home[key]] += 1
    pools: dict[str, list[LmsQuestion]] = {qid: [] for qid in by_part}
    placed: set[tuple[int, str]] = set()
    for lq in questions:
        key = (lq.problem_number, _identity(lq))
        if lq.type == "choice" and len(parts_of[key]) > 1:
            if key in placed:
                continue
            placed.add(key)
        pools[home[key] if lq.type == "choice" else lq.qid].append(lq)
    return {qid: items for qid, items in pools.items() if items}


def _identity(lq: LmsQuestion) -> str:
    """What makes two items the same question for a student: the prompt and, for a choice,
    the options' texts (a numeric part is its own pool's question whatever its numbers)."""
    if lq.type != "choice":
        return f"{lq.qid}"
    return lq.prompt + "\x1f" + "\x1f".join(sorted(o.html for o in lq.options))


def assessment_xml(questions: Sequence[LmsQuestion], *, title: str, assessment_id: str,
                   media: dict[str, bytes]) -> bytes:
    ET.register_namespace("", QTI_NS)
    ET.register_namespace("xsi", XSI_NS)
    root = ET.Element("questestinterop", {"xmlns": QTI_NS, f"{{{XSI_NS}}}schemaLocation":
                      f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"})
    assessment = ET.SubElement(root, "assessment", ident=assessment_id, title=title)
    _meta_assessment = ET.SubElement(ET.SubElement(assessment, "qtimetadata"), "qtimetadatafield")
    ET.SubElement(_meta_assessment, "fieldlabel").text = "cc_maxattempts"
    ET.SubElement(_meta_assessment, "fieldentry").text = "1"
    top = ET.SubElement(assessment, "section", ident="root_section")
    titles = problem_titles(questions)
    for qid, items in distinct_pools(questions).items():
        first = items[0]
        g = ET.SubElement(top, "section", ident=_ident(assessment_id, qid),
                          title=f"Problem {first.problem_number}: {titles[first.problem_number]} ({qid})")
        sel = ET.SubElement(ET.SubElement(g, "selection_ordering"), "selection")
        ET.SubElement(sel, "selection_number").text = "1"
        ext = ET.SubElement(sel, "selection_extension")
        ET.SubElement(ext, "points_per_item").text = fmt(first.points)
        for lq in items:
            _item(g, lq, media)
    xml = ET.tostring(root, encoding="unicode")
    # ElementTree writes the default namespace once: strip the duplicate we passed as attribute.
    xml = xml.replace(f' xmlns="{QTI_NS}" xmlns="{QTI_NS}"', f' xmlns="{QTI_NS}"')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n").encode("utf-8")


CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"


def assessment_meta_xml(assessment_id: str, title: str, points: float) -> bytes:
    """Canvas's quiz settings: title, points, one attempt, unpublished, no correct answers shown."""
    ET.register_namespace("", CANVAS_NS)
    q = ET.Element(f"{{{CANVAS_NS}}}quiz", {"identifier": assessment_id, f"{{{XSI_NS}}}schemaLocation":
                   f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd"})
    fields = [("title", title), ("description", ""), ("shuffle_answers", "false"),
              ("scoring_policy", "keep_highest"), ("quiz_type", "assignment"), ("points_possible", fmt(points)),
              ("show_correct_answers", "false"), ("anonymous_submissions", "false"), ("allowed_attempts", "1"),
              ("one_question_at_a_time", "false"), ("cant_go_back", "false"), ("available", "false"),
              ("one_time_results", "false")]
    for tag, text in fields:
        ET.SubElement(q, f"{{{CANVAS_NS}}}{tag}").text = text
    a = ET.SubElement(q, f"{{{CANVAS_NS}}}assignment", identifier=_ident("assignment", assessment_id))
    for tag, text in (("title", title), ("workflow_state", "unpublished"), ("quiz_identifierref", assessment_id),
                      ("points_possible", fmt(points)), ("grading_type", "points"),
                      ("submission_types", "online_quiz")):
        ET.SubElement(a, f"{{{CANVAS_NS}}}{tag}").text = text
    ET.indent(q, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(q, encoding="utf-8", xml_declaration=False) + b"\n"


def manifest_xml(assessment_id: str, title: str, media_names: Sequence[str]) -> bytes:
    ET.register_namespace("", CP_NS)
    m = ET.Element(f"{{{CP_NS}}}manifest", identifier=_ident("manifest", assessment_id))
    md = ET.SubElement(m, f"{{{CP_NS}}}metadata")
    ET.SubElement(md, f"{{{CP_NS}}}schema").text = "IMS Content"
    ET.SubElement(md, f"{{{CP_NS}}}schemaversion").text = "1.1.3"
    ET.SubElement(m, f"{{{CP_NS}}}organizations")
    resources = ET.SubElement(m, f"{{{CP_NS}}}resources")
    r = ET.SubElement(resources, f"{{{CP_NS}}}resource", identifier=assessment_id, type="imsqti_xmlv1p2")
    ET.SubElement(r, f"{{{CP_NS}}}file", href=f"{assessment_id}/{assessment_id}.xml")
    ET.SubElement(r, f"{{{CP_NS}}}dependency", identifierref=assessment_id + "_meta")
    meta = ET.SubElement(resources, f"{{{CP_NS}}}resource", identifier=assessment_id + "_meta",
                         type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                         href=f"{assessment_id}/assessment_meta.xml")
    ET.SubElement(meta, f"{{{CP_NS}}}file", href=f"{assessment_id}/assessment_meta.xml")
    for name in media_names:
        r = ET.SubElement(resources, f"{{{CP_NS}}}resource", identifier=_ident("media", name),
                          type="webcontent", href=f"media/{name}")
        ET.SubElement(r, f"{{{CP_NS}}}file", href=f"media/{name}")
    ET.indent(m, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(m, encoding="utf-8", xml_declaration=False) + b"\n"


def qti_zip(questions: Sequence[LmsQuestion], *, title: str, assignment_id: str) -> bytes:
    """The Canvas QTI 1.2 zip (bytes)."""
    assessment_id = _ident("assessment", assignment_id)
    media: dict[str, bytes] = {}
    assessment = assessment_xml(questions, title=title, assessment_id=assessment_id, media=media)
    points = sum({q.qid: q.points for q in questions}.values())
    names = sorted(media)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

        add("imsmanifest.xml", manifest_xml(assessment_id, title, names))
        add(f"{assessment_id}/{assessment_id}.xml", assessment)
        add(f"{assessment_id}/assessment_meta.xml", assessment_meta_xml(assessment_id, title, points))
        for name in names:
            add(f"media/{name}", media[name])
    return buf.getvalue()
