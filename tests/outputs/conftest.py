"""Fixtures for the instructor-output tests: one small generated class, shared per module."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from spikeset.variants.assignment import load_assignment
from spikeset.variants.roster import load_roster

ASSIGNMENT = """\
id = "week1"
title = "Gradients and currents"
course = "Neuro 101"
due = "2026-12-01"

[[problems]]
family = "nernst"
points = 6

[[problems]]
family = "driving-force"
points = 8
"""

# Names that break naive escaping in HTML, CSS headers and XML.
STUDENTS = [("st001", "Ada O'Brien & \"Co\""), ("st002", "Émile <Zola>"), ("st003", "Grace Hopper")]
SECRET = b"outputs-test-secret"


def write_class(folder: Path, n: int = 3) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    a = folder / "assignment.toml"
    a.write_text(ASSIGNMENT, encoding="utf-8")
    r = folder / "roster.csv"
    with r.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name"])
        for sid, name in STUDENTS[:n]:
            w.writerow([sid, name])
    return a, r


@pytest.fixture(scope="session")
def class_files(tmp_path_factory) -> tuple[Path, Path]:
    return write_class(tmp_path_factory.mktemp("class"))


@pytest.fixture(scope="session")
def assignment(class_files):
    return load_assignment(class_files[0])


@pytest.fixture(scope="session")
def students(class_files):
    return load_roster(class_files[1])


@pytest.fixture(scope="session")
def generated_letter(tmp_path_factory, assignment, students):
    """Two students with PDFs on Letter paper, rendered by two processes."""
    from spikeset.render.generate import generate

    out = tmp_path_factory.mktemp("gen-letter")
    seen: list[tuple[str, int, int]] = []
    files = generate(assignment=assignment, students=students[:2], secret=SECRET, out_dir=out, pdf=True,
                     paper="Letter", jobs=2, reporter=lambda *a: seen.append(a))
    return files, seen
