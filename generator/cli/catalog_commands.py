"""Subcommands ``list`` (the catalog) and ``check`` (stress-test families)."""
from __future__ import annotations

import argparse

from ..errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    lst = sub.add_parser("list", help="list every problem family with its questions",
                         description="List every problem family by topic: its id (what an assignment's family ="
                                     " \"...\" names), its title and its questions (keys, prompts of one sample"
                                     " variant, units).")
    lst.add_argument("--json", action="store_true", help="print the catalog as JSON")
    lst.set_defaults(func=cmd_list)
    chk = sub.add_parser("check", help="draw many variants per family and report answer ranges, discrimination and degenerate variants",
                         description="Draw --n variants of each family and report, per question, the range of "
                                     "the answers, how many accepted intervals they span and the best fixed "
                                     "answer; flags questions a guess or a constant answer would pass, and "
                                     "counts variants redrawn as implausible. Exits 1 when anything is flagged.")
    chk.add_argument("families", nargs="*", metavar="FAMILY", help="family ids (default: all)")
    chk.add_argument("--n", type=int, default=500, help="variants per family (default 500)")
    chk.set_defaults(func=cmd_check)


def _selected(ids: list[str]):
    from ..variants.registry import all_families

    families = all_families()
    unknown = [f for f in ids if f not in families]
    if unknown:
        raise UsageError(f"unknown family {unknown[0]!r}; known: {', '.join(sorted(families))}")
    return [families[f] for f in ids] if ids else list(families.values())


def _sample_questions(family):
    from ..variants.assemble import assemble
    from ..variants.assignment import Assignment, ProblemSpec
    from ..variants.roster import Student

    a = Assignment(id="list", title="list", problems=(ProblemSpec(0, family.id, 1.0),))
    return assemble(a, [Student("example")], b"list")[0].problems[0].questions


def cmd_list(args: argparse.Namespace) -> int:
    import json

    from ..formatting import plain

    rows = []
    for family in sorted(_selected([]), key=lambda f: (f.topic, f.id)):
        qs = _sample_questions(family)
        rows.append({"id": family.id, "title": family.title, "topic": family.topic,
                     "questions": [{"key": pq.key, "type": pq.type, "unit": pq.unit,
                                    "prompt": plain(pq.question.prompt)} for pq in qs]})
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print("Problem families by topic: an assignment names one with family = \"<id>\"; the prompts show "
          "one sample variant's numbers.")
    topic = None
    for row in rows:
        if row["topic"] != topic:
            topic = row["topic"]
            print(f"\n{topic}")
        print(f"  {row['id']:<20} {row['title']}")
        for q in row["questions"]:
            unit = f" [{q['unit']}]" if q["unit"] else (" [choice]" if q["type"] == "choice" else "")
            print(f"      {q['key']}: {q['prompt']}{unit}")
    print(f"\n{len(rows)} families")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from ..variants.catalog import check_family
    from ..formatting import sig

    if args.n < 1:
        raise UsageError("--n: expected a positive number of variants")
    failed = 0
    for family in _selected(args.families):
        result = check_family(family, args.n)
        status = "ok" if result.ok else f"{len(result.problems) + len(result.flags)} problem(s)"
        redrawn = f", {result.redrawn} redrawn as implausible" if result.redrawn else ""
        print(f"{family.id}: {result.n_variants} variants{redrawn}, {status}")
        for q in result.questions:
            if q.type == "numeric":
                unit = f" {q.unit}" if q.unit else ""
                fixed = (f"; best fixed answer {sig(q.best_fixed_value)} passes {100 * q.best_fixed_share:.1f} %"
                         if q.best_fixed_value is not None else "")
                print(f"  {q.key}: {sig(q.minimum)} .. {sig(q.maximum)}{unit} (median {sig(q.median)}); "
                      f"{q.bins} bins of {q.tolerance}{fixed}")
            else:
                total = sum(q.label_counts.values())
                share = ", ".join(f"{lab} {100 * c / total:.0f}%" for lab, c in q.label_counts.items())
                keyed = ", ".join(f"{k} {100 * c / total:.0f}%" for k, c in q.key_counts.items())
                print(f"  {q.key}: correct label {share}; keyed option {keyed}")
        findings = list(result.flags) + list(result.problems)
        for p in findings[:20]:
            print(f"  ! {p}")
        if len(findings) > 20:
            print(f"  ! ... and {len(findings) - 20} more")
        failed += not result.ok
    return 1 if failed else 0
