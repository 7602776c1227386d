"""Subcommand ``report``: class analytics page (HTML with embedded SVG plots) and CSV files.

    spikeset report GRADES.json --out DIR [--assignment ASSIGNMENT.toml]

writes ``DIR/report.html``, ``DIR/questions.csv`` (difficulty, discrimination, counts per
question), ``DIR/wrong_answers.csv`` (most common wrong answers and their misconceptions) and
``DIR/scores.csv`` (student id, file, score and percent per submission; files that could not be
graded with the reason). See :mod:`spikeset.reports.analytics`.
"""
from __future__ import annotations

import argparse
import csv
import html
import io
import math
from pathlib import Path

DISCRIMINATION_GOOD = 0.2


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("report", help="class analytics from a grades JSON: HTML page with plots, and CSV",
                       description="Read the JSON of `spikeset grade --json` and write, into --out, report.html"
                                   " (score distribution, per-question difficulty and discrimination, the most "
                                   "common typical mistakes) and the same numbers as questions.csv, "
                                   "wrong_answers.csv and scores.csv.")
    r.add_argument("grades", help="grades JSON (spikeset grade --json, or demo-out/grades.json)")
    r.add_argument("--out", required=True, help="output folder")
    r.add_argument("--assignment", help="assignment TOML: labels problems with their family titles")
    r.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from ..reports.analytics import class_stats, load_grades

    data = load_grades(args.grades)
    families = None
    title = None
    if args.assignment:
        from ..variants.assignment import load_assignment
        from ..variants.registry import get_family

        a = load_assignment(args.assignment)
        families = {p.prefix: f"{p.prefix} {p.title or get_family(p.family).title}" for p in a.problems}
        title = a.title
    stats = class_stats(data, families)
    if stats.missing_detail:
        import sys
        print(f"spikeset: note: {args.grades}: {stats.missing_detail}", file=sys.stderr)
    paths = write_report(stats, Path(args.out), title=title)
    print(f"Class report: {paths[0]} (CSV: {', '.join(str(p) for p in paths[1:])})")
    return 0


# ------------------------------------------------------------------ plots

def _fig(width: float = 6.4, height: float = 3.0):
    from matplotlib.figure import Figure

    from ..render import mathsvg  # noqa: F401  (reproducible SVG settings)

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _svg_img(fig, alt: str, caption: str) -> str:
    from ..render.mathsvg import data_uri, svg_bytes

    svg = svg_bytes(fig)
    return (f'<figure><img alt="{html.escape(alt, quote=True)}" src="{data_uri(svg)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def plot_scores(stats) -> str:
    fig = _fig()
    ax = fig.add_subplot()
    ax.hist(stats.percents, bins=[i * 10 for i in range(11)], color="#1f5fa8", edgecolor="white")
    ax.set_xlabel("score (% of points)")
    ax.set_ylabel("submissions")
    ax.set_xlim(0, 100)
    ax.yaxis.get_major_locator().set_params(integer=True)
    counts = [sum(1 for p in stats.percents if lo <= p < lo + 10 or (lo == 90 and p == 100)) for lo in range(0, 100, 10)]
    alt = ("Histogram of scores in 10-point bins from 0 to 100 %: " +
           ", ".join(f"{lo}–{lo + 10} %: {n}" for lo, n in zip(range(0, 100, 10), counts) if n))
    return _svg_img(fig, alt, f"Score distribution of {stats.graded} graded submissions "
                              f"(mean {_pct(stats.mean)}, median {_pct(stats.median)}).")


def plot_questions(stats) -> str:
    qs = stats.questions
    fig = _fig(6.4, 4.2)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    x = range(len(qs))
    ax1.bar(x, [q.mean_fraction for q in qs], color="#2e7d32")
    ax1.set_ylim(0, 1)
    ax1.set_ylabel("mean fraction\nof points")
    disc = [q.discrimination if q.discrimination is not None else 0.0 for q in qs]
    ax2.bar(x, disc, color=["#1f5fa8" if (q.discrimination or 0) >= DISCRIMINATION_GOOD else "#c62828" for q in qs])
    for i, q in enumerate(qs):
        if q.discrimination is None:
            ax2.text(i, 0.02, "n/a", ha="center", va="bottom", fontsize=8)
    ax2.axhline(DISCRIMINATION_GOOD, color="#555", linestyle="--", linewidth=0.8)
    ax2.axhline(0, color="#333", linewidth=0.6)
    ax2.set_ylim(min(-0.2, min(disc) - 0.1), 1)
    ax2.set_ylabel("discrimination\n(item-rest r)")
    if len(qs) <= 24:
        ax2.set_xticks(list(x), [q.id for q in qs], rotation=0 if len(qs) <= 12 else 90)
    else:
        # Too many questions to label each: one label per problem, at its first question.
        firsts = [i for i, q in enumerate(qs) if i == 0 or q.id.split(".")[0] != qs[i - 1].id.split(".")[0]]
        ax2.set_xticks(firsts, [qs[i].id.split(".")[0] for i in firsts], rotation=90, fontsize=8)
        ax2.set_xticks(list(x), minor=True)
        ax2.set_xlabel("question (grouped by problem)")
    alt = "Per question: " + "; ".join(
        f"{q.id} mean fraction {q.mean_fraction:.2f}, discrimination {_r(q.discrimination)}" for q in qs)
    return _svg_img(fig, alt, "Difficulty (mean fraction of points; 1 = all right) and discrimination "
                              "(corrected point-biserial r; dashed line 0.2, red bars below it) per question.")


def plot_wrong(stats, top: int = 10) -> str | None:
    rows = [(f"{q.id}: {mid or 'no known misconception'}", n) for q in stats.questions for mid, _, n in q.wrong]
    rows.sort(key=lambda r: -r[1])
    rows = rows[:top]
    if not rows:
        return None
    fig = _fig(6.4, 0.45 * len(rows) + 0.8)
    ax = fig.add_subplot()
    ax.barh(range(len(rows))[::-1], [n for _, n in rows], color="#c62828")
    ax.set_yticks(range(len(rows))[::-1], [label for label, _ in rows], fontsize=8)
    ax.set_xlabel("incorrect answers")
    ax.xaxis.get_major_locator().set_params(integer=True)
    alt = "Most common wrong answers: " + "; ".join(f"{label}, {n}" for label, n in rows)
    return _svg_img(fig, alt, "Most common wrong answers, by question and the misconception they match.")


def plot_times(stats) -> str | None:
    if not stats.times:
        return None
    labels = list(stats.times)
    fig = _fig(6.4, 0.5 * len(labels) + 1.2)
    ax = fig.add_subplot()
    try:  # matplotlib >= 3.10
        ax.boxplot([stats.times[k] for k in labels], orientation="horizontal", tick_labels=labels)
    except TypeError:
        ax.boxplot([stats.times[k] for k in labels], vert=False, labels=labels)
    ax.set_xlabel("minutes")
    alt = "Time to complete: " + "; ".join(
        f"{k}: median {statistics_median(v):.0f} min over {len(v)} submissions" for k, v in stats.times.items())
    return _svg_img(fig, alt, "Time to complete, per problem family where recorded.")


def statistics_median(values) -> float:
    import statistics
    return statistics.median(values) if values else math.nan


def _pct(x: float) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.1f} %"


