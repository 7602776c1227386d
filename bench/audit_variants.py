"""Audit every problem family at scale: draw many variants and check that each is a well-posed
question with a physical, robust answer (not part of the test suite: minutes, not seconds).

    .venv/bin/python bench/audit_variants.py                       # every family, default sizes
    .venv/bin/python bench/audit_variants.py anode-break accommodation --n-sim 300 --refine 100
    .venv/bin/python bench/audit_variants.py --n 5000 --verbose     # print every finding

Per family it draws variants exactly as ``generate`` does (``assemble``: plausible() enforced,
rejected draws redrawn from the student's own stream), through ``spikeset check``'s statistics
(``check_family``), and reports:

- variants drawn and the draws plausible() rejected (total, and the most common reasons);
- ``spikeset check``'s own findings (degenerate answers, non-discriminating questions, keys);
- refinement (families with ``solve_batch``, on a subset): every reference recomputed with the
  integrator at rtol = atol = 1e-10 (the families use 1e-5 .. 1e-7), half the largest step, and
  every search bracket 8x narrower; the worst |change| / half-width of the accepted interval per
  question (above 0.25 a correct student could be marked wrong), choice keys that change, and
  variants that plausible() would reject after refinement;
- margins: the smallest distance, in half-widths, between a reference and the nearest
  misconception value (a wrong model within about one half-width cannot be told apart), and the
  family-specific margins of spike/no-spike and higher/lower decisions (MARGINS);
- the printed page (statement and question list, rendered as the student sees them): "nan",
  "inf", "-0", numbers in e-notation, numbers with 8 or more significant figures, Jinja leftovers,
  a prompt that names a unit other than its answer field's; and a reference that, printed with the
  question's digits on the solutions page, falls outside its own accepted interval;
- choice questions: exactly one correct option, distinct option texts.

Timings are of a shared machine: compare families by ratio, not by the absolute numbers.
"""
from __future__ import annotations

import argparse
import html as html_module
import contextlib
import math
import re
import sys
import time
from collections import Counter
from types import ModuleType

import numpy as np

from spikeset.formatting import num, plain
from spikeset.model import ChoiceQuestion, NumericQuestion
from spikeset.render.render import answer_decimals
from spikeset.variants import catalog
from spikeset.variants.registry import all_families

#: Integrator tolerance and bracket narrowing of the refined recomputation.
TIGHT_TOL = 1e-10
BRACKET_NARROWING = 8.0
#: A reference that moves by more than this share of its accepted half-width under refinement is fragile.
MAX_DRIFT = 0.25

# --------------------------------------------------------------------------------------------
# Family-specific margins of spike/no-spike and higher/lower decisions: name -> relative margin.
# --------------------------------------------------------------------------------------------


def _rel(a: float, b: float) -> float:
    m = max(abs(a), abs(b))
    return abs(a - b) / m if m > 0 and math.isfinite(a) and math.isfinite(b) else math.nan


MARGINS = {
    "anode-break": lambda p, s: {"step of (b) / threshold - 1": p["amplitude"] / s["threshold"] - 1.0},
    "accommodation": lambda p, s: {"1 - slow slope / critical": 1.0 - p["slow_slope"] / s["critical_slope"],
                                   "final / step threshold - 1": p["final_current"] / s["step_threshold"] - 1.0},
    "sim-threshold": lambda p, s: {"|thr2 - thr| / max": _rel(s["threshold2"], s["threshold"])},
    "sim-refractory": lambda p, s: {"|thr2 - thr| / max": _rel(s["threshold2"], s["threshold"]),
                                    "|probe - refractory| / refractory":
                                        abs(p["probe_delay_ms"] - s["refractory_ms"]) / s["refractory_ms"]},
    "sim-manipulation": lambda p, s: {"|thr_K - thr| / max": _rel(s["threshold_k"], s["threshold"]),
                                      "thr_TTX / thr - 1": s["threshold_ttx"] / s["threshold"] - 1.0,
                                      "|half-width 2 / 1 - 1|": abs(s["half_width_2"] / s["half_width_1"] - 1.0),
                                      "|rate 2 / 1 - 1|": abs(s["rate_2"] / s["rate_1"] - 1.0)},
    "sim-phases": lambda p, s: {f"({k}) the winner's relative lead": lead for k, (_, lead)
                                in all_families()["sim-phases"].module._analysis(p, s).items()},
    "sim-firing": lambda p, s: {"amplitude / i_rep - 1": p["amplitude"] / s["i_rep"] - 1.0},
}

