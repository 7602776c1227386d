"""The figures of issue 12's generate targets for the built-in assignment, in one run.

    python bench/generate.py [--students 20] [--pdf-students 3] [--rss 20 80] [--roster 300]
                             [--class-pdf 300 1000]

- HTML: ms per student of ``generate --no-pdf`` on one core (after a warm-up: imports, solver);
- PDF: seconds per student set (WeasyPrint on one core) and pages per set; the solutions too;
- memory: peak RSS of ``spikeset generate --no-pdf`` (every process) for each class size of
  ``--rss``: it must not grow with the class;
- incremental: a re-run after adding 3 students to a generated roster of ``--roster`` students;
- ``--class-pdf N ...`` (off by default: minutes per class): a whole ``spikeset generate`` with every
  PDF for a class of N on all cores, timed, with the peak of the summed RSS of all its processes
  (parent and workers, sampled every 0.2 s from /proc).

Times are CPU seconds of this process where marked (steadier than wall time on a machine
shared with other work); wall times move with the load, which is printed.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECRET = b"bench-secret-0123456789abcdef"


def _students(n: int, start: int = 0):
    from spikeset.variants.roster import Student

    return [Student(id=f"b{i:04d}", name=f"Bench Student {i}") for i in range(start, start + n)]


def _assignment():
    from spikeset.variants.assignment import load_assignment
    from spikeset.cli.demo import default_files

    return load_assignment(default_files()[0])


def html_ms_per_student(n: int) -> tuple[float, float]:
    """(wall, CPU) milliseconds per student."""
    from spikeset.render.generate import generate

    a = _assignment()
    with tempfile.TemporaryDirectory() as tmp:
        generate(assignment=a, students=_students(1, 9000), secret=SECRET, out_dir=Path(tmp) / "warm", pdf=False,
                 jobs=1)
        t0, c0 = time.perf_counter(), time.process_time()
        generate(assignment=a, students=_students(n), secret=SECRET, out_dir=Path(tmp) / "o", pdf=False, jobs=1)
        return (time.perf_counter() - t0) / n * 1000, (time.process_time() - c0) / n * 1000


def pdf_seconds(n: int) -> tuple[float, float, list[int], list[int]]:
    """(CPU s per problem set, CPU s per solutions document, pages per set, pages per solutions)."""
    import weasyprint

    from spikeset.variants.assemble import assemble
    from spikeset.render.pdf import WRITE_OPTIONS, font_config, printable, setup
    from spikeset.render.render import figures, render_problem_set, render_solutions

    setup()
    sets = assemble(_assignment(), _students(n + 1), SECRET)
    docs = []
    for s in sets:
        drawn = figures(s)
        docs.append((render_problem_set(s, drawn=drawn), render_solutions([s], drawn=[drawn])))
    weasyprint.HTML(string=docs[-1][0]).write_pdf(font_config=font_config())  # fonts, caches
    times: dict[int, float] = {0: 0.0, 1: 0.0}
    pages: dict[int, list[int]] = {0: [], 1: []}
    for pair in docs[:n]:
        for k, text in enumerate(pair):
            t0 = time.process_time()
            doc = weasyprint.HTML(string=printable(text), base_url=".").render(font_config=font_config())  # as render.pdf.pdf_bytes
            doc.write_pdf(**WRITE_OPTIONS)
            times[k] += time.process_time() - t0
            pages[k].append(len(doc.pages))
    return times[0] / n, times[1] / n, pages[0], pages[1]


_RSS_RUNNER = r"""
import resource, sys
from spikeset.cli import main
code = main(sys.argv[1:])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("RSS", own, kids, file=sys.stderr)
sys.exit(code)
"""


def _roster(path: Path, students) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name"])
        for s in students:
            w.writerow([s.id, s.name])
    return path


def _cli(args: list[str]) -> tuple[float, int]:
    """Run ``spikeset`` in a fresh process: (wall seconds, peak RSS of any process [MB])."""
    from spikeset.cli.demo import default_files

    env = {**os.environ, "SPIKESET_SECRET": SECRET.decode()}
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", _RSS_RUNNER, *args], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if run.returncode != 0:
        raise SystemExit(f"spikeset {' '.join(args)} failed:\n{run.stderr[-2000:]}")
    line = next(l for l in run.stderr.splitlines() if l.startswith("RSS "))
    own, kids = map(int, line.split()[1:])
    return wall, max(own, kids) // 1024


def peak_rss(n: int, tmp: Path) -> int:
    from spikeset.cli.demo import default_files

    roster = _roster(tmp / f"rss{n}.csv", _students(n))
    _, rss = _cli(["generate", str(default_files()[0]), "--roster", str(roster), "--out", str(tmp / f"rss{n}"),
                   "--no-pdf", "--quiet"])
    return rss


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """(summed resident, summed proportional) memory [kB] of ``root`` and all its descendants,
    read from /proc. Forked workers share the parent's pages until they write them: the summed
    RSS counts a shared page once per process, the summed PSS (``smaps_rollup``) splits it among
    them, so PSS is what the processes take from the machine together."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [c for c, p in parents.items() if p == pid and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    rss = pss = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


