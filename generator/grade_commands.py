"""Subcommand ``grade``."""
from __future__ import annotations

import argparse

from .commands import _secret_option, secret_from_args


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("grade", help="grade students' answer files")
    r.add_argument("assignment", help="assignment TOML file")
    r.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                   help="answer file, or folder searched for *answer*.toml files")
    _secret_option(r)
    r.add_argument("--roster", help="roster CSV: students not on it are refused, copied files are named")
    r.add_argument("--json", metavar="FILE", help="write the results as JSON ('-' for stdout)")
    r.add_argument("--markdown", metavar="FILE",
                   help="write per-student feedback as Markdown (also added to $GITHUB_STEP_SUMMARY when set)")
    r.add_argument("--junit", metavar="FILE", help="write JUnit XML: one test case per question")
    r.add_argument("--gradebook", metavar="FILE", help="write a gradebook CSV that Canvas imports")
    r.add_argument("--html", metavar="DIR", help="write a self-contained feedback page per student into DIR")
    r.add_argument("--github-classroom", action="store_true",
                   help="GitHub Classroom autograding: write the result object to $GITHUB_OUTPUT, "
                        "nothing on stderr when grading worked")
    r.add_argument("--reveal", action="store_true", help="show the correct values in reports")
    r.add_argument("--sigfig-share", type=_share, default=None, metavar="SHARE",
                   help="share of the points for the right value with the wrong number of significant "
                        "figures (default: the assignment's sigfig_share, else 0.5)")
    r.add_argument("--fail-under", type=float, metavar="PERCENT",
                   help="exit 1 when a submission scores below PERCENT")
    r.add_argument("--quiet", action="store_true", help="print no summary table")
    r.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes for a large batch (default: one per core, at least "
                        "40 answer files each; 1 grades in this process)")
    r.add_argument("--shard", metavar="K/N",
                   help="grade only shard K of N of the answer files (one per machine); "
                        "`spikeset merge grades` combines the shards' JSON reports")
    r.set_defaults(func=cmd_grade)


def cmd_grade(args: argparse.Namespace) -> int:
    import time

    from .assignment import load_assignment
    from .grading import grade
    from .reports import print_summary, write_reports
    from .roster import load_roster

    start = time.perf_counter()
    if args.jobs is not None and args.jobs < 1:
        from .errors import UsageError
        raise UsageError("--jobs: expected a positive number of processes")
    assignment = load_assignment(args.assignment)
    roster = load_roster(args.roster) if args.roster else None
    secret = secret_from_args(args, quiet=args.github_classroom)
    shard = None
    if args.shard:
        from .sharding import parse_shard
        shard = parse_shard(args.shard)
    report = grade(assignment=assignment, submissions=args.submissions, secret=secret, roster=roster,
                   sigfig_share=args.sigfig_share, jobs=args.jobs,
                   prepare_json=args.reveal if args.json else None, shard=shard)
    write_reports(report, args)
    if args.github_classroom:
        from .report_classroom import write_classroom_output
        write_classroom_output(report, seconds=time.perf_counter() - start)
    if not args.quiet:
        print_summary(report, reveal=args.reveal)
    status = 1 if report.errors else 0
    if args.fail_under is not None and any(s.percent < args.fail_under for s in report.submissions):
        status = 1
    return status