# --------------------------------------------------------------------------------------------
# The refined recomputation
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def refined_solver():
    """Every ``simulate`` at rtol = atol = TIGHT_TOL with half the largest step, and every
    module-level ``*REL_TOL`` of a family or of the shared sim helpers BRACKET_NARROWING x smaller."""
    from spikeset.solutions import hh_solver
    original = hh_solver.simulate

    def tight(*args, rtol=hh_solver.DEFAULT_RTOL, atol=hh_solver.DEFAULT_ATOL,
              max_step_ms=hh_solver.DEFAULT_MAX_STEP_MS, **kwargs):
        return original(*args, rtol=min(rtol, TIGHT_TOL), atol=min(atol, TIGHT_TOL),
                        max_step_ms=0.5 * max_step_ms, **kwargs)

    saved: list[tuple[ModuleType, str, object]] = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("spikeset.") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if value is original:
                saved.append((module, attr, value))
                setattr(module, attr, tight)
            elif (name.startswith("spikeset.problems.") and attr.endswith("REL_TOL")
                  and isinstance(value, float)):
                saved.append((module, attr, value))
                setattr(module, attr, value / BRACKET_NARROWING)
    try:
        yield
    finally:
        for module, attr, value in saved:
            setattr(module, attr, value)


def _load_all_sim_modules() -> None:
    """Import the solver modules that hold ``simulate`` so that :func:`refined_solver` patches them."""
    import spikeset.solutions.hh_search  # noqa: F401
    import spikeset.solutions.slow_gates  # noqa: F401
    import spikeset.solutions.spike_snapshots  # noqa: F401
    import spikeset.solutions.strength_duration  # noqa: F401


def refine(family, instances, findings: list[str]) -> dict:
    """Recompute ``instances`` under :func:`refined_solver`; the worst drift per question."""
    params_list = [dict(inst.params) for inst in instances]
    with refined_solver():
        solutions = family.solve_batch(params_list)
    worst: dict[str, tuple[float, str]] = {}
    key_changes = Counter()
    reject_after = Counter()
    moved_params = Counter()
    plausible = getattr(family.module, "plausible", None)
    for inst, params, sol in zip(instances, params_list, solutions):
        adjusted = sol.pop("adjusted_params", {})
        for k, v in adjusted.items():
            if k in ("rests", "cli", "points"):
                continue
            if isinstance(v, float) and isinstance(params.get(k), float) and not math.isclose(v, params[k], rel_tol=1e-9):
                moved_params[k] += 1
        questions = {q.key: q for q in family.questions(params, sol)}
        for pq in inst.questions:
            q, r = pq.question, questions.get(pq.key)
            if r is None:
                continue
            if isinstance(q, NumericQuestion):
                half = q.tolerance.half_width(q.answer)
                drift = abs(r.answer - q.answer) / half if half > 0 else math.inf
                if not math.isfinite(drift):
                    drift = math.inf if not (math.isnan(r.answer) and math.isnan(q.answer)) else 0.0
                if drift > worst.get(pq.key, (-1.0, ""))[0]:
                    worst[pq.key] = (drift, f"{q.answer:.6g} -> {r.answer:.6g} {q.unit or ''}".strip())
            elif q.correct_option.id != r.correct_option.id:
                key_changes[pq.key] += 1
                findings.append(f"refinement changes the key of {pq.key}: {q.correct_option.id} -> "
                                f"{r.correct_option.id} (params {_short(params)})")
        if plausible is not None:
            reasons = plausible(params, sol, list(questions.values()))
            for reason in reasons:
                reject_after[_reason_class(reason)] += 1
    for key, (drift, what) in worst.items():
        if drift > MAX_DRIFT:
            findings.append(f"{key}: reference moves by {drift:.2f} half-widths under refinement ({what})")
    for reason, c in reject_after.items():
        findings.append(f"after refinement plausible() rejects {c} of {len(instances)}: {reason}")
    # not a finding by itself: a printed value derived from a reference (rounded) may round the
    # other way; the answers that depend on it are compared above
    notes = [f"after refinement the printed {k} would round differently in {c} of {len(instances)}"
             for k, c in moved_params.items()]
    return {"n": len(instances), "worst": worst, "key_changes": dict(key_changes), "notes": notes,
            "reject_after": sum(reject_after.values())}


