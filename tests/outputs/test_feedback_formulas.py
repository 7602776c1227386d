"""Formulas in misconception feedback (issue 13): typeset in the HTML outputs (sub- and
superscripts, Greek letters, minus signs), plain and unchanged in the terminal, Markdown and
JSON. The class report's page: tests/outputs/test_report.py."""
from __future__ import annotations

import html
import json
import re

import pytest

from spikeset.formatting import MINUS, formula_html, plain
from spikeset.grade.answer_file import parse_answer_text
from spikeset.grade.grading import GradeReport, grade_submission, plain_feedback
from spikeset.reports.report_html import feedback_pages
from spikeset.reports.reports import json_text, markdown
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import all_families
from spikeset.variants.roster import Student

SECRET = b"formula-feedback-key-012345"


@pytest.mark.parametrize("text, expected", [
    ("E = RT/(zF) ln([X]o/[X]i), outside over inside.",
     "E = RT/(zF) ln([X]<sub>o</sub>/[X]<sub>i</sub>), outside over inside."),
    ("Inactivation multiplies the conductance: g_Na = gbar_Na m^3 h.",
     "Inactivation multiplies the conductance: g<sub>Na</sub> = \u1e21<sub>Na</sub> m<sup>3</sup> h."),
    ("lambda = sqrt(r_m/r_i), not r_m / r_i.", "\u03bb = \u221a(r<sub>m</sub>/r<sub>i</sub>), not r<sub>m</sub> / r<sub>i</sub>."),
    ("multiply each by phi = 3^((T - 6.3)/10)", f"multiply each by \u03c6 = 3<sup>(T {MINUS} 6.3)/10</sup>"),
    ("Half of g_inf needs n = 2^(-1/4) n_inf", f"Half of g<sub>\u221e</sub> needs n = 2<sup>{MINUS}1/4</sup> n<sub>\u221e</sub>"),
    ("Cl- is an anion (z = -1); K+ leaves", f"Cl<sup>{MINUS}</sup> is an anion (z = {MINUS}1); K<sup>+</sup> leaves"),
    ("V0 exp(-x/lambda); Q10 = 3", f"V<sub>0</sub> exp({MINUS}x/\u03bb); Q<sub>10</sub> = 3"),
    ("1 um = 1e-4 cm; 2.3 x 26.7 mV; at x = lambda",
     f"1 \u00b5m = 10<sup>{MINUS}4</sup> cm; 2.3 \u00d7 26.7 mV; at x = \u03bb"),
    ("The rates hold at 6.3 degC; uA/cm^2", "The rates hold at 6.3 \u00b0C; \u00b5A/cm<sup>2</sup>"),
    ("You used log10 instead of ln.", "You used log<sub>10</sub> instead of ln."),
])
def test_formulas_are_typeset(text, expected):
    assert formula_html(text) == expected


def test_prose_and_names_are_left_alone():
    prose = "A non-finite, steady-state value; the my_trace file of Na-K pumps (a_trace_1)."
    assert formula_html(prose) == html.escape(prose, quote=False)
    assert formula_html("dI/dV < 0 <script>alert(1)</script> & E_K") == (
        "dI/dV &lt; 0 &lt;script&gt;alert(1)&lt;/script&gt; &amp; E<sub>K</sub>")
    # the grader's note about the student's own trace names their file: shown as it is
    text = "You used log10 instead of ln. Your trace traces/E_K-1e-3_x.csv is right, though: V_m"
    assert formula_html(text) == "You used log<sub>10</sub> instead of ln." + html.escape(text[29:], quote=False)


def _misconception_texts() -> set[str]:
    texts = set()
    for fid in sorted(all_families()):
        a = parse_assignment(f'id="f"\ntitle="f"\n[[problems]]\nfamily="{fid}"\npoints=4\n')
        for s in assemble(a, [Student(f"s{i}") for i in range(3)], SECRET):
            for pq in s.questions.values():
                if pq.type == "numeric":
                    texts |= {m.feedback for m in pq.question.misconceptions}
                else:
                    texts |= {o.misconception.feedback for _, o in pq.labelled if o.misconception}
    return texts


def test_every_catalog_feedback_is_plain_in_reports_and_typeset_in_html():
    texts = _misconception_texts()
    assert len(texts) > 200
    typeset = 0
    for text in texts:
        shown = plain_feedback(text)
        assert not re.search(r"</?(sub|sup|i|span)\b|&[a-z]+;", shown), text          # plain for reports
        out = formula_html(shown)
        assert not re.search(r"<(?!/?(sub|sup)>)", out), out                       # only our tags, escaped text
        assert out.count("<sub>") == out.count("</sub>") and out.count("<sup>") == out.count("</sup>")
        assert not re.search(r"(?<![\w/.])[A-Za-z]_[A-Za-z0-9]", out), out            # no E_K left
        # the words are the same: the HTML read as text differs only by the typography
        words = re.findall(r"[A-Za-z]{4,}", plain(out))
        assert words == [w for w in re.findall(r"[A-Za-z]{4,}", shown.replace("_", " "))
                         if w not in ("sqrt", "lambda", "gbar", "Delta", "alpha", "beta", "degC")], text
        typeset += out != html.escape(shown, quote=False)
    assert typeset > len(texts) // 2


@pytest.fixture(scope="module")
def graded():
    """A nernst log10 mistake and a GHK mistake, graded at the default level."""
    a = parse_assignment('id="fx"\ntitle="Formulas"\n[[problems]]\nfamily="nernst"\npoints=2\n'
                         '[[problems]]\nfamily="passive-membrane"\npoints=4\n')
    s = assemble(a, [Student("s1")], SECRET)[0]
    answers = {}
    for qid, pq in s.questions.items():
        if pq.type == "numeric" and pq.question.misconceptions:
            answers[qid] = repr(pq.question.misconceptions[0].value)
        elif pq.type == "choice":
            wrong = next((lab for lab, o in pq.labelled if o.misconception is not None), None)
            if wrong:
                answers[qid] = f'"{wrong}"'
    lines = [f'student = "s1"', f'assignment = "fx"', f'variant = "{s.fingerprint}"', "[answers]"]
    lines += [f'"{k}" = {v}' for k, v in answers.items()]
    r = grade_submission(s, parse_answer_text("\n".join(lines) + "\n"))
    return GradeReport(assignment=a, submissions=(r,)), r


def test_feedback_page_typesets_and_plain_reports_do_not(graded):
    report, r = graded
    named = [q for q in r.questions if q.misconception]
    assert len(named) >= 3
    page = feedback_pages(report)["s1.html"]
    text_reports = json.dumps([q["feedback"] for q in json.loads(json_text(report))["submissions"][0]["questions"]],
                              ensure_ascii=False) + markdown(report)
    assert "<sub>" in page and "<sup>" not in text_reports and "&tau;" not in text_reports
    for q in named:
        assert formula_html(q.feedback) in page
        assert q.feedback in json_text(report) or json.dumps(q.feedback, ensure_ascii=False)[1:-1] in json_text(report)
    assert any(formula_html(q.feedback) != html.escape(q.feedback, quote=False) for q in named)
