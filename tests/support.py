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
