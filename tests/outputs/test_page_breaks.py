"""A problem taller than a printed page starts where it stands instead of leaving a page empty."""
from __future__ import annotations

import pytest

from spikeset.render.page_breaks import BREAKABLE, let_break


def test_let_break_styles_only_the_named_problems():
    html = ('<section class="problem" aria-labelledby="h-p1">a</section>'
            '<section class="problem long" aria-labelledby="h-p12">b</section>'
            '<section class="problem long" aria-labelledby="h-p2">c</section>')
    assert let_break(html, ["h-p1", "h-p2"]) == (
        f'<section class="problem" aria-labelledby="h-p1" style="{BREAKABLE}">a</section>'
        '<section class="problem long" aria-labelledby="h-p12">b</section>'
        f'<section class="problem long" aria-labelledby="h-p2" style="{BREAKABLE}">c</section>')
    assert let_break(html, []) == html


def test_the_quiz_starts_on_its_first_page():
    """The built-in quiz is one problem of ten questions, taller than an A4 page: its first page
    used to hold only the title block (3 pages, the problem moved whole to page 2 and split)."""
    pdfium = pytest.importorskip("pypdfium2")
    from spikeset.cli.demo import default_quiz
    from spikeset.render.pdf import pdf_bytes
    from spikeset.render.render import render_problem_set
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import load_assignment
    from spikeset.variants.roster import Student

    student_set = assemble(load_assignment(default_quiz()), [Student("s1", "Ada Lovelace")], b"quiz-secret")[0]
    assert len(student_set.questions) == 10
    doc = pdfium.PdfDocument(pdf_bytes(render_problem_set(student_set)))
    pages = [" ".join(page.get_textpage().get_text_range().split()) for page in doc]
    doc.close()
    assert len(pages) == 2, len(pages)
    assert "Problem 1." in pages[0] and "p1.a " in pages[0] and "p1.j " in pages[1]
