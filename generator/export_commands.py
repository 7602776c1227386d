"""Subcommand ``export``: question banks for learning-management systems.

    spikeset export moodle ASSIGNMENT.toml --variants 20 --out quiz.xml
    spikeset export qti ASSIGNMENT.toml --variants 20 --out quiz.zip     (Canvas QTI 1.2)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .commands import _secret_option, secret_from_args
from .errors import UsageError

FORMATS = {"moodle": ("Moodle XML question bank", ".xml"), "qti": ("Canvas QTI 1.2 zip", ".zip")}


def register(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("export", help="export pre-drawn variants to Moodle XML or a Canvas QTI zip",
                       description="Each question of each problem becomes its own LMS question, with the problem "
                                   "statement repeated; N variants are drawn as pseudo-students variant-001, ...")
    fmts = e.add_subparsers(dest="format", metavar="FORMAT")
    for name, (label, ext) in FORMATS.items():
        p = fmts.add_parser(name, help=label)
        p.add_argument("assignment", help="assignment TOML file")
        p.add_argument("--variants", type=int, default=10, help="variants drawn per question (default 10)")
        p.add_argument("--out", help=f"output file (default <assignment id>-{name}{ext})")
        _secret_option(p)
        p.set_defaults(func=cmd_export, format=name)
    e.set_defaults(func=lambda args: (e.print_help(), 2)[1])


def cmd_export(args: argparse.Namespace) -> int:
    from .atomic_write import write_atomic
    from .assignment import load_assignment
    from .exports import lms_questions

    if args.variants < 1 or args.variants > 1000:
        raise UsageError("--variants: expected a number from 1 to 1000")
    assignment = load_assignment(args.assignment)
    secret = secret_from_args(args)
    questions = lms_questions(assignment, args.variants, secret)
    if args.format == "moodle":
        from .exports.moodle import moodle_xml
        data = moodle_xml(questions, title=assignment.title, assignment_id=assignment.id)
    else:
        from .exports.qti import qti_zip
        data = qti_zip(questions, title=assignment.title, assignment_id=assignment.id)
    out = Path(args.out or f"{assignment.id}-{args.format}{FORMATS[args.format][1]}")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, data)
    parts = len({q.qid for q in questions})
    print(f"Wrote {out}: {FORMATS[args.format][0]}, {parts} questions x {args.variants} variants "
          f"({len(questions)} items)", file=sys.stdout)
    return 0
