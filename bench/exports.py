"""LMS exports of the built-in assignment: Moodle XML size and time, Canvas QTI zip time.

    python bench/exports.py [--variants 100]

Targets (issue 12): Moodle XML for 100 variants <= 20 MB; Canvas zip for 100 variants <= 10 s.
Prints the machine's load, since a shared machine moves the seconds.
"""
from __future__ import annotations

import argparse
import os
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=100)
    args = ap.parse_args()

    from spikeset.variants.assignment import load_assignment
    from spikeset.cli.demo import DEMO_SECRET, default_files
    from spikeset.exports import lms_problems, lms_questions
    from spikeset.exports.moodle import moodle_xml
    from spikeset.exports.qti import qti_zip

    assignment = load_assignment(default_files()[0])
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {args.variants} variants of "
          f"{assignment.id} ({len(assignment.problems)} problems)")
    start = time.perf_counter()
    problems = lms_problems(assignment, args.variants, DEMO_SECRET, flavour="moodle")
    xml = moodle_xml(problems, title=assignment.title, assignment_id=assignment.id)
    moodle_s = time.perf_counter() - start
    start = time.perf_counter()
    questions = lms_questions(assignment, args.variants, DEMO_SECRET, flavour="canvas")
    data = qti_zip(questions, title=assignment.title, assignment_id=assignment.id)
    canvas_s = time.perf_counter() - start
    print(f"Moodle XML: {len(xml) / 2**20:.1f} MB in {moodle_s:.1f} s (target <= 20 MB)")
    print(f"Canvas QTI zip: {len(data) / 2**20:.1f} MB in {canvas_s:.1f} s (target <= 10 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
