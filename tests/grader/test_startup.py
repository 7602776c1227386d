"""The single-file grade path stays light: no matplotlib, weasyprint or scipy unless a question needs them."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import load_assignment
from spikeset.cli.demo import sample_submission
from spikeset.variants.roster import Student

from grader_helpers import SECRET

HEAVY = ("matplotlib", "weasyprint", "scipy", "numba", "pint", "rich", "jinja2")
PROBE = """
import json, sys
from spikeset.cli import main
status = main(sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def run(tmp_path, assignment_text, style="right", extra=()):
    """Grade one answer file in a fresh interpreter; the top-level packages it imported."""
    return {m.split(".")[0] for m in run_modules(tmp_path, assignment_text, style, extra)}


def run_modules(tmp_path, assignment_text, style="right", extra=()):
    path = tmp_path / "assignment.toml"
    path.write_text(assignment_text)
    a = load_assignment(path)
    s = assemble(a, [Student("s001")], SECRET)[0]
    answers = tmp_path / "answers.toml"
    answers.write_text(sample_submission(s, style))
    env = {**os.environ, "SPIKESET_SECRET": SECRET.decode()}
    p = subprocess.run([sys.executable, "-c", PROBE, "grade", str(path), str(answers), "--quiet", *extra],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["status"] == 0
    return set(out["modules"])


DF_GIVEN_E = ('id = "light"\ntitle = "t"\n[[problems]]\nfamily = "driving-force"\npoints = 8\n'
              'params = { given = "reversal" }\n')


def test_driving_force_with_given_reversal_imports_nothing_heavy(tmp_path):
    modules = run(tmp_path, DF_GIVEN_E)
    assert not modules & set(HEAVY), modules & set(HEAVY)


def test_common_units_need_no_pint(tmp_path):
    modules = run(tmp_path, DF_GIVEN_E, style="units")  # "0.0123 V", "12.3 µA/cm²"
    assert not modules & set(HEAVY), modules & set(HEAVY)


def test_nernst_imports_nothing_heavy(tmp_path):
    """The physical constants are written out (SI 2019), so a Nernst problem needs no scipy."""
    modules = run(tmp_path, DF_GIVEN_E.replace("driving-force", "nernst").replace('params = { given = "reversal" }', ""))
    assert not modules & set(HEAVY), modules & set(HEAVY)


def test_default_assignment_needs_only_the_solver(tmp_path):
    """Every family of the demo assignment, simulations included: numba for the HH solver, nothing else heavy."""
    from spikeset.cli.demo import default_files
    modules = run_modules(tmp_path, default_files()[0].read_text(encoding="utf-8"))
    top = {m.split(".")[0] for m in modules}
    assert "numba" in top
    assert not top & (set(HEAVY) - {"numba", "scipy"}), top & set(HEAVY)
    # numba checks scipy's version by importing the bare package; nothing of scipy beyond that
    bare = subprocess.run([sys.executable, "-c", "import sys, scipy; print(' '.join(sys.modules))"],
                          capture_output=True, text=True, check=True).stdout.split()
    extra = {m for m in modules if m.startswith("scipy.")} - set(bare)
    assert not extra, sorted(extra)
