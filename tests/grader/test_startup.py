"""The single-file grade path stays light: no matplotlib, weasyprint or scipy unless a question needs them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from spikeset.assemble import assemble
from spikeset.assignment import load_assignment
from spikeset.demo import sample_submission
from spikeset.roster import Student

from grader_helpers import SECRET

HEAVY = ("matplotlib", "weasyprint", "scipy", "numba", "pint", "rich", "jinja2")
PROBE = """
import json, sys
from spikeset.cli import main
status = main(sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted({m.split('.')[0] for m in sys.modules})}))
"""


def run(tmp_path, assignment_text, style="right", extra=()):
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


def test_nernst_needs_scipy_constants_only(tmp_path):
    modules = run(tmp_path, DF_GIVEN_E.replace("driving-force", "nernst").replace('params = { given = "reversal" }', ""))
    assert "scipy" in modules and not modules & {"matplotlib", "weasyprint"}


def test_single_file_wall_time(tmp_path):
    path = tmp_path / "assignment.toml"
    path.write_text(DF_GIVEN_E)
    s = assemble(load_assignment(path), [Student("s001")], SECRET)[0]
    (tmp_path / "answers.toml").write_text(sample_submission(s, "right"))
    env = {**os.environ, "SPIKESET_SECRET": SECRET.decode()}
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "spikeset", "grade", str(path), str(tmp_path / "answers.toml")],
                       capture_output=True, env=env, check=True, timeout=60)
        times.append(time.perf_counter() - start)
    assert min(times) < 1.5, times
