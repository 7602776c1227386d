"""The answer key assembled on disk (render.keyspool): the same bytes as the whole key written in
memory, read back a student at a time, refusal of files not in spikeset's form, and memory that
does not grow with the class."""
from __future__ import annotations

import json
import random
import tracemalloc

import numpy as np
import pytest

from spikeset.render.keyfile import KEY_CSV_COLUMNS, key_csv, key_document, key_json
from spikeset.render.keyspool import KeySpool, spool_key_files

_IDS = ["st001", "é中", 'q"uote\\', "tab\tid", "😀", "x" * 60]


def _entry(rng: random.Random, n_questions: int) -> dict:
    questions = {}
    for i in range(n_questions):
        if rng.random() < 0.3:
            questions[f"q{i}c"] = {"answer": rng.choice("abcd"), "unit": None, "type": "choice", "points": 1.0}
        else:
            questions[f"q{i}"] = {"answer": rng.uniform(-100, 100), "unit": rng.choice(["mV", "µA/cm^2", ""]),
                                  "type": "numeric", "points": rng.choice([1, 2.5])}
    return {"variant": f"{rng.getrandbits(64):016x}", "questions": questions}


def _rows(sid: str, entry: dict) -> list[tuple[str, ...]]:
    return [(sid, qid, q["type"], str(q["answer"]), q["unit"] or "", "1.0", "2.0", "±2 %", str(q["points"]))
            for qid, q in entry["questions"].items()]


def _class(rng: random.Random, n: int) -> list[tuple[str, dict]]:
    ids = (_IDS + [f"s{i:04d}" for i in range(n)])[:n]
    return [(sid, _entry(rng, rng.randrange(0, 6))) for sid in ids]


@pytest.mark.parametrize("size", [0, 1, 2, 7])
def test_spooled_key_is_the_key_written_in_memory(tmp_path, size):
    rng = random.Random(size)
    klass = _class(rng, size)
    order = [sid for sid, _ in klass]
    rng.shuffle(klass)  # entries arrive in any order; the files follow the roster
    with KeySpool(tmp_path) as spool:
        for sid, entry in klass:
            spool.add(sid, entry, _rows(sid, entry))
        by_id = dict(klass)
        assert "".join(spool.key_json_chunks("a1", order)) == key_json(
            key_document("a1", ((sid, by_id[sid]) for sid in order)))
        assert "".join(spool.key_csv_chunks(order)) == key_csv(row for sid in order for row in _rows(sid, by_id[sid]))
        json.loads("".join(spool.key_json_chunks("a1", order)))


def test_a_student_added_again_replaces_the_earlier_entry_and_lines(tmp_path):
    rng = random.Random(3)
    old, new = _entry(rng, 3), _entry(rng, 2)
    with KeySpool(tmp_path) as spool:
        spool.add("s1", old, _rows("s1", old))
        spool.add("s1", new, _rows("s1", new))
        assert json.loads("".join(spool.key_json_chunks("a", ["s1"])))["students"]["s1"] == new
        assert "".join(spool.key_csv_chunks(["s1"])) == key_csv(_rows("s1", new))


def test_values_json_writes_differently_fall_back_to_json_dumps(tmp_path):
    entry = {"variant": "v", "questions": {"a": {"answer": np.float32(1.5).item(), "unit": "mV", "type": "numeric",
                                                 "points": 1}, "b": {"answer": (1, [2, {}]), "unit": None}}}
    entry["questions"]["c"] = {1: "an int key"}  # json.dumps turns it into "1"
    with KeySpool(tmp_path) as spool:
        spool.add("s", entry, [])
        assert "".join(spool.key_json_chunks("a", ["s"])) == json.dumps(
            {"assignment": "a", "students": {"s": entry}}, indent=1) + "\n"


def test_key_files_read_back_a_student_at_a_time(tmp_path):
    rng = random.Random(11)
    klass = _class(rng, 6)
    order = [sid for sid, _ in klass]
    (tmp_path / "key.json").write_text(key_json(key_document("hw", klass)), encoding="utf-8")
    (tmp_path / "key.csv").write_text(key_csv(r for sid, e in klass for r in _rows(sid, e)), encoding="utf-8")
    with KeySpool(tmp_path) as spool:
        assert spool_key_files(spool, tmp_path, "hw")
        assert all(spool.has(sid) for sid in order)
        assert "".join(spool.key_json_chunks("hw", order)) == (tmp_path / "key.json").read_text(encoding="utf-8")
        assert "".join(spool.key_csv_chunks(order)) == (tmp_path / "key.csv").read_text(encoding="utf-8")
    with KeySpool(tmp_path) as spool:  # only the students asked for
        assert spool_key_files(spool, tmp_path, "hw", {order[2]})
        assert [sid for sid in order if spool.has(sid)] == [order[2]]


@pytest.mark.parametrize("edit", [
    lambda t: t.replace('"hw"', '"other"', 1),           # another assignment
    lambda t: json.dumps(json.loads(t)),                 # valid JSON, not spikeset's layout
    lambda t: t[: len(t) // 2],                          # cut short
    lambda t: t.replace("\n  }", "\n }", 1),             # an entry closed at the wrong depth
    lambda t: t + "{}\n",                                # trailing data
    lambda t: "",
])
def test_a_key_json_not_as_spikeset_writes_it_is_refused(tmp_path, edit):
    klass = _class(random.Random(5), 3)
    text = key_json(key_document("hw", klass))
    (tmp_path / "key.json").write_text(edit(text), encoding="utf-8")
    (tmp_path / "key.csv").write_text(key_csv(r for sid, e in klass for r in _rows(sid, e)), encoding="utf-8")
    with KeySpool(tmp_path) as spool:
        assert not spool_key_files(spool, tmp_path, "hw")


def test_a_key_csv_with_another_header_or_missing_is_refused(tmp_path):
    klass = _class(random.Random(6), 2)
    (tmp_path / "key.json").write_text(key_json(key_document("hw", klass)), encoding="utf-8")
    with KeySpool(tmp_path) as spool:
        assert not spool_key_files(spool, tmp_path, "hw")  # no key.csv
    (tmp_path / "key.csv").write_text(",".join(KEY_CSV_COLUMNS[::-1]) + "\n", encoding="utf-8")
    with KeySpool(tmp_path) as spool:
        assert not spool_key_files(spool, tmp_path, "hw")


def _spool_peak(folder, n: int, entry: dict, rows: list) -> tuple[int, int]:
    """(peak bytes Python allocated, bytes of key.json) for a class of ``n`` like students."""
    order = [f"s{i:05d}" for i in range(n)]
    tracemalloc.start()
    try:
        with KeySpool(folder) as spool:
            for sid in order:
                spool.add(sid, entry, rows)
            size = sum(len(piece) for piece in spool.key_json_chunks("hw", order))
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size


def test_memory_does_not_grow_with_the_class(tmp_path):
    """From 300 to 900 students of 40 questions, key.json grows by about 2.8 MB; what Python holds
    grows by the spool's index only (a file offset per student), under a tenth of that."""
    entry = _entry(random.Random(1), 40)
    rows = _rows("s", entry)
    peak_small, size_small = _spool_peak(tmp_path, 300, entry, rows)
    peak_large, size_large = _spool_peak(tmp_path, 900, entry, rows)
    assert size_large - size_small > 2_500_000
    assert peak_large - peak_small < (size_large - size_small) / 10, (peak_small, peak_large)
