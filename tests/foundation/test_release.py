"""Release-ready: ``python -m build`` makes a wheel and an sdist that pass ``twine check``, and the
release workflow publishes with PyPI's trusted publishing on version tags."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IGNORED = shutil.ignore_patterns(".git", ".venv*", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache",
                                 ".hypothesis", "demo-out", "tests", "bench")


@pytest.mark.slow
def test_build_makes_a_wheel_and_an_sdist_that_pass_twine_check(tmp_path):
    src = tmp_path / "src"  # a copy: building writes egg-info and build/ beside pyproject.toml
    shutil.copytree(ROOT, src, ignore=IGNORED)
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(src)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = dist.glob("spikeset-*.whl")
    (sdist,) = dist.glob("spikeset-*.tar.gz")
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0 and checked.stdout.count("PASSED") == 2, checked.stdout + checked.stderr
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"spikeset/variants/signing.py", "spikeset/problems/nernst/problem.py"} <= names
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[-1] for m in tar.getmembers()}
    assert {"pyproject.toml", "README.md", "generator/variants/signing.py", "problems/nernst/statement.html.j2"} <= members


def test_release_workflow_uses_trusted_publishing_on_tags():
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "pypa/gh-action-pypi-publish" in text and "id-token: write" in text
    assert 'tags:\n      - "v*"' in text and "twine check" in text
    assert "password" not in text.replace("no password", "") and "secrets." not in text
