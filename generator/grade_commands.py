"""Subcommand ``grade``."""
from __future__ import annotations

import argparse

from .commands import _secret_option, secret_from_args
from .model import FEEDBACK_LEVELS


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
    r.add_argument("--gradebook", metavar="FILE",
                   help="write a gradebook CSV that Canvas imports: the assignment's total per student "
                        "(with --roster, every roster student; why one is not graded in a note column)")
    r.add_argument("--gradebook-questions", action="store_true",
                   help="--gradebook also gets one column per question (Canvas makes each an assignment)")
    r.add_argument("--html", metavar="DIR", help="write a self-contained feedback page per student into DIR")
    r.add_argument("--github-classroom", action="store_true",
                   help="GitHub Classroom autograding: write the result object to $GITHUB_OUTPUT, "
                        "nothing on stderr when grading worked")
    r.add_argument("--reveal", action="store_true",
                   help="show the correct values in reports (automatic once the assignment's reveal_after "
                        "has passed)")
    r.add_argument("--feedback", choices=FEEDBACK_LEVELS, default=None,
                   help="what students see of a wrong answer: right/wrong and points only; plus the named "
                        "typical mistake; plus the direction and size of the error (default: the "
                        "assignment's feedback, else misconceptions)")
    r.add_argument("--sigfig-share", type=_share, default=None, metavar="SHARE",
                   help="share of the points for the right value with the wrong number of significant "
                        "figures (default: the assignment's sigfig_share, else 0.5)")
    r.add_argument("--fail-under", type=float, metavar="PERCENT",
                   help="exit 1 when a submission scores below PERCENT")
    r.add_argument("--quiet", action="store_true", help="print no summary table")
    r.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes for a large batch (default: one per core, at least "
                        "40 answer files each; 1 grades in this process)")
    r.set_defaults(func=cmd_grade)


def feedback_settings(assignment, args: argparse.Namespace, *, now=None):
    """The assignment with the feedback level in force; sets ``args.reveal`` when the values are
    revealed (``--reveal``, or ``reveal_after`` has passed at ``now``). Once revealed, nothing is
    left to hide: the feedback is ``full``."""
    import dataclasses

    args.reveal = bool(getattr(args, "reveal", False)) or assignment.revealed(now)
    level = "full" if args.reveal else getattr(args, "feedback", None) or assignment.feedback
    return dataclasses.replace(assignment, feedback=level)


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
    assignment = feedback_settings(load_assignment(args.assignment), args)
    roster = load_roster(args.roster) if args.roster else None
    secret = secret_from_args(args, quiet=args.github_classroom)
    report = grade(assignment=assignment, submissions=args.submissions, secret=secret, roster=roster,
                   sigfig_share=args.sigfig_share, jobs=args.jobs,
                   prepare_json=args.reveal if args.json else None)
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