def _short(params: dict) -> str:
    keep = {k: v for k, v in params.items() if isinstance(v, (int, float, str)) and k not in ("cli",)}
    return ", ".join(f"{k}={v}" for k, v in list(keep.items())[:14])


def _reason_class(reason: str) -> str:
    """A rejection reason with its numbers blanked, to count reasons by kind."""
    return re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", reason)


# --------------------------------------------------------------------------------------------
# The printed page
# --------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])[-\u2212]?\d+(?:\.\d+)?(?:[eE][-+\u2212]?\d+)?(?![\w])")
_BAD_TEXT = [
    (re.compile(r"\b(nan|NaN|inf|Infinity)\b"), "nan/inf"),
    (re.compile(r"(?<![\w.])[-\u2212]0(?:\.0+)?(?![.\d])"), "negative zero"),
    (re.compile(r"\d[eE][-+\u2212]?\d"), "e-notation"),
    (re.compile(r"\{\{|\}\}|\{%|%\}|\bNone\b(?!:)"), "template leftover"),
]
#: Text that looks like a defect but is meant: exact constants (CODATA R and F), an instruction.
ALLOWED_TEXT = (r"8\.314462618", r"96485\.33212", r"as 1\.5e6", r"tolerances?\s+(of\s+)?1e-0\d")
_UNIT_IN_PROMPT = re.compile(r"\(in ([^)]+)\)")
_UNIT_WORDS = {"mV": "mV", "ms": "ms", "mM": "mM", "uA/cm^2": "uA/cm^2", "µA/cm²": "uA/cm^2", "mS/cm^2": "mS/cm^2",
               "mS/cm²": "mS/cm^2", "Hz": "Hz", "%": None, "s": "s", "V": "V"}


