"""Spread-to-tolerance figures of the simulation families (issue 11, item 3).

For every question of a family, over N variants (N pseudo-students, as ``spikeset check`` draws them):

* numeric: ``bins`` = number of distinct bins of width one accepted interval (2 x the tolerance's
  half-width; for a relative tolerance the bins are in log(answer), width log((1+r)/(1-r))) that the
  answers fall in; ``best`` = the largest share of variants that ONE fixed answer would pass (the
  point covered by most accepted intervals, found by a sweep);
* choice: ``best`` = share of the most common correct option (by option id: a student who always
  picks the same statement) and, for unshuffled options, of the most common correct label.

Usage: .venv/bin/python bench/sim_spread.py [--n 200] [FAMILY ...]   (prints a Markdown table)
"""
from __future__ import annotations

import argparse
import math
import time
from collections import Counter

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import Assignment, ProblemSpec
from spikeset.variants.registry import get_family
from spikeset.variants.roster import Student

SIM_FAMILIES = ("sim-threshold", "sim-firing", "sim-peak-ahp", "sim-refractory", "sim-manipulation", "sim-phases")


def best_fixed_share(intervals: list[tuple[float, float]]) -> float:
    """Largest fraction of the closed intervals that one point lies in."""
    events = [(lo, 0) for lo, hi in intervals] + [(hi, 1) for lo, hi in intervals]
    events.sort()
    depth = best = 0
    for _, kind in events:
        depth += 1 if kind == 0 else -1
        best = max(best, depth)
    return best / max(len(intervals), 1)


def n_bins(answers: list[float], tol) -> int:
    if tol.mode == "rel" and all(a > 0 for a in answers):
        width = math.log((1 + tol.value) / (1 - tol.value))
        return len({math.floor(math.log(a) / width) for a in answers})
    if tol.mode == "rel" and all(a < 0 for a in answers):
        width = math.log((1 + tol.value) / (1 - tol.value))
        return len({math.floor(math.log(-a) / width) for a in answers})
    return len({math.floor(a / (2 * tol.half_width(a))) for a in answers if tol.half_width(a) > 0})


def measure(family_id: str, n: int) -> tuple[list[dict], float]:
    family = get_family(family_id)
    a = Assignment(id=f"spread-{family_id}", title="t",
                   problems=(ProblemSpec(index=0, family=family_id, points=1.0),), source="<spread>")
    t0 = time.perf_counter()
    sets = assemble(a, [Student(id=f"v{i:05d}") for i in range(n)], b"spikeset-check")
    elapsed = time.perf_counter() - t0
    per_key: dict[str, list] = {}
    for s in sets:
        for pq in s.problems[0].questions:
            per_key.setdefault(pq.key, []).append(pq)
    rows = []
    for key, pqs in per_key.items():
        q0 = pqs[0].question
        if pqs[0].type == "numeric":
            ans = [pq.question.answer for pq in pqs if math.isfinite(pq.question.answer)]
            ivs = [tuple(sorted(pq.question.tolerance.interval(pq.question.answer))) for pq in pqs
                   if math.isfinite(pq.question.answer)]
            rows.append({"key": key, "type": "numeric", "n": len(ans), "tol": q0.tolerance.describe(),
                         "min": min(ans), "max": max(ans), "bins": n_bins(ans, q0.tolerance),
                         "best": best_fixed_share(ivs)})
        else:
            ids = Counter(pq.question.correct_option.id for pq in pqs)
            labels = Counter(pq.correct_label for pq in pqs)
            rows.append({"key": key, "type": "choice", "n": len(pqs), "best": ids.most_common(1)[0][1] / len(pqs),
                         "best_label": labels.most_common(1)[0][1] / len(pqs),
                         "keys": dict(ids.most_common())})
    # correlated choice keys (same correct option id in two questions)
    choice_keys = [k for k, v in per_key.items() if v[0].type == "choice"]
    same = {}
    for i, k1 in enumerate(choice_keys):
        for k2 in choice_keys[i + 1:]:
            both = sum(p1.question.correct_option.id == p2.question.correct_option.id
                       for p1, p2 in zip(per_key[k1], per_key[k2]))
            same[f"{k1}={k2}"] = both / len(per_key[k1])
    rows.append({"key": "(same key)", "type": "pairs", "pairs": same})
    return rows, elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("families", nargs="*", default=list(SIM_FAMILIES))
    args = ap.parse_args()
    for fam in args.families:
        rows, elapsed = measure(fam, args.n)
        print(f"\n### {fam} (N = {args.n}, assembled in {elapsed:.1f} s)\n")
        print("| q | type | tolerance | range | bins | best fixed answer passes |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            if r["type"] == "numeric":
                print(f"| {r['key']} | numeric | {r['tol']} | {r['min']:.4g} .. {r['max']:.4g} | {r['bins']} "
                      f"| {100 * r['best']:.1f} % |")
            elif r["type"] == "choice":
                print(f"| {r['key']} | choice | | {r['keys']} | | {100 * r['best']:.1f} % by option, "
                      f"{100 * r['best_label']:.1f} % by label |")
            else:
                pairs = ", ".join(f"{k} {100 * v:.0f} %" for k, v in r["pairs"].items())
                if pairs:
                    print(f"| same correct option | | | {pairs} | | |")


if __name__ == "__main__":
    main()
