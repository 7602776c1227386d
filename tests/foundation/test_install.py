"""A plain (non-editable) install ships the families, templates and data, and runs."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=300,
                       cwd=tmp_path_factory.mktemp("cwd"))
    assert r.returncode == 0, r.stderr[-2000:]
    (whl,) = out.glob("spikeset-*.whl")
    return whl


def test_wheel_contains_every_part(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    family_dirs = [p.name for p in (ROOT / "problems").iterdir() if (p / "problem.py").is_file()]
    assert family_dirs
    for family in family_dirs:
        for part in ("problem.py", "statement.html.j2", "solution.html.j2"):
            assert f"spikeset/problems/{family}/{part}" in names, (family, part)
    for template in (ROOT / "templates").iterdir():
        if template.suffix in (".j2", ".css"):
            assert f"spikeset/templates/{template.name}" in names
    assert "spikeset/solutions/electrochemistry.py" in names
    assert "spikeset/data/default_assignment.toml" in names
    assert "spikeset/data/default_roster.csv" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_plain_install_runs_outside_the_repo(wheel, tmp_path):
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    env = {**os.environ, "PYTHONPATH": str(target), "SPIKESET_SECRET": "s" * 16}
    code = ("import spikeset, spikeset.variants.registry as r; assert 'site' in spikeset.__file__, spikeset.__file__; "
            "print(len(r.all_families()))")
    r = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert int(r.stdout.strip()) >= 2
    from support import FOUNDATION_ASSIGNMENT, write_roster

    (tmp_path / "a.toml").write_text(FOUNDATION_ASSIGNMENT)
    write_roster(tmp_path / "r.csv", 2)
    r = subprocess.run([sys.executable, "-m", "spikeset", "generate", "a.toml", "--roster", "r.csv", "--out", "o"],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    for name in ("problems.html", "problems.pdf", "answers.toml"):
        assert (tmp_path / "o" / "students" / "st001" / name).is_file()
    assert (tmp_path / "o" / "instructor" / "solutions" / "st001.pdf").is_file()
    r = subprocess.run([sys.executable, "-m", "spikeset", "grade", "a.toml", "o/students", "--json", "g.json"],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "2 graded" in r.stdout
