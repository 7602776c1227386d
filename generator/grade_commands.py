"""Subcommand ``grade``."""
from __future__ import annotations

import argparse

from .commands import _secret_option, secret_from_args


def register(sub: argparse._SubParsersAction) -> None:
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


