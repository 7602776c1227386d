"""Discovery and validation of problem families.

A family is a folder of ``problems/`` (installed as ``spikeset.problems``) holding
``problem.py`` and the Jinja2 snippets ``statement.html.j2`` and ``solution.html.j2``.
``problem.py`` defines:

- ``ID``, ``TITLE``, ``TOPIC``: strings; ``ID`` is what assignments name.
- ``sample(draw) -> dict``: the printed (rounded) parameters, drawn from a
  :class:`spikeset.sampling.Draw`.
- ``questions(params, solution) -> list[Question]``: the questions with reference answers.
- optional ``solve_batch(params_list) -> list[dict]``: reference results that need heavy
  computation (simulations), for many variants at once; ``solution`` is ``{}`` without it.
- optional ``figure(params, solution) -> spikeset.render.chart.Chart`` (or a matplotlib Figure):
  shown with the statement.
- optional ``FIGURE_ALT``: a function ``(params, solution) -> str`` giving the alt text.
- optional ``NEEDS_SCIPY``/``NEEDS_SOLVER``: nothing reads these; they document cost.
- optional ``simulator(params) -> dict``: the protocol the page's HH simulator starts with, from
  the printed params only (checked by :func:`spikeset.render.page_form.simulator_setup`).
- optional ``REVISION``: a positive int (default 1), bumped whenever ``sample`` draws
  different parameters from the same seed; answer files record it (see
  ``tests/test_family_revisions.py``).
"""
from __future__ import annotations

import importlib
import importlib.resources
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any, Callable

from ..errors import FamilyError

REQUIRED_ATTRIBUTES = ("ID", "TITLE", "TOPIC", "sample", "questions")
SNIPPETS = ("statement.html.j2", "solution.html.j2")
PACKAGE = "spikeset.problems"


@dataclass(frozen=True)
class Family:
    """A validated problem family."""

    id: str
    title: str
    topic: str
    folder: str
    module: ModuleType
    statement_source: str
    solution_source: str
    revision: int = 1

    @property
    def sample(self) -> Callable[..., dict]:
        return self.module.sample

    @property
    def questions(self) -> Callable[..., list]:
        return self.module.questions

    @property
    def description(self) -> str:
        return (self.module.__doc__ or "").strip().splitlines()[0] if self.module.__doc__ else ""

    def solve_batch(self, params_list: list[dict]) -> list[dict]:
        solver = getattr(self.module, "solve_batch", None)
        if solver is None:
            return [{} for _ in params_list]
        results = solver(params_list)
        if len(results) != len(params_list):
            raise FamilyError(f"solve_batch returned {len(results)} results for {len(params_list)} variants",
                              file=self.folder)
        return list(results)

    @property
    def has_figure(self) -> bool:
        return callable(getattr(self.module, "figure", None))

    @property
    def has_simulator(self) -> bool:
        return callable(getattr(self.module, "simulator", None))

    def simulator(self, params: dict) -> dict:
        return self.module.simulator(params)

    def figure(self, params: dict, solution: dict) -> Any:
        return self.module.figure(params, solution)

    def figure_alt(self, params: dict, solution: dict) -> str:
        alt = getattr(self.module, "figure_alt", None)
        return alt(params, solution) if callable(alt) else f"Figure for {self.title}"


@cache
def _load_family(folder_name: str) -> Family:
    root = importlib.resources.files(PACKAGE) / folder_name
    where = f"problems/{folder_name}"
    for snippet in SNIPPETS:
        if not (root / snippet).is_file():
            raise FamilyError(f"missing {snippet}", file=where)
    try:
        module = importlib.import_module(f"{PACKAGE}.{folder_name}.problem")
    except FamilyError:
        raise
    except Exception as exc:  # a broken family must name its folder, not crash discovery
        raise FamilyError(f"problem.py failed to import: {exc.__class__.__name__}: {exc}", file=where) from exc
    missing = [a for a in REQUIRED_ATTRIBUTES if not hasattr(module, a)]
    if missing:
        raise FamilyError(f"problem.py does not define {', '.join(missing)}", file=where)
    for name in ("sample", "questions"):
        if not callable(getattr(module, name)):
            raise FamilyError(f"problem.py: {name} must be a function", file=where)
    for name in ("ID", "TITLE", "TOPIC"):
        if not isinstance(getattr(module, name), str) or not getattr(module, name).strip():
            raise FamilyError(f"problem.py: {name} must be a non-empty string", file=where)
    revision = getattr(module, "REVISION", 1)
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        raise FamilyError(f"problem.py: REVISION must be a positive int, got {revision!r}", file=where)
    return Family(
        id=module.ID, title=module.TITLE, topic=module.TOPIC, folder=where, module=module, revision=revision,
        statement_source=(root / SNIPPETS[0]).read_text(encoding="utf-8"),
        solution_source=(root / SNIPPETS[1]).read_text(encoding="utf-8"),
    )


def family_folders() -> list[str]:
    """Names of the folders of ``problems/`` that hold a family (have ``problem.py``)."""
    root = importlib.resources.files(PACKAGE)
    return sorted(
        entry.name for entry in root.iterdir()
        if entry.is_dir() and not entry.name.startswith(("_", ".")) and (entry / "problem.py").is_file()
    )


@cache
def all_families() -> dict[str, Family]:
    """Every family, by id, validated; a duplicate id is an error naming both folders."""
    families: dict[str, Family] = {}
    for folder in family_folders():
        family = _load_family(folder)
        if family.id in families:
            raise FamilyError(f"duplicate family id {family.id!r} (also in {families[family.id].folder})",
                              file=family.folder)
        families[family.id] = family
    return families


def get_family(family_id: str) -> Family:
    """One family by id, loading only its own folder when possible."""
    folder = family_id.replace("-", "_")
    if folder in family_folders():
        family = _load_family(folder)
        if family.id == family_id:
            return family
    families = all_families()
    if family_id not in families:
        raise KeyError(family_id)
    return families[family_id]
