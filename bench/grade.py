"""Grading benchmark: 1000 submissions of the default demo assignment, in-process and through the CLI.

Targets: the batch of 1000 in <= 10 s; one file through the CLI in <= 1.5 s.
Run: python bench/grade.py [--n 1000]

Measured on the 2-core development machine, idle, default assignment (16 problems: every
calculation and simulation family): in-process 1000 submissions 18.0 s (target missed: the
simulation families take ~5.5 s on 2 threads, sampling and placing the ten closed-form families
~8 s of Python, reading and scoring the answers ~3 s); CLI batch 18-24 s; CLI single file
1.6-2.0 s (numba's import and cached-kernel load are ~0.8 s of it). A single file imports
neither matplotlib, weasyprint nor jinja2; pint only for uncommon units.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from spikeset.assemble import assemble
from spikeset.assignment import load_assignment
from spikeset.demo import STYLES, default_files, sample_submission
from spikeset.grading import grade
from spikeset.roster import Student

SECRET = b"bench-secret"


def write_submissions(folder: Path, n: int) -> Path:
    assignment_path, _ = default_files()
    assignment = load_assignment(assignment_path)
    students = [Student(id=f"b{i:05d}") for i in range(n)]
    for i, s in enumerate(assemble(assignment, students, SECRET)):
        d = folder / s.student.id
        d.mkdir(parents=True, exist_ok=True)
        (d / "answers.toml").write_text(sample_submission(s, STYLES[i % len(STYLES)]), encoding="utf-8")
    return assignment_path


def cli(*args: str) -> float:
    env = {**os.environ, "SPIKESET_SECRET": SECRET.decode()}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "spikeset", "grade", *args, "--quiet"], env=env, check=False,
                   capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="single-file CLI runs (median reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        t0 = time.perf_counter()
        assignment_path = write_submissions(folder, args.n)
        print(f"wrote {args.n} submissions in {time.perf_counter() - t0:.2f} s")
        assignment = load_assignment(assignment_path)

        start = time.perf_counter()
        report = grade(assignment=assignment, submissions=[folder], secret=SECRET)
        in_process = time.perf_counter() - start
        assert len(report.submissions) == args.n and not report.errors, report.errors[:3]
        mean = statistics.mean(s.percent for s in report.submissions)
        print(f"in-process grade(): {args.n} submissions in {in_process:.2f} s "
              f"({1000 * in_process / args.n:.2f} ms each; mean score {mean:.1f} %)  target <= 10 s")

        batch_cli = cli(str(assignment_path), str(folder), "--json", str(Path(tmp) / "r.json"))
        print(f"CLI batch:          {args.n} submissions in {batch_cli:.2f} s (with --json)  target <= 10 s")

        one = folder / "b00000" / "answers.toml"
        runs = [cli(str(assignment_path), str(one)) for _ in range(args.repeat)]
        print(f"CLI single file:    median {statistics.median(runs):.3f} s, min {min(runs):.3f} s "
              f"over {args.repeat} runs  target <= 1.5 s")
        ok = in_process <= 10 and batch_cli <= 10 and statistics.median(runs) <= 1.5
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
