"""Subcommands ``generate``, ``grade`` and ``demo``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("generate", help="write every student's problem set, answer file and the instructor key")
    g.add_argument("assignment", help="assignment TOML file")
    g.add_argument("--roster", required=True, help="roster CSV file (column id; optional name, email, section)")
    g.add_argument("--out", required=True, help="output folder")
    _secret_option(g)
    g.add_argument("--paper", choices=("A4", "Letter"), default="A4", help="paper size of the PDFs (default A4)")
    g.add_argument("--no-pdf", action="store_true", help="skip the PDFs (HTML and answer files only)")
    g.add_argument("--jobs", type=int, default=None, help="processes rendering PDFs (default: all cores)")
    g.set_defaults(func=cmd_generate)

    r = sub.add_parser("grade", help="grade students' answer files")
    r.add_argument("assignment", help="assignment TOML file")
    r.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                   help="answer file, or folder searched for *answer*.toml files")
    _secret_option(r)
    r.add_argument("--roster", help="roster CSV: students not on it are refused, copied files are named")
    r.add_argument("--json", metavar="FILE", help="write the results as JSON ('-' for stdout)")
    r.add_argument("--markdown", metavar="FILE", help="write per-student feedback as Markdown")
    r.add_argument("--reveal", action="store_true", help="show the correct values in reports")
    r.add_argument("--fail-under", type=float, metavar="PERCENT",
                   help="exit 1 when a submission scores below PERCENT")
    r.add_argument("--quiet", action="store_true", help="print no summary table")
    r.set_defaults(func=cmd_grade)

    d = sub.add_parser("demo", help="run everything on a built-in assignment and roster")
    d.add_argument("--out", default="demo-out", help="output folder (default demo-out)")
    d.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    d.set_defaults(func=cmd_demo)


def _secret_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--secret-file", metavar="FILE",
                   help="file holding the course secret (default: $SPIKESET_SECRET)")


def secret_from_args(args: argparse.Namespace, *, quiet: bool = False) -> bytes | None:
    from .seeding import SECRET_ENV, read_secret

    secret = read_secret(getattr(args, "secret_file", None))
    if secret is None and not quiet:
        print(f"spikeset: note: no course secret ({SECRET_ENV} or --secret-file): "
              "variants are predictable from the assignment id.", file=sys.stderr)
    return secret


def cmd_generate(args: argparse.Namespace) -> int:
    from .assignment import load_assignment
    from .generate import generate
    from .roster import load_roster

    assignment = load_assignment(args.assignment)
    students = load_roster(args.roster)
    secret = secret_from_args(args)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs: expected a positive number of processes")
    files = generate(assignment=assignment, students=students, secret=secret, out_dir=args.out,
                     pdf=not args.no_pdf, paper=args.paper)
    print(f"Generated {len(files.student_dirs)} problem sets in {files.out_dir / 'students'}")
    print(f"Instructor key: {files.key}")
    print(f"Worked solutions: {files.solutions_html}" + (f" and {files.solutions_pdf}" if files.solutions_pdf else ""))
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from .assignment import load_assignment
    from .grading import grade
    from .reports import print_summary, write_reports
    from .roster import load_roster

    assignment = load_assignment(args.assignment)
    roster = load_roster(args.roster) if args.roster else None
    secret = secret_from_args(args)
    report = grade(assignment=assignment, submissions=args.submissions, secret=secret, roster=roster)
    write_reports(report, args)
    if not args.quiet:
        print_summary(report, reveal=args.reveal)
    status = 1 if report.errors else 0
    if args.fail_under is not None and any(s.percent < args.fail_under for s in report.submissions):
        status = 1
    return status


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(out_dir=Path(args.out), pdf=not args.no_pdf)
