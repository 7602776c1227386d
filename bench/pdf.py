"""PDF cost per student: CPU seconds and pages of a problem set and of its solutions, by
WeasyPrint's phases, and PDFs per second with 1 and 2 worker processes.

    python bench/pdf.py [--students 4] [--jobs 1 2] [--blank-figures] [--profile N]

The HTML is rendered once beforehand; only PDF rendering is timed, as CPU time of this process
(steadier than wall time on a machine shared with other work; the load is printed). Phases:
parse (HTML into a tree), style (CSS cascade) + layout, draw (pages into PDF operators) + write
(fonts subset and embedded, the file). ``--blank-figures`` replaces the figures by empty images,
to tell figure drawing from the rest; ``--profile N`` prints the N top lines of a cProfile of
one set (cumulative time). Targets (issue 12): <= 1.0 s per set on one core; the built-in 16
problems on <= 12 A4 pages.
"""
from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path


def _blank_figures(html_text: str) -> str:
    return re.sub(r'src="data:image/svg\+xml[^"]*"', 'src="data:image/svg+xml;base64,"', html_text)


def _phases(html_text: str) -> tuple[float, float, float, int]:
    """(parse, style + layout, draw + write) CPU seconds and pages of one document."""
    import weasyprint

    from spikeset.render.pdf import WRITE_OPTIONS, font_config, printable, setup

    setup()
    c0 = time.process_time()
    doc = weasyprint.HTML(string=printable(html_text), base_url=".")
    c1 = time.process_time()
    rendered = doc.render(font_config=font_config())
    c2 = time.process_time()
    rendered.write_pdf(**WRITE_OPTIONS)
    c3 = time.process_time()
    return c1 - c0, c2 - c1, c3 - c2, len(rendered.pages)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=4)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--blank-figures", action="store_true", help="empty images instead of the figures")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print a profile's N top lines")
    args = ap.parse_args()

    from spikeset.cli.demo import DEMO_SECRET, default_files
    from spikeset.parallel import usable_cores
    from spikeset.render.pdf import pdf_bytes, write_pdfs
    from spikeset.render.render import figures, render_problem_set, render_solutions
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import load_assignment
    from spikeset.variants.roster import Student

    assignment = load_assignment(default_files()[0])
    students = [Student(id=f"b{i:03d}", name=f"Bench Student {i}") for i in range(args.students)]
    sets = assemble(assignment, students, DEMO_SECRET)
    docs = []
    for s in sets:
        drawn = figures(s)
        docs.append((render_problem_set(s, drawn=drawn), render_solutions([s], drawn=[drawn])))
    if args.blank_figures:
        docs = [(_blank_figures(a), _blank_figures(b)) for a, b in docs]
    print(f"{len(docs)} students of {assignment.id!r} ({len(sets[0].problems)} problems), {usable_cores()} cores, "
          f"load {os.getloadavg()[0]:.1f}{', figures blanked' if args.blank_figures else ''}")
    pdf_bytes(docs[0][0])  # imports, fonts

    for k, what in enumerate(("problem set", "solutions")):
        totals, pages = [0.0, 0.0, 0.0], []
        for pair in docs:
            *t, n = _phases(pair[k])
            totals = [a + b for a, b in zip(totals, t)]
            pages.append(n)
        per = [x / len(docs) for x in totals]
        print(f"{what:12s} {sum(per):6.2f} s CPU per student (parse {per[0]:.2f}, style+layout {per[1]:.2f}, "
              f"draw+write {per[2]:.2f}); pages {pages}")

    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        pdf_bytes(docs[0][0])
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)

    for jobs in args.jobs:
        with tempfile.TemporaryDirectory() as tmp:
            todo = [(html, Path(tmp) / f"{i}-{k}.pdf") for i, pair in enumerate(docs) for k, html in enumerate(pair)]
            t0 = time.perf_counter()
            write_pdfs(todo, jobs=jobs)
            dt = time.perf_counter() - t0
        print(f"write_pdfs --jobs {jobs}: {dt:6.2f} s wall for {len(docs)} students' set and solutions PDFs "
              f"({dt / len(docs):.2f} s per student; 300 students ~ {300 * dt / len(docs) / 60:.1f} min)")
    print(f"load at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
