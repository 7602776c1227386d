"""Subcommand ``merge``: the outputs of sharded runs, combined into what one run writes.

    spikeset grade a.toml subs/ --shard 1/3 --json part-1.json     (one per machine)
    spikeset merge grades part-*.json --json grades.json --gradebook grades.csv --assignment a.toml

    spikeset generate a.toml --roster r.csv --shard 1/3 --out parts/1                (one per machine)
    spikeset merge generate parts/1 parts/2 parts/3 --out build --assignment a.toml --roster r.csv
"""
from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("merge", help="combine the outputs of sharded runs (--shard K/N)",
                       description="Put together what sharded runs wrote on several machines: the JSON reports "
                                   "of `grade --shard K/N` (merge grades) or the folders of `generate --shard "
                                   "K/N` (merge generate), byte for byte what one run would have written.")
    kinds = m.add_subparsers(dest="kind", metavar="KIND")
    g = kinds.add_parser("grades", help="JSON reports of `spikeset grade --shard K/N --json`",
                         description="Merge the JSON reports of `spikeset grade --shard K/N --json` into one "
                                     "JSON report and, with --assignment, the gradebook, Markdown and JUnit "
                                     "reports one run would write.")
    g.add_argument("parts", nargs="+", metavar="PART.json", help="the JSON report of every shard")
    g.add_argument("--json", metavar="FILE", required=True, help="write the merged JSON report ('-' for stdout)")
    g.add_argument("--gradebook", metavar="FILE", help="also write the gradebook CSV (needs --assignment)")
    g.add_argument("--markdown", metavar="FILE", help="also write the Markdown feedback (needs --assignment)")
    g.add_argument("--junit", metavar="FILE", help="also write JUnit XML (needs --assignment)")
    g.add_argument("--assignment", metavar="FILE", help="the assignment TOML the parts were graded with")
    g.add_argument("--roster", metavar="FILE", help="the roster the parts were graded with (the gradebook lists it)")
    g.add_argument("--gradebook-questions", action="store_true",
                   help="the gradebook also gets one column per question (as with spikeset grade)")
    g.set_defaults(func=cmd_merge_grades)
    c = kinds.add_parser("generate", help="output folders of `spikeset generate --shard K/N`",
                         description="Merge the --out folders of `spikeset generate --shard K/N` into the class"
                                     " folder one run would have written (students/, instructor/ key and "
                                     "solutions).")
    c.add_argument("parts", nargs="+", metavar="FOLDER", help="the --out folder of every shard")
    c.add_argument("--out", required=True, help="the class folder to write (new, empty, or with --force)")
    c.add_argument("--assignment", required=True, metavar="FILE", help="the assignment TOML")
    c.add_argument("--roster", required=True, metavar="FILE", help="the roster CSV the shards split")
    c.add_argument("--force", action="store_true", help="replace the generated part of an existing --out folder")
    c.set_defaults(func=cmd_merge_generate)
    m.set_defaults(func=lambda args: (m.print_help(), 2)[1])


def cmd_merge_grades(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..reports.merge import grade_json_text, load_parts, merge_grade_json, report_from_json
    from ..reports.reports import emit

    others = [o for o in ("gradebook", "markdown", "junit") if getattr(args, o)]
    if others and not args.assignment:
        raise UsageError(f"--{others[0]} needs --assignment (the assignment the parts were graded with)")
    merged = merge_grade_json(load_parts(args.parts))
    emit(args.json, grade_json_text(merged))
    if others:
        from ..variants.assignment import load_assignment
        report = report_from_json(merged, load_assignment(args.assignment))
        reveal = any("answer" in q for s in merged["submissions"] for q in s["questions"])
        if args.gradebook:
            from ..reports.report_gradebook import gradebook_from_args
            emit(args.gradebook, gradebook_from_args(report, args))
        if args.markdown:
            from ..reports.reports import markdown
            emit(args.markdown, markdown(report, reveal=reveal))
        if args.junit:
            from ..reports.report_junit import junit_xml
            emit(args.junit, junit_xml(report, reveal=reveal))
    if args.json != "-":
        print(f"Merged {len(args.parts)} shards: {len(merged['submissions'])} graded, "
              f"{len(merged['errors'])} not graded -> {args.json}", file=sys.stdout)
    return 0


def cmd_merge_generate(args: argparse.Namespace) -> int:
    from ..variants.assignment import load_assignment
    from ..reports.merge import merge_generated
    from ..variants.roster import load_roster

    out = merge_generated(parts=args.parts, out=args.out, assignment=load_assignment(args.assignment),
                          students=load_roster(args.roster), force=args.force)
    print(f"Merged {len(args.parts)} shards into {out}: students/, instructor/key.json, key.csv, "
          f"solutions/ (index: {out / 'instructor' / 'solutions' / 'index.html'})")
    return 0
