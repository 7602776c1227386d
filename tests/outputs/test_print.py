"""The printed problem set (issue 12): what WeasyPrint is given (the page less its screen-only
parts), the HH model printed once per set, and the built-in assignment on at most 12 A4 pages
with no problem split across pages."""
from __future__ import annotations

import re

import pytest

from spikeset.render.pdf import printable
from spikeset.render.render import problem_parts, render_problem_set, render_solutions
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import load_assignment, parse_assignment
from spikeset.variants.roster import Student
from sim_statement import read_statement

SECRET = b"print-test-secret-0123456789"


@pytest.fixture(scope="module")
def builtin_set():
    from spikeset.cli.demo import default_files

    assignment = load_assignment(default_files()[0])
    return assemble(assignment, [Student(id="pr01", name="Paper Reader")], SECRET)[0]


def test_printable_leaves_out_screen_only_parts():
    page = ("<head><style>p{}</style><!--screen-only--><style>.sf{}</style><!--/screen-only--></head>"
            "<body><p>kept</p><!--screen-only--><script>x()</script>\n<footer>f</footer><!--/screen-only--></body>")
    assert printable(page) == "<head><style>p{}</style></head><body><p>kept</p></body>"


@pytest.mark.parametrize("html_text, printed", [
    ("cm<sup>2</sup>", "cm\u00b2"),
    ("Ca<sup>2+</sup>", "Ca\u00b2\u207a"),
    ("10<sup>&minus;6</sup> mol<sup>\u22121</sup> K<sup>-1</sup>", "10\u207b\u2076 mol\u207b\u00b9 K\u207b\u00b9"),
    ("n<sup>4</sup> 10<sup>3</sup>", "n\u2074 10\u00b3"),
    ("x<sup>n</sup> e<sup>&minus;t/&tau;</sup>", "x<sup>n</sup> e<sup>&minus;t/&tau;</sup>"),  # not only digits: kept
])
def test_printable_sets_digit_superscripts_as_characters(html_text, printed):
    assert printable(html_text) == printed


def test_the_print_has_the_answer_boxes_but_not_the_form(builtin_set):
    page = render_problem_set(builtin_set)
    printed = printable(page)
    assert "<script" in page and "sf-help" in page and 'class="page-foot"' in page
    assert "<script" not in printed and "sf-help" not in printed and 'class="page-foot"' not in printed
    assert "screen-only" not in printed
    n_questions = len(builtin_set.questions)
    assert printed.count('<div class="answer-box"') == page.count('<div class="answer-box"') == n_questions
    # everything a student reads is in both: the print only loses what print hides
    for pq in builtin_set.questions.values():
        assert f'id="{pq.id}"' in printed


def _sim_problems(student_set):
    return [p for p in student_set.problems if p.family.id.startswith("sim-")]


def test_the_hh_model_is_printed_once_per_set(builtin_set):
    sims = _sim_problems(builtin_set)
    assert len(sims) >= 2
    for page in (render_problem_set(builtin_set), render_solutions([builtin_set])):
        assert page.count('<pre class="hh-equations">') == 1
        box = re.search(r'<section class="hh-shared" id="([^"]+)".*?</section>', page, re.DOTALL)
        assert box, "no shared model box"
        first = page.index(f">Problem {sims[0].spec.number}.<")
        assert box.end() <= first, "the box comes before the first simulation problem"
        numbers = [p.spec.number for p in sims]
        assert f"(used by problems {numbers[0]}&ndash;{numbers[-1]})" in box.group(0)
        # each simulation statement points to the box and keeps its own resting states
        assert page.count(f'href="#{box.group(1)}"') == len(sims)
        assert page.count('<table class="params hh-rest">') == len(sims)


def test_each_simulation_problem_stays_answerable_from_box_and_statement(builtin_set):
    """What a student reads (the shared box, then the problem's statement) gives the same
    model, parameters and resting states as the problem printed alone."""
    page = render_problem_set(builtin_set)
    box = re.search(r'<section class="hh-shared".*?</section>', page, re.DOTALL).group(0)
    for problem in _sim_problems(builtin_set):
        statement = re.search(rf'<section class="problem[^"]*" aria-labelledby="h-{problem.spec.prefix}">'
                              r'.*?<div class="statement">(.*?)</div>\s*(?:<figure|<ol class="questions">)',
                              page, re.DOTALL).group(1)
        assert "hh-equations" not in statement
        together = read_statement(box + statement)
        alone = read_statement(str(problem_parts(problem)[0]))
        assert together.params == alone.params and together.rests == alone.rests
        assert (together.q10, together.t_ref) == (alone.q10, alone.t_ref)
        for name, rate in alone.rates.items():
            assert together.rates[name](-52.3) == rate(-52.3)
        phi = 3 ** ((alone.params["temperature"] - 6.3) / 10)
        assert together.number(r"phi = (\d+\.\d+)") == pytest.approx(phi, abs=6e-5)


def test_one_simulation_problem_prints_its_model_itself():
    a = parse_assignment('id="one-sim"\ntitle="t"\n[[problems]]\nfamily="nernst"\npoints=2\n'
                         '[[problems]]\nfamily="sim-threshold"\npoints=5\n')
    s = assemble(a, [Student("s1")], SECRET)[0]
    page = render_problem_set(s)
    assert 'class="hh-shared"' not in page and page.count('<pre class="hh-equations">') == 1


@pytest.mark.slow
def test_the_builtin_assignment_prints_on_12_a4_pages_unsplit(builtin_set):
    pdfium = pytest.importorskip("pypdfium2")
    from spikeset.render.pdf import pdf_bytes

    doc = pdfium.PdfDocument(pdf_bytes(render_problem_set(builtin_set)))
    pages = [" ".join(page.get_textpage().get_text_range().split()) for page in doc]
    assert (round(doc[0].get_size()[0]), round(doc[0].get_size()[1])) == (595, 842)
    assert len(builtin_set.problems) == 16 and len(pages) <= 12, f"{len(pages)} pages"
    for problem in builtin_set.problems:
        heading = [i for i, text in enumerate(pages) if f"Problem {problem.spec.number}. " in text]
        ids = {i for i, text in enumerate(pages) for pq in problem.questions if f"{pq.id} " in text}
        assert len(heading) == 1 and ids == {heading[0]}, (
            f"problem {problem.spec.number}: heading on pages {heading}, questions on {sorted(ids)}")


def test_one_font_configuration_serves_every_pdf_and_gives_the_same_bytes(builtin_set):
    import weasyprint

    from spikeset.render.pdf import WRITE_OPTIONS, font_config, pdf_bytes, printable

    assert font_config() is font_config()
    html_text = render_problem_set(builtin_set)
    part = html_text[:html_text.index("</section>")] + "</section></main></body></html>"  # a page or two
    shared = pdf_bytes(part)
    assert pdf_bytes(part) == shared  # the second document through the same, now used, configuration
    fresh = weasyprint.HTML(string=printable(part), base_url=".").write_pdf(**WRITE_OPTIONS)  # WeasyPrint's own
    assert shared == fresh
