"""`spikeset list` and `spikeset check`."""
from __future__ import annotations

import json

from spikeset.cli import main
from spikeset.registry import all_families


def test_list_shows_every_family(capsys):
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == set(all_families())
    for r in rows:
        assert r["title"] and r["topic"] and r["questions"]
        assert all(q["type"] in ("numeric", "choice") for q in r["questions"])


def test_check_reports_ranges_and_label_balance(capsys):
    assert main(["check", "nernst", "driving-force", "--n", "200"]) == 0
    out = capsys.readouterr().out
    assert "nernst: 200 variants, ok" in out and "driving-force: 200 variants, ok" in out
    assert " mV (median " in out and "correct label a " in out


def test_check_flags_a_degenerate_variant(monkeypatch, capsys):
    family = all_families()["ahp"]
    monkeypatch.setattr(family.module, "plausible", lambda params, solution, questions: ["made-up problem"])
    assert main(["check", "ahp", "--n", "5"]) == 1
    assert "! v00000: made-up problem" in capsys.readouterr().out


def test_check_unknown_family(capsys):
    assert main(["check", "no-such-family"]) == 2
    assert "unknown family 'no-such-family'" in capsys.readouterr().err
