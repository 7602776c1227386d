"""The second built-in set, generator/data/default_extended.toml: every new family in one assignment,
generated (HTML only) and graded for three students through the command line, as `spikeset demo` would."""
from __future__ import annotations

import importlib.resources
import json
import tomllib
from pathlib import Path

from support import write_roster
from spikeset.cli import main
from spikeset.variants.registry import all_families

EXTENDED = Path(str(importlib.resources.files("spikeset") / "data" / "default_extended.toml"))
NEW_FAMILIES = {"passive-membrane", "ghk-current", "gate-kinetics", "voltage-clamp", "cable",
                "strength-duration", "fi-curve", "spike-charge", "temperature", "anode-break", "accommodation"}


def _filled(blank: Path, answers: dict) -> str:
    head = [line for line in blank.read_text(encoding="utf-8").splitlines()
            if line.startswith(("student", "assignment", "variant"))]
    body = [f'"{qid}" = {json.dumps(v)}' for qid, v in answers.items()]
    return "\n".join(head + ["", "[answers]"] + body) + "\n"


def test_extended_set_names_each_new_family_once_with_whole_points():
    spec = tomllib.loads(EXTENDED.read_text(encoding="utf-8"))
    families = [p["family"] for p in spec["problems"]]
    assert set(families) == NEW_FAMILIES and len(families) == len(NEW_FAMILIES)
    assert set(families) <= set(all_families())
    assert all(isinstance(p["points"], int) and p["points"] > 0 for p in spec["problems"])


def test_extended_set_generates_and_grades(tmp_path, monkeypatch):
    monkeypatch.setenv("SPIKESET_SECRET", "extended-test-secret")
    roster = write_roster(tmp_path / "roster.csv", 3)
    out = tmp_path / "out"
    assert main(["generate", str(EXTENDED), "--roster", str(roster), "--out", str(out), "--no-pdf", "--quiet"]) == 0
    key = json.loads((out / "instructor" / "key.json").read_text(encoding="utf-8"))
    assert len(key["students"]) == 3
    subs = tmp_path / "subs"
    wrong_qid = None
    for i, (sid, entry) in enumerate(sorted(key["students"].items())):
        assert (out / "students" / sid / "problems.html").is_file()
        answers = {qid: q["answer"] for qid, q in entry["questions"].items()}
        if i == 0:  # one student gets one numeric answer 10 % off
            wrong_qid = next(qid for qid, q in entry["questions"].items() if q["type"] == "numeric")
            answers[wrong_qid] = answers[wrong_qid] * 1.1
        (subs / sid).mkdir(parents=True)
        (subs / sid / "answers.toml").write_text(_filled(out / "students" / sid / "answers.toml", answers),
                                                 encoding="utf-8")
    grades = tmp_path / "grades.json"
    assert main(["grade", str(EXTENDED), str(subs), "--roster", str(roster), "--json", str(grades), "--quiet"]) == 0
    report = json.loads(grades.read_text(encoding="utf-8"))
    scores = {s["student"]: (s["score"], s["max_score"]) for s in report["submissions"]}
    total = sum(p["points"] for p in tomllib.loads(EXTENDED.read_text(encoding="utf-8"))["problems"])
    assert len(scores) == 3
    first, *others = sorted(scores)
    assert all(scores[s][0] == scores[s][1] == total for s in others)
    assert scores[first][0] < scores[first][1] == total
