"""Subcommand ``grade``."""
from __future__ import annotations

import argparse

from .commands import _secret_option, secret_from_args
from ..model import FEEDBACK_LEVELS


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("grade", help="grade students' answer files",
                       description="Grade answers.toml files against reference answers recomputed from the "
                                   "course secret (or, with --public-key, from each student's signed "
                                   "variant.toml): prints a score table and writes the reports asked for (JSON,"
                                   " Markdown, JUnit, a Canvas gradebook CSV, HTML feedback pages). A file that"
                                   " cannot be graded is reported and never stops the others.")
    r.add_argument("assignment", help="assignment TOML file")
    r.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                   help="answer file, or folder searched for *answer*.toml files")
    _secret_option(r)
    r.add_argument("--public-key", metavar="FILE",
                   help="grade each answer file against the signed variant.toml beside it, verified with "
                        "this public key (from `spikeset keygen`): no secret needed")
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
    r.add_argument("--shard", metavar="K/N",
                   help="grade only shard K of N of the answer files (one per machine); "
                        "`spikeset merge grades` combines the shards' JSON reports")
    r.set_defaults(func=cmd_grade)


def feedback_settings(assignment, args: argparse.Namespace, *, now=None):
    """The assignment with the feedback level in force; sets ``args.reveal`` when the values are
    revealed (``--reveal``, or ``reveal_after`` has passed at ``now``). Once revealed, nothing is
    left to hide: the feedback is ``full``."""
    import dataclasses

    args.reveal = bool(getattr(args, "reveal", False)) or assignment.revealed(now)
    level = "full" if args.reveal else getattr(args, "feedback", None) or assignment.feedback
    return dataclasses.replace(assignment, feedback=level)


#: Reports named after the summary table, in this order: (option, attribute of ``args``).
REPORT_OPTIONS = (("--json", "json"), ("--markdown", "markdown"), ("--junit", "junit"),
                  ("--gradebook", "gradebook"), ("--html", "html"))


def outcome_lines(report, args: argparse.Namespace, roster, failures: list[str]) -> list[str]:
    """What follows the summary table: the roster students with no graded file, and where the
    reports are (or that none was asked for)."""
    from ..safe_text import safe_name

    lines = []
    if roster is not None:
        graded = {s.student for s in report.submissions}
        absent = [student.id for student in roster if student.id not in graded]
        if absent:
            shown = ", ".join(absent[:10]) + (f" and {len(absent) - 10} more" if len(absent) > 10 else "")
            lines.append(f"{len(absent)} of {len(roster)} roster students have no graded answer file: {shown}")
    written = [f"{safe_name(getattr(args, attr))}" + ("/<id>.html" if attr == "html" else "")
               for option, attr in REPORT_OPTIONS
               if getattr(args, attr, None) and getattr(args, attr) != "-"
               and not any(line.startswith(f"{option} ") for line in failures)]
    if written:
        lines.append(f"Reports: {', '.join(written)}")
    elif not any(getattr(args, attr, None) for _, attr in REPORT_OPTIONS) and not args.github_classroom:
        lines.append("No report written: add --json FILE, --markdown FILE, --gradebook FILE.csv or --html DIR "
                     "(see spikeset grade --help)")
    return lines


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade, write every report asked for, print the summary; return the exit status.

    0 all graded; 1 a file not graded (the others were) or ``--fail-under`` not met; 2 a report
    that cannot be written (the others are written); 3 a bug of spikeset met while grading a
    file or writing a report: everything else is still graded and written."""
    import sys
    import time

    from ..variants.assignment import load_assignment
    from ..grade.grading import grade
    from ..reports.reports import print_summary, write_reports
    from ..variants.roster import load_roster

    start = time.perf_counter()
    if args.jobs is not None and args.jobs < 1:
        from ..errors import UsageError
        raise UsageError("--jobs: expected a positive number of processes")
    assignment = feedback_settings(load_assignment(args.assignment), args)
    roster = load_roster(args.roster) if args.roster else None
    shard = None
    if args.shard:
        from ..sharding import parse_shard
        shard = parse_shard(args.shard)
    if args.public_key:
        if args.secret_file:
            from ..errors import UsageError
            raise UsageError("--public-key grades from the signed variants; leave out --secret-file "
                             "(with the secret, grade without --public-key)")
        if shard is not None:
            from ..errors import UsageError
            raise UsageError("--shard is for grading with the secret (an instructor's batch); "
                             "--public-key grades one repository")
        from ..grade.signed_grading import grade_signed
        from ..variants.signing import load_public_key
        report = grade_signed(assignment=assignment, submissions=args.submissions, roster=roster,
                              public_key=load_public_key(args.public_key), sigfig_share=args.sigfig_share)
    else:
        secret = secret_from_args(args, quiet=args.github_classroom)
        report = grade(assignment=assignment, submissions=args.submissions, secret=secret, roster=roster,
                       sigfig_share=args.sigfig_share, jobs=args.jobs,
                       prepare_json=args.reveal if args.json else None, shard=shard)
        if roster is not None:  # clones of the students' repositories: a classmate's file is named
            from ..grade.signed_grading import foreign_repository_warnings
            report = foreign_repository_warnings(report, roster)
    failures = write_reports(report, args)
    if args.github_classroom:
        from ..reports.report_classroom import write_classroom_output
        try:
            write_classroom_output(report, seconds=time.perf_counter() - start)
        except OSError as exc:
            failures.append(f"--github-classroom: cannot write $GITHUB_OUTPUT: {exc.strerror}")
    json_on_stdout = args.json == "-"
    if not args.quiet and not (json_on_stdout and args.github_classroom):
        # with --json -, stdout holds only the JSON: the table goes to stderr
        stream = sys.stderr if json_on_stdout else sys.stdout
        print_summary(report, reveal=args.reveal, stream=stream)
        for line in outcome_lines(report, args, roster, failures):
            print(line, file=stream)
    for line in failures:
        print(f"spikeset: error: {line}", file=sys.stderr)
    status = 1 if report.errors else 0
    if args.fail_under is not None and any(s.percent < args.fail_under for s in report.submissions):
        status = 1
    if failures:
        status = 3 if any("internal error" in line for line in failures) else max(status, 2)
    if any(e.internal for e in report.errors):
        status = 3
    return status
