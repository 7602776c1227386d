"""`spikeset generate`: the files, their determinism, and that students never see a reference value."""
from __future__ import annotations

import json
import re

import pytest

from spikeset.variants.assignment import load_assignment
from spikeset.render.generate import generate
from spikeset.variants.roster import load_roster


@pytest.fixture
def generated(tmp_path, assignment_file, roster_file, secret):
    out = tmp_path / "out"
    generate(assignment=load_assignment(assignment_file), students=load_roster(roster_file),
             secret=secret, out_dir=out, pdf=False)
    return out


def test_layout_and_key_contract(generated):
    students = sorted(p.name for p in (generated / "students").iterdir())
    assert students == [f"st{i:03d}" for i in range(1, 6)]
    for sid in students:
        for name in ("problems.html", "answers.toml"):
            assert (generated / "students" / sid / name).is_file()
    key = json.loads((generated / "instructor" / "key.json").read_text())
    assert key["assignment"] == "week1"
    entry = key["students"]["st001"]
    assert re.fullmatch(r"[0-9a-f]{4}-[0-9a-f]{4}", entry["variant"])
    assert list(entry["questions"]) == ["p1.a", "p1.b", "p2.a", "p2.b", "p2.c", "p2.d"]
    for q in entry["questions"].values():
        assert set(q) == {"answer", "unit", "type", "points"}
        assert q["type"] in ("numeric", "choice")
        if q["type"] == "choice":
            assert q["unit"] is None and isinstance(q["answer"], str) and len(q["answer"]) == 1
        else:
            assert isinstance(q["answer"], float) and q["unit"]
    assert sum(q["points"] for q in entry["questions"].values()) == pytest.approx(14)
    for sid in students:
        assert (generated / "instructor" / "solutions" / f"{sid}.html").is_file()
    assert (generated / "instructor" / "solutions" / "index.html").is_file()


def test_answer_file_contract(generated, secret):
    import tomllib

    text = (generated / "students" / "st002" / "answers.toml").read_text()
    data = tomllib.loads(text)
    assert data["student"] == "st002" and data["assignment"] == "week1"
    assert data["variant"] == json.loads((generated / "instructor" / "key.json").read_text())["students"]["st002"]["variant"]
    assert set(data["answers"]) == {"p1.a", "p1.b", "p2.a", "p2.b", "p2.c", "p2.d"}
    assert all(v == "" for v in data["answers"].values())
    # A comment above each answer says what is asked and in which unit.
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith('"p1.a"'):
            assert "[in mV]" in lines[i - 1]
        if line.startswith('"p2.b"'):
            assert "[in uA/cm^2]" in lines[i - 1]


def test_byte_identical_outputs(tmp_path, assignment_file, roster_file, secret):
    a, r = load_assignment(assignment_file), load_roster(roster_file)
    generate(assignment=a, students=r, secret=secret, out_dir=tmp_path / "one", pdf=False)
    generate(assignment=a, students=r, secret=secret, out_dir=tmp_path / "two", pdf=False)
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert files
    for rel in files:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel


def _reference_strings(value: float) -> set[str]:
    """How a reference value could appear in a page: common roundings."""
    out = set()
    for d in (2, 3, 4):
        text = f"{value:.{d}f}"
        if len(text.replace("-", "").replace(".", "").lstrip("0")) >= 3:
            out.add(text)
            out.add(text.replace("-", "\u2212"))
    return out


def test_students_never_see_reference_values(generated):
    key = json.loads((generated / "instructor" / "key.json").read_text())
    for sid, entry in key["students"].items():
        folder = generated / "students" / sid
        texts = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.suffix in (".html", ".toml")}
        for qid, q in entry["questions"].items():
            if q["type"] != "numeric":
                continue
            for s in _reference_strings(q["answer"]):
                for name, text in texts.items():
                    assert s not in text, f"{sid}/{name} reveals {qid} = {s}"
    solutions = (generated / "instructor" / "solutions" / "st001.html").read_text()
    first = key["students"]["st001"]["questions"]["p1.a"]["answer"]
    assert f"{first:.2f}".replace("-", "\u2212") in solutions


def test_pages_carry_identity(generated):
    key = json.loads((generated / "instructor" / "key.json").read_text())
    html = (generated / "students" / "st003" / "problems.html").read_text()
    assert "Student 3" in html and "st003" in html and "week1" in html
    assert key["students"]["st003"]["variant"] in html
    # inline scripts only (the answer form, issue 13); the one address is the vendored uPlot's banner
    assert "<script src" not in html and "<link" not in html
    assert set(re.findall(r"https?://[^\s\"')]+", html)) <= {"https://github.com/leeoniya/uPlot"}
    assert "{{" not in html and "{%" not in html and "\\frac" not in html.split("alt=")[0]
    # Equations are typeset as text (numbers that differ per student are never pictures).
    assert '<div class="equation"><span class="m">' in html
