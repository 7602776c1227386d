"""Helpers shared by tests (importable: tests/ is on pytest's pythonpath)."""
from __future__ import annotations

import csv
from pathlib import Path

FOUNDATION_ASSIGNMENT = """\
id = "week1"
title = "Gradients and currents"
course = "Neuro 101"

[[problems]]
family = "nernst"
points = 6

[[problems]]
family = "driving-force"
points = 8
"""


def write_roster(path: Path, n: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "email", "section"])
        for i in range(1, n + 1):
            w.writerow([f"st{i:03d}", f"Student {i}", f"st{i:03d}@uni.example", "A"])
    return path


def family_variant(module, seed: int, solution: dict | None = None):
    """(params, questions, questions by key) of a family's variant drawn with ``seed``; as in
    ``spikeset.variants.assemble``, a draw that ``plausible()`` rejects is followed by the next draw from
    the same stream (unless ``solution`` is given: then the first draw is kept)."""
    import numpy as np

    from spikeset.sampling import Draw

    rng = np.random.default_rng(seed)
    for _ in range(64):
        params = module.sample(Draw(rng))
        sol = solution if solution is not None else (
            module.solve_batch([params])[0] if hasattr(module, "solve_batch") else {})
        params = {**params, **sol.pop("adjusted_params", {})}
        qs = module.questions(params, sol)
        if solution is not None or not hasattr(module, "plausible") or not module.plausible(params, sol, qs):
            break
    return params, qs, {q.key: q for q in qs}


def check_family_variant(module, params: dict, qs: list, solution: dict | None = None) -> None:
    """A variant is plausible, numeric answers finite and apart from every misconception, and a
    choice has one correct option, every wrong one naming a misconception."""
    import numpy as np

    from spikeset.model import NumericQuestion

    assert module.plausible(params, solution or {}, qs) == []
    for q in qs:
        if isinstance(q, NumericQuestion):
            assert np.isfinite(q.answer)
            for m in q.misconceptions:
                assert abs(m.value - q.answer) > q.tolerance.half_width(q.answer), (q.key, m.id)
        else:
            assert sum(o.correct for o in q.options) == 1
            assert all(o.misconception is not None for o in q.options if not o.correct)
