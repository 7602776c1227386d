"""PDF throughput: students' problem-set PDFs per second with 1 and 2 worker processes,
against WeasyPrint's own time for one document.

    python bench/pdf.py [--students 8]

The HTML is rendered once beforehand; only PDF rendering is timed. On a machine shared with
other work the numbers move: run it on a quiet machine and compare like with like.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=8)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()

    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import load_assignment
    from spikeset.cli.demo import DEMO_SECRET, default_files
    from spikeset.parallel import usable_cores
    from spikeset.render.pdf import write_pdf, write_pdfs
    from spikeset.render.render import render_problem_set
    from spikeset.variants.roster import Student

    a_path, _ = default_files()
    assignment = load_assignment(a_path)
    students = [Student(id=f"b{i:03d}", name=f"Bench Student {i}") for i in range(args.students)]
    sets = assemble(assignment, students, DEMO_SECRET)
    pages = [render_problem_set(s) for s in sets]
    print(f"{len(pages)} problem sets of {assignment.id!r}, {usable_cores()} cores available")

    import weasyprint
    write_pdf(pages[0], Path(tempfile.gettempdir()) / "spikeset-bench-warmup.pdf")  # fonts, imports
    t0 = time.perf_counter()
    for _ in range(3):
        weasyprint.HTML(string=pages[0], base_url=".").write_pdf()
    one = (time.perf_counter() - t0) / 3
    print(f"WeasyPrint alone, one document:      {one:6.3f} s  ({1 / one:5.2f} documents/s)")

    for jobs in args.jobs:
        with tempfile.TemporaryDirectory() as tmp:
            docs = [(html, Path(tmp) / f"{i}.pdf") for i, html in enumerate(pages)]
            t0 = time.perf_counter()
            write_pdfs(docs, jobs=jobs)
            dt = time.perf_counter() - t0
        print(f"spikeset write_pdfs, --jobs {jobs}:       {dt:6.2f} s  ({len(pages) / dt:5.2f} students' PDFs/s, "
              f"{len(pages) / dt * one:4.2f}x one WeasyPrint process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
