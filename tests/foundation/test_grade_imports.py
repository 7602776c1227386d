"""Grading one answer file of the full default assignment (every family, simulations included)
imports neither matplotlib nor weasyprint."""
from __future__ import annotations

import json
import subprocess
import sys


def test_single_file_grade_stays_light(tmp_path):
    from spikeset.grade.answer_file import blank_answer_file
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import load_assignment
    from spikeset.cli.demo import default_files
    from spikeset.variants.roster import Student

    path = default_files()[0]
    (s,) = assemble(load_assignment(path), [Student("s001")], b"k" * 16)
    answers = tmp_path / "answers.toml"
    answers.write_text(blank_answer_file(s))
    code = (
        "import sys, json\n"
        "from spikeset.cli import main\n"
        f"status = main(['grade', {str(path)!r}, {str(answers)!r}, '--quiet', '--secret-file', {str(tmp_path / 'k')!r}])\n"
        "heavy = sorted(m for m in ('matplotlib', 'weasyprint', 'jinja2') if m in sys.modules)\n"
        "print(json.dumps({'status': status, 'heavy': heavy}))\n"
    )
    (tmp_path / "k").write_text("k" * 16)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    result = json.loads(r.stdout.strip().splitlines()[-1])
    assert result == {"status": 0, "heavy": []}
