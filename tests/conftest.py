"""Shared fixtures: small assignments and rosters written to a temporary folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from support import FOUNDATION_ASSIGNMENT, write_roster


@pytest.fixture
def assignment_file(tmp_path: Path) -> Path:
    path = tmp_path / "assignment.toml"
    path.write_text(FOUNDATION_ASSIGNMENT, encoding="utf-8")
    return path


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    return write_roster(tmp_path / "roster.csv", 5)


@pytest.fixture
def secret() -> bytes:
    return b"test-course-secret"