def class_with_pdfs(n: int, tmp: Path) -> tuple[float, int, int, int, list[tuple[int, int]]]:
    """(wall seconds, peak summed RSS [MB], peak summed PSS [MB], PDFs written, [(students done,
    peak summed PSS [MB] so far)] about every 10 s) of ``spikeset generate`` with PDFs for n
    students."""
    from spikeset.cli.demo import default_files
    from spikeset.parallel import usable_cores

    roster = _roster(tmp / f"class{n}.csv", _students(n))
    out = tmp / f"class{n}"
    env = {**os.environ, "SPIKESET_SECRET": SECRET.decode()}
    cmd = [sys.executable, "-m", "spikeset", "generate", str(default_files()[0]), "--roster", str(roster),
           "--out", str(out), "--jobs", str(usable_cores()), "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0
    progress: list[tuple[int, int]] = []
    next_look = time.perf_counter() + 10
    while proc.poll() is None:
        rss, pss = _tree_memory_kb(proc.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        if time.perf_counter() > next_look:
            sols = out / "instructor" / "solutions"
            done = sum(1 for _ in sols.glob("*.pdf")) if sols.is_dir() else 0
            progress.append((done, peak_pss // 1024))
            next_look += 10
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"generate of {n} students failed:\n{proc.stderr.read()[-2000:]}")
    pdfs = sum(1 for _ in out.rglob("*.pdf"))
    return wall, peak_rss // 1024, peak_pss // 1024, pdfs, progress


def incremental(n: int, tmp: Path) -> tuple[float, float, str]:
    """(seconds of the first run of n students, seconds of the re-run with 3 more, its summary line)."""
    from spikeset.cli.demo import default_files

    out = tmp / "incremental"
    a = str(default_files()[0])
    first, _ = _cli(["generate", a, "--roster", str(_roster(tmp / "r1.csv", _students(n))), "--out", str(out),
                     "--no-pdf", "--quiet"])
    again, _ = _cli(["generate", a, "--roster", str(_roster(tmp / "r2.csv", _students(n + 3))), "--out", str(out),
                     "--no-pdf", "--quiet"])
    manifest = json.loads((out / ".spikeset-manifest.json").read_text())
    return first, again, f"{len(manifest['students'])} students in the manifest"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20, help="students timed for HTML (one core)")
    ap.add_argument("--pdf-students", type=int, default=3, help="students timed for PDF (one core)")
    ap.add_argument("--rss", type=int, nargs="+", default=[20, 80], help="class sizes for peak memory")
    ap.add_argument("--roster", type=int, default=300, help="roster of the incremental re-run")
    ap.add_argument("--class-pdf", type=int, nargs="*", default=[],
                    help="class sizes generated whole with every PDF (wall time, peak memory of all processes)")
    args = ap.parse_args()

    from spikeset.parallel import usable_cores

    print(f"spikeset generate, built-in assignment; {usable_cores()} cores; load {os.getloadavg()[0]:.1f}")
    wall, ms = html_ms_per_student(args.students)
    print(f"HTML (--no-pdf), one core:   {ms:8.0f} ms CPU per student, {wall:.0f} ms wall (target <= 50; "
          f"1000 students on {usable_cores()} cores ~ {ms * 1000 / usable_cores() / 1000:.0f} s, target <= 60)")
    per_set, per_sol, pages, sol_pages = pdf_seconds(args.pdf_students)
    print(f"PDF, one core:               {per_set:8.2f} s CPU per problem set (target <= 1.0); "
          f"solutions {per_sol:.2f} s per student")
    print(f"pages per set:               {max(pages):8d}  (target <= 12; sets {pages}); solutions {sol_pages}")
    per_student_pdf = ms / 1000 + per_set + per_sol
    print(f"300 students with PDFs on {usable_cores()} cores ~ {300 * per_student_pdf / usable_cores() / 60:.1f} min"
          " (target <= 5)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in args.rss:
            print(f"peak RSS, {n:5d} students:     {peak_rss(n, tmp):5d} MB  (target: flat, <= 1024 for 1000 with PDFs)")
        first, again, note = incremental(args.roster, tmp)
        print(f"incremental: {args.roster} students {first:.1f} s; +3 students re-run {again:.1f} s ({note})")
        for n in args.class_pdf:
            wall, rss, pss, pdfs, progress = class_with_pdfs(n, tmp)
            print(f"class of {n:4d} with PDFs:      {wall / 60:6.1f} min wall on {usable_cores()} cores, {pdfs} PDFs, "
                  f"peak of all processes: PSS {pss} MB, RSS {rss} MB (targets: 300 in <= 5 min; <= 1024 MB)")
            marks = [progress[int(len(progress) * q / 10) - 1] for q in range(1, 11) if int(len(progress) * q / 10) > 0]
            print("  peak PSS so far, by students done: " + ", ".join(f"{d}: {m} MB" for d, m in marks))
    print(f"load at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
