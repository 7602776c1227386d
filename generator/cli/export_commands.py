"""Subcommand ``export``: question banks for learning-management systems.

    spikeset export moodle ASSIGNMENT.toml --variants 20 --out quiz.xml
    spikeset export qti ASSIGNMENT.toml --variants 20 --out quiz.zip     (Canvas QTI 1.2)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .commands import _secret_option, secret_from_args
from ..errors import UsageError

FORMATS = {"moodle": ("Moodle XML question bank", ".xml"), "qti": ("Canvas QTI 1.2 zip", ".zip")}
EXPORT_DESCRIPTIONS = {
    "moodle": "Write a Moodle XML question bank of --variants pre-drawn variants: one category per problem, one"
              " Cloze question per variant whose parts share it. Import it in the question bank and add one "
              "random question per category to a quiz.",
    "qti": "Write a Canvas QTI 1.2 zip (Classic Quizzes) of --variants pre-drawn variants: one item per part, "
           "repeating its variant's statement, in a group that picks 1 of the variants. Import it under "
           "Settings > Import course content > QTI .zip file.",
}


def file_size(n_bytes: int) -> str:
    """``"37 KB"``, ``"1.4 MB"``: a size as a person reads it (never "0.0 MB")."""
    if n_bytes < 2**20:
        return f"{max(1, round(n_bytes / 2**10))} KB"
    return f"{n_bytes / 2**20:.1f} MB"


def register(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("export", help="export pre-drawn variants to Moodle XML or a Canvas QTI zip",
                       description="N variants are drawn as pseudo-students variant-001, ...; Moodle gets one "
                                   "Cloze question per problem and variant (its parts share the variant), Canvas "
                                   "one item per part that repeats its variant's statement.")
    fmts = e.add_subparsers(dest="format", metavar="FORMAT")
    for name, (label, ext) in FORMATS.items():
        p = fmts.add_parser(name, help=label, description=EXPORT_DESCRIPTIONS[name])
        p.add_argument("assignment", help="assignment TOML file")
        p.add_argument("--variants", type=int, default=10, help="variants drawn per question (default 10)")
        p.add_argument("--out", help=f"output file (default <assignment id>-{name}{ext})")
        _secret_option(p)
        p.set_defaults(func=cmd_export, format=name)
    e.set_defaults(func=lambda args: (e.print_help(), 2)[1])


#: Sizes above which an LMS's default settings refuse or choke on an import (bytes): Moodle's
#: default maximum upload and PHP memory limit, Canvas's usual course-import quota.
LMS_LIMITS = {"moodle": (20 * 2**20, "Moodle imports above about 20 MB may exceed its default upload size "
                                     "and PHP memory limit (512 MB)"),
              "qti": (250 * 2**20, "Canvas refuses course imports above its usual 250 MB quota")}


def cmd_export(args: argparse.Namespace) -> int:
    from ..variants.assignment import load_assignment
    from ..atomic_write import write_atomic

    if args.variants < 1 or args.variants > 1000:
        raise UsageError("--variants: expected a number from 1 to 1000")
    assignment = load_assignment(args.assignment)
    secret = secret_from_args(args)
    if args.format == "moodle":
        from ..exports import lms_problems
        from ..exports.moodle import moodle_xml
        problems = lms_problems(assignment, args.variants, secret, flavour="moodle")
        data = moodle_xml(problems, title=assignment.title, assignment_id=assignment.id)
        what = f"{len({p.number for p in problems})} Cloze questions x {args.variants} variants"
    else:
        from ..exports import lms_questions
        from ..exports.qti import qti_zip
        questions = lms_questions(assignment, args.variants, secret, flavour="canvas")
        data = qti_zip(questions, title=assignment.title, assignment_id=assignment.id)
        what = f"{len({q.qid for q in questions})} questions x {args.variants} variants ({len(questions)} items)"
    out = Path(args.out or f"{assignment.id}-{args.format}{FORMATS[args.format][1]}")
    write_atomic(out, data)
    print(f"Wrote {out}: {FORMATS[args.format][0]}, {what}, {file_size(len(data))}", file=sys.stdout)
    limit, why = LMS_LIMITS[args.format]
    if len(data) > limit:
        print(f"spikeset: warning: {out} is {len(data) / 2**20:.0f} MB: {why}; export fewer variants "
              f"(--variants) or split the assignment.", file=sys.stderr)
    return 0
