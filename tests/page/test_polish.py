"""What a student reads, polished (issue 13, item 6), and the page form's data (no answers in it)."""
from __future__ import annotations

import json

import pytest

from spikeset.variants.assemble import _split_points, assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.render.mathsvg import tex_to_speech, tex_to_text
from spikeset.render.page_form import answer_header, form_data, json_for_script, unit_dimension
from spikeset.grade.answer_file import blank_answer_file
from spikeset.variants.roster import Student
from spikeset.grade.traces import feature_name


def test_equation_alt_text_reads_exponents_and_spacing():
    assert tex_to_speech(r"\phi = 3^{(T - 6.3\,^\circ\mathrm{C})/10\,^\circ\mathrm{C}}") == (
        "phi equals 3 to the power (T minus 6.3 degrees C) per 10 degrees C, end of power")
    spoken = tex_to_speech(r"g_K = \bar{g}_K\,n^4 \qquad I_X = g_X\,(V - E_X)")
    assert "qquad" not in spoken and spoken == "g sub K equals g sub K n to the power 4; I sub X equals g sub X (V minus E sub X)"
    assert "qquad" not in tex_to_text(r"a = b \qquad c = d")
    assert tex_to_speech("x^{-1}") == "x to the power minus 1"


@pytest.mark.parametrize("total, weights, expected", [
    (4, (1,) * 7, (1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5)),
    (4, (2, 2, 1, 1), (1.5, 1.5, 0.5, 0.5)),
    (6, (2, 1), (4.0, 2.0)),
    (5, (1, 1, 1, 1), (1.5, 1.5, 1.0, 1.0)),
])
def test_default_weights_give_whole_or_half_points(total, weights, expected):
    got = _split_points(total, weights, half_points=True)
    assert got == expected and sum(got) == total


def test_half_points_only_when_they_fit():
    assert _split_points(1, (1, 1, 1), half_points=True) == (0.333333, 0.333333, 0.333334)  # < 0.5 each
    assert _split_points(4.3, (1, 1), half_points=True) == (2.15, 2.15)                      # not halves
    assert _split_points(4, (1,) * 7) == (0.571429,) * 6 + (0.571426,)                       # the assignment's weights


def test_trace_features_have_display_names():
    assert feature_name("ahp_min_mV") == "undershoot minimum"
    assert feature_name("firing_rate_hz") == "firing rate"
    assert feature_name("half_width_ms") == "half-width"


@pytest.mark.parametrize("unit, prompt, dimension", [
    ("mV", "", "voltage"), ("mM", "", "concentration"), ("ms", "", "time"), ("Hz", "", "frequency"),
    ("uA/cm^2", "", "current density"), ("mS/cm^2", "", "conductance density"),
    ("uF/cm^2", "", "capacitance density"), (None, "as a percentage (in %)", "percent"),
    (None, "the ratio", "number"), ("1/ms", "", "exact"),
])
def test_unit_dimensions(unit, prompt, dimension):
    assert unit_dimension(unit, prompt)["dimension"] == dimension


def test_form_data_has_no_answers_and_the_verbatim_header():
    a = parse_assignment('id="t"\ntitle="T"\n[[problems]]\nfamily="nernst"\npoints=4\n'
                         '[[problems]]\nfamily="sim-peak-ahp"\npoints=4\n')
    s = assemble(a, [Student("s1")], b"form-data-key-0123456789")[0]
    data = form_data(s)
    assert blank_answer_file(s).startswith(data["header"]) and data["header"].endswith("\n")
    assert answer_header(s) + "[answers]\n" in blank_answer_file(s)
    text = json.dumps(data)
    for pq in s.questions.values():
        if pq.type == "numeric":
            assert f"{pq.question.answer:.6g}" not in text
    assert "</script" not in json_for_script({"x": "</script><b>&"})
    sim = data["simulators"][0]
    assert sim["pulses"][0]["amplitude"] == s.problems[1].params["amplitude"]
    assert sim["t_end"] == s.problems[1].params["t_end_ms"]


@pytest.mark.parametrize("family", ["ahp", "gating", "peak-voltage", "refractory", "rise-vs-fall", "threshold-slope"])
def test_selected_questions_leave_no_stale_labels(family):
    import re

    from spikeset.render.render import _snippet
    for keys in (["c"], ["a", "c"]):
        src = f'id="t"\ntitle="t"\n[[problems]]\nfamily="{family}"\npoints=4\nquestions={json.dumps(keys)}\n'
        s = assemble(parse_assignment(src), [Student("s1")], b"stale-labels-key-0123")[0]
        text = re.sub(r"<img[^>]*>", "", str(_snippet(s.problems[0], "statement")))
        assert set(re.findall(r"\(([a-g])\)", text)) <= set(keys), (family, keys, text)
        assert "c" in re.findall(r"\(([a-g])\)", text)


def test_plain_text_keeps_words_apart_after_sub_and_superscripts():
    from spikeset.formatting import plain
    assert plain("ḡ<sub>Na</sub>m<sup>3</sup>h") == "ḡ_Na m^3 h"
    assert plain("[Ca<sup>2+</sup>]<sub>o</sub>; E<sub>K</sub>.") == "[Ca^2+]_o; E_K."


def test_feedback_pages_show_the_question_and_the_chosen_option(tmp_path):
    from spikeset.grade.grading import grade
    from spikeset.reports.report_html import feedback_pages, student_sets

    secret = b"feedback-text-key-0123456789"
    a = parse_assignment('id="fb"\ntitle="T"\n[[problems]]\nfamily="nernst"\npoints=2\n'
                         '[[problems]]\nfamily="concepts"\npoints=2\nquestions=["a"]\n')
    s = assemble(a, [Student("s1")], secret)[0]
    choice = s.questions["p2.a"]
    wrong = next(label for label, _ in choice.labelled if label != choice.correct_label)
    text = blank_answer_file(s).replace('"p2.a" = ""', f'"p2.a" = "{wrong}"')
    (tmp_path / "answers.toml").write_text(text, encoding="utf-8")
    report = grade(assignment=a, submissions=[tmp_path / "answers.toml"], secret=secret)
    plain_page = feedback_pages(report)["s1.html"]
    page = feedback_pages(report, sets=student_sets(report, secret))["s1.html"]
    assert str(choice.question.prompt) not in plain_page and str(choice.question.prompt) in page
    assert str(choice.option_for(wrong).text) in page
    assert str(s.questions["p1.a"].question.prompt) in page
    assert "<script" not in page