def _page_text(html: str, student_set) -> str:
    """The visible text of a page: tags (table cells apart), styles and scripts removed."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<style.*?</style>|<script.*?</script>", " ", body, flags=re.S)
    # every tag a space: a fraction's numerator and denominator, or two table cells, stay apart
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", body)).replace(student_set.fingerprint, "<fingerprint>")
    for allowed in ALLOWED_TEXT:
        text = re.sub(allowed, "<allowed>", text)
    return text


def _scan(text: str, where: str, findings: Counter) -> None:
    for pattern, what in _BAD_TEXT:
        for m in pattern.finditer(text):
            findings[f"{where}: {what}: ...{text[max(0, m.start() - 30):m.end() + 20]!r}..."] += 1
    for m in _NUMBER.finditer(text):
        digits = re.sub(r"[^\d]", "", m.group().split("e")[0].split("E")[0]).lstrip("0")
        if len(digits) >= 8:
            findings[f"{where}: {len(digits)} significant figures: {m.group()}"] += 1


def page_findings(student_set, findings: Counter, *, solutions: bool = False) -> None:
    """Defects of one student's page (statement + questions) and, with ``solutions``, of the
    worked solutions, counted into ``findings``."""
    from spikeset.render.render import render_problem_set, render_solutions
    _scan(_page_text(render_problem_set(student_set, drawn={}), student_set), "page", findings)
    if solutions:
        _scan(_page_text(render_solutions([student_set]), student_set), "solutions", findings)
    for problem in student_set.problems:
        for pq in problem.questions:
            q = pq.question
            if isinstance(q, NumericQuestion):
                stated = _UNIT_IN_PROMPT.search(plain(q.prompt))
                if stated and stated.group(1).strip() in _UNIT_WORDS and \
                        _UNIT_WORDS[stated.group(1).strip()] != (q.unit if q.unit not in (None, "%") else None):
                    findings[f"{pq.key}: prompt says (in {stated.group(1)}), answer field is {q.unit}"] += 1
                decimals = answer_decimals(q)
                printed = float(num(q.answer, decimals).replace("\u2212", "-")) if math.isfinite(q.answer) else math.nan
                lo, hi = q.tolerance.interval(q.answer)
                if not (min(lo, hi) <= printed <= max(lo, hi)):
                    findings[f"{pq.key}: the reference printed with {decimals} decimals ({printed:g}) is outside "
                             f"its own accepted interval (e.g. {q.answer:.4g})"] += 1
                if q.tolerance.mode == "rel" and math.isfinite(q.answer) and q.answer != 0:
                    if len(re.sub(r"[^\d]", "", num(abs(q.answer), decimals)).lstrip("0")) < 2:
                        findings[f"{pq.key}: the reference prints with fewer than 2 significant figures "
                                 f"({num(q.answer, decimals)})"] += 1
            else:
                correct = [o for o in q.options if o.correct]
                if len(correct) != 1:
                    findings[f"{pq.key}: {len(correct)} correct options"] += 1
                texts = [plain(o.text).strip().lower() for o in q.options]
                if len(set(texts)) != len(texts):
                    findings[f"{pq.key}: two options read the same"] += 1


# --------------------------------------------------------------------------------------------
# One family
# --------------------------------------------------------------------------------------------


def audit(family, n: int, n_refine: int, n_pages: int, verbose: bool, secret: bytes = b"audit") -> dict:
    rejected = Counter()
    module = family.module
    plausible = getattr(module, "plausible", None)
    solve = module.__dict__.get("solve_batch")
    captured = {}
    inside_solve = [False]

    def counting(params, solution, questions):
        reasons = list(plausible(params, solution, questions))
        if not inside_solve[0]:  # a family may call its own plausible() inside solve_batch
            for r in reasons:
                rejected[_reason_class(r)] += 1
        return reasons

    def solving(params_list):
        inside_solve[0] = True
        try:
            return solve(params_list)
        finally:
            inside_solve[0] = False

    original_assemble = catalog.assemble

    def capturing(*args, **kwargs):
        captured["sets"] = original_assemble(*args, **kwargs)
        return captured["sets"]

    t0 = time.perf_counter()
    catalog.assemble = capturing
    if plausible is not None:
        module.plausible = counting
    if solve is not None:
        module.solve_batch = solving
    try:
        result = catalog.check_family(family, n, secret=secret + b"-" + family.id.encode())
    finally:
        catalog.assemble = original_assemble
        if plausible is not None:
            module.plausible = plausible
        if solve is not None:
            module.solve_batch = solve
    seconds = time.perf_counter() - t0
    findings = list(result.problems) + list(result.flags)
    sets = captured.get("sets", [])
    instances = [s.problems[0] for s in sets]
    # misconception margins (half-widths) per numeric question
    mis_margin: dict[str, float] = {}
    for inst in instances:
        for pq in inst.questions:
            q = pq.question
            if isinstance(q, NumericQuestion) and math.isfinite(q.answer):
                half = q.tolerance.half_width(q.answer)
                for m in q.misconceptions:
                    if m.value is not None and math.isfinite(m.value) and half > 0:
                        mis_margin[pq.key] = min(mis_margin.get(pq.key, math.inf), abs(m.value - q.answer) / half)
    margins: dict[str, list[float]] = {}
    if family.id in MARGINS:
        for inst in instances:
            for name, value in MARGINS[family.id](inst.params, inst.solution).items():
                margins.setdefault(name, []).append(value)
    page = Counter()
    for i, s in enumerate(sets[:n_pages]):
        page_findings(s, page, solutions=i < n_pages // 5)
    findings += [f"{what} (x{c})" for what, c in page.most_common()]
    refinement = None
    if n_refine and family.module.__dict__.get("solve_batch") is not None and instances:
        _load_all_sim_modules()
        t1 = time.perf_counter()
        refinement = refine(family, instances[:n_refine], findings)
        refinement["seconds"] = time.perf_counter() - t1
    draws = sum(inst.draws for inst in instances)
    return {"family": family, "n": len(instances), "draws": draws, "rejects": draws - len(instances),
            "param_ranges": _param_ranges(instances),
            "reasons": rejected, "seconds": seconds, "findings": findings, "mis_margin": mis_margin,
            "margins": margins, "refinement": refinement, "result": result}


def _param_ranges(instances) -> dict[str, tuple]:
    """min, max of every printed numeric parameter (top level) across the variants."""
    out: dict[str, list[float]] = {}
    for inst in instances:
        for k, v in inst.params.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out.setdefault(k, []).append(float(v))
    return {k: (min(v), max(v)) for k, v in out.items()}


def _fmt_margin(values: list[float]) -> str:
    xs = np.array([v for v in values if math.isfinite(v)])
    if xs.size == 0:
        return "none finite"
    return f"min {xs.min():.3g}, 5 % {np.percentile(xs, 5):.3g}, median {np.median(xs):.3g}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("families", nargs="*", help="family ids (default: all, in audit order)")
    ap.add_argument("--n", type=int, default=3000, help="variants per closed-form family (default 3000)")
    ap.add_argument("--n-sim", type=int, default=400, help="variants per family with solve_batch (default 400)")
    ap.add_argument("--refine", type=int, default=120, help="variants re-solved under refinement (default 120)")
    ap.add_argument("--pages", type=int, default=300, help="pages rendered and scanned per family (default 300)")
    ap.add_argument("--secret", default="audit", help="course secret the variants are drawn with (default "
                    "'audit'; another secret draws other variants)")
    ap.add_argument("--verbose", action="store_true", help="print every finding, not the first 12")
    args = ap.parse_args(argv)
    families = all_families()
    order = ["anode-break", "accommodation"] + sorted(f for f in families if f.startswith("sim-")) + \
        sorted(f for f in families if f not in ("anode-break", "accommodation") and not f.startswith("sim-"))
    chosen = args.families or order
    unknown = [f for f in chosen if f not in families]
    if unknown:
        ap.error(f"unknown family {unknown[0]!r}")
    import os
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared: timings inflated)")
    rows = []
    for fid in chosen:
        family = families[fid]
        heavy = family.module.__dict__.get("solve_batch") is not None
        out = audit(family, args.n_sim if heavy else args.n, args.refine if heavy else 0, args.pages, args.verbose,
                    args.secret.encode())
        rows.append(out)
        worst = ""
        if out["refinement"]:
            w = out["refinement"]["worst"]
            top = max(w.items(), key=lambda kv: kv[1][0]) if w else None
            worst = f"{top[1][0]:.3f} ({top[0]}, n={out['refinement']['n']})" if top else "-"
        print(f"\n== {fid}: {out['n']} variants, {out['draws']} draws, {out['rejects']} rejected "
              f"({100 * out['rejects'] / max(out['draws'], 1):.1f} %), {out['seconds']:.0f} s; "
              f"worst drift/half-width {worst or 'n/a'}; load {os.getloadavg()[0]:.2f}")
        for reason, c in out["reasons"].most_common(4):
            print(f"   rejected x{c}: {reason}")
        for q in out["result"].questions:
            if q.type == "numeric":
                mm = out["mis_margin"].get(q.key)
                drift = out["refinement"]["worst"].get(q.key) if out["refinement"] else None
                print(f"   {q.key}: {q.minimum:.4g} .. {q.maximum:.4g} {q.unit or ''} ({q.tolerance}); "
                      f"{q.bins} bins; fixed answer passes {100 * (q.best_fixed_share or 0):.1f} %; "
                      f"nearest misconception {mm if mm is None else f'{mm:.2f}'} hw"
                      + (f"; drift {drift[0]:.3f} hw" if drift else ""))
            else:
                total = sum(q.key_counts.values()) or 1
                top_id, top = max(q.key_counts.items(), key=lambda kv: kv[1]) if q.key_counts else ("-", 0)
                kc = out["refinement"]["key_changes"].get(q.key, 0) if out["refinement"] else 0
                print(f"   {q.key}: choice, top key {top_id} {100 * top / total:.0f} %"
                      + (f", key changes under refinement {kc}" if out["refinement"] else ""))
        for note in (out["refinement"] or {}).get("notes", []):
            print(f"   note: {note}")
        for name, values in out["margins"].items():
            print(f"   margin {name}: {_fmt_margin(values)}")
        if args.verbose:
            print("   printed parameters: " + "; ".join(f"{k} {lo:.4g}..{hi:.4g}" for k, (lo, hi)
                                                       in out["param_ranges"].items()))
        shown = out["findings"] if args.verbose else out["findings"][:12]
        for f in shown:
            print(f"   ! {f}")
        if len(out["findings"]) > len(shown):
            print(f"   ! ... and {len(out['findings']) - len(shown)} more (--verbose)")
        sys.stdout.flush()
    print("\nfamily                variants  draws  rejected  worst drift/hw  findings")
    for out in rows:
        w = out["refinement"]["worst"] if out["refinement"] else {}
        worst = f"{max(v[0] for v in w.values()):.3f}" if w else "n/a"
        print(f"{out['family'].id:<20} {out['n']:>9} {out['draws']:>6} {out['rejects']:>9}  {worst:>14}  "
              f"{len(out['findings'])}")
    return 1 if any(out["findings"] for out in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
