"""Subcommand ``generate``."""
from __future__ import annotations

import argparse

from .commands import _secret_option, secret_from_args
from ..errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("generate", help="write every student's problem set, answer file and the instructor key",
                       description="Draw one variant per roster student and write, under --out, "
                                   "students/<id>/problems.html (the problem set and answer form), problems.pdf"
                                   " and a blank answers.toml; instructor/key.json and key.csv (every reference"
                                   " answer with its accepted interval) and instructor/solutions/ (worked "
                                   "solutions per student, with an index.html). A re-run renders only the "
                                   "students whose inputs changed.")
    g.add_argument("assignment", help="assignment TOML file")
    g.add_argument("--roster", required=True, help="roster CSV file (column id; optional name, email, section, github)")
    g.add_argument("--out", required=True, help="output folder")
    _secret_option(g)
    g.add_argument("--paper", choices=("A4", "Letter"), default="A4", type=_paper,
                   help="paper size of the PDFs (default A4)")
    g.add_argument("--no-pdf", action="store_true", help="skip the PDFs (HTML and answer files only)")
    g.add_argument("--jobs", type=int, default=None, help="processes rendering the sets (default: all cores)")
    g.add_argument("--force", action="store_true",
                   help="render every student again; replaces a folder generated for another assignment or secret")
    g.add_argument("--quiet", action="store_true", help="no progress bars (they show only on a terminal anyway)")
    g.add_argument("--shard", metavar="K/N",
                   help="generate only shard K of N of the roster (every N-th student from the K-th) into --out, "
                        "one folder per shard; `spikeset merge generate` puts the folders together")
    g.add_argument("--signing-key", metavar="FILE",
                   help="private key from `spikeset keygen`: also write a signed students/<id>/variant.toml, "
                        "so that `grade --public-key` grades without the secret (GitHub Classroom)")
    g.set_defaults(func=cmd_generate)
    # `spikeset keygen` makes that key pair; registered here, beside the command that uses it.
    from .keygen_commands import register as register_keygen
    register_keygen(sub)


def cmd_generate(args: argparse.Namespace) -> int:
    from ..variants.assignment import load_assignment
    from ..render.generate import generate
    from ..variants.roster import load_roster

    assignment = load_assignment(args.assignment)
    students = load_roster(args.roster)
    if args.shard:
        from ..sharding import parse_shard
        students = parse_shard(args.shard).take(students)
    secret = secret_from_args(args)
    signing_key = None
    if args.signing_key:
        from ..variants.signing import load_signing_key
        signing_key = load_signing_key(args.signing_key)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs: expected a positive number of processes")
    if not args.no_pdf:
        _warn_unprintable_names(students)
    from .progress import progress_reporter

    with progress_reporter(None if not args.quiet else False) as report:
        files = generate(assignment=assignment, students=students, secret=secret, out_dir=args.out,
                         pdf=not args.no_pdf, paper=args.paper, jobs=args.jobs, reporter=report,
                         force=args.force, signing_key=signing_key)
    print_generated(files)
    if signing_key is not None:
        print(f"Signed variants (key {signing_key.key_id}): students/<id>/variant.toml")
    return 0


def _warn_unprintable_names(students) -> None:
    """A name no installed font can print would come out of the PDFs as boxes: say so first."""
    import sys

    from ..render.font_coverage import installed_coverage, unprintable_names_warning
    from ..safe_text import safe_text

    warning = unprintable_names_warning(students, installed_coverage())
    if warning:
        print(f"spikeset: warning: {safe_text(warning, 2000)}", file=sys.stderr)


def print_generated(files) -> None:
    """Where a ``generate`` run put everything (and what it rendered or removed)."""
    n, fresh = len(files.student_dirs), len(files.rendered)
    note = "" if fresh == n else f" ({fresh} rendered, {n - fresh} up to date; --force renders all)"
    print(f"Generated {n} problem set{'' if n == 1 else 's'} in {files.out_dir / 'students'}{note}")
    pdf = ", problems.pdf" if files.solutions_pdfs else ""
    print(f"  for the students: {files.out_dir / 'students'}/<id>/problems.html{pdf}, answers.toml "
          f"(hand each student their folder; the instructor/ folder is yours only)")
    if files.removed:
        print(f"Removed {len(files.removed)} student{'' if len(files.removed) == 1 else 's'} no longer on the roster: {', '.join(files.removed)}")
    print(f"Instructor key: {files.key} and {files.key_csv}")
    print(f"Worked solutions: {files.solutions_dir}/<id>.html" + (", <id>.pdf" if files.solutions_pdfs else "")
          + f" (index: {files.solutions_index})")


def _paper(text: str) -> str:
    return {"a4": "A4", "letter": "Letter"}.get(text.strip().lower(), text)