def _r(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


# ------------------------------------------------------------------ files

def questions_csv(stats) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["question", "problem", "family", "n", "max_points", "mean_fraction", "discrimination_item_rest_r",
                "correct", "incorrect", "missing", "invalid", "ecf", "top_misconception", "top_misconception_count"])
    for q in stats.questions:
        top = q.wrong[0] if q.wrong else ("", "", 0)
        w.writerow([q.id, q.problem, q.family, q.n, f"{q.max_points:g}", f"{q.mean_fraction:.4f}",
                    "" if q.discrimination is None else f"{q.discrimination:.4f}",
                    q.counts["correct"], q.counts["incorrect"], q.counts["missing"], q.counts["invalid"],
                    "" if q.ecf is None else q.ecf,
                    top[0], top[2]])
    return buf.getvalue()


def wrong_csv(stats) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["question", "misconception", "feedback", "count", "share_of_incorrect"])
    for q in stats.questions:
        for mid, fb, n in q.wrong:
            w.writerow([q.id, mid, fb, n, f"{n / q.counts['incorrect']:.4f}" if q.counts["incorrect"] else ""])
    return buf.getvalue()


def scores_csv(stats) -> str:
    """One row per submission: student id, file, score, maximum, percent; a file that could not be
    graded has empty numbers and the reason in ``note``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    from ..reports.report_gradebook import _cell

    w.writerow(["student", "file", "score", "max_score", "percent", "note"])
    for row in stats.scores:
        w.writerow([_cell(row.student), _cell(row.file), _number(row.score), _number(row.max_score),
                    "" if row.percent is None else f"{row.percent:.4f}", _cell(row.note)])
    return buf.getvalue()


def _number(x) -> str:
    return "" if not isinstance(x, (int, float)) or isinstance(x, bool) else f"{x:g}"


def render_report(stats, *, title: str | None = None) -> str:
    from markupsafe import Markup

    from ..render.render import environment, stylesheet

    figures = {"scores": plot_scores(stats) if stats.percents else None,
               "questions": plot_questions(stats) if stats.questions else None,
               "wrong": plot_wrong(stats), "times": plot_times(stats)}
    return environment().get_template("report.html.j2").render(
        s=stats, title=title, css=Markup(stylesheet()), fig={k: Markup(v) if v else None for k, v in figures.items()},
        pct=_pct, r=_r, good=DISCRIMINATION_GOOD, median=statistics_median)


def write_report(stats, out: Path, *, title: str | None = None) -> tuple[Path, ...]:
    from ..atomic_write import write_atomic

    out.mkdir(parents=True, exist_ok=True)
    files = {"report.html": render_report(stats, title=title), "questions.csv": questions_csv(stats),
             "wrong_answers.csv": wrong_csv(stats), "scores.csv": scores_csv(stats)}
    for name, text in files.items():
        write_atomic(out / name, text, newline="\n")
    return tuple(out / name for name in files)
