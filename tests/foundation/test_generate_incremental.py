"""`spikeset generate` into a folder that already holds a class: content hashes (only what changed
is rendered), --force, refusal of another assignment or secret, students off the roster, key.csv,
and the parallel path writing the same bytes as the serial one."""
from __future__ import annotations

import csv
import io
import json

import pytest

from spikeset.variants.assignment import load_assignment
from spikeset.errors import UsageError
from spikeset.render.generate import generate
from spikeset.render.manifest import MANIFEST_NAME
from spikeset.variants.roster import load_roster
from support import write_roster


def _tree(folder) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def setup(tmp_path, assignment_file, roster_file, secret):
    return load_assignment(assignment_file), load_roster(roster_file), secret


def test_rerun_renders_only_new_students_and_matches_a_fresh_run(tmp_path, setup):
    a, roster, secret = setup
    out = tmp_path / "out"
    first = generate(assignment=a, students=roster[:3], secret=secret, out_dir=out, pdf=False)
    assert first.rendered == ("st001", "st002", "st003")
    again = generate(assignment=a, students=roster[:3], secret=secret, out_dir=out, pdf=False)
    assert again.rendered == () and again.removed == ()
    grown = generate(assignment=a, students=roster, secret=secret, out_dir=out, pdf=False)
    assert grown.rendered == ("st004", "st005")
    fresh = tmp_path / "fresh"
    generate(assignment=a, students=roster, secret=secret, out_dir=fresh, pdf=False)
    assert _tree(out) == _tree(fresh)
    forced = generate(assignment=a, students=roster, secret=secret, out_dir=out, pdf=False, force=True)
    assert forced.rendered == tuple(s.id for s in roster)
    assert _tree(out) == _tree(fresh)


def test_a_changed_or_missing_output_is_rendered_again(tmp_path, setup):
    a, roster, secret = setup
    out = tmp_path / "out"
    generate(assignment=a, students=roster, secret=secret, out_dir=out, pdf=False)
    (out / "students" / "st002" / "answers.toml").unlink()
    renamed = [roster[0].__class__(id=roster[0].id, name="Renamed Student")] + list(roster[1:])
    files = generate(assignment=a, students=renamed, secret=secret, out_dir=out, pdf=False)
    assert files.rendered == ("st001", "st002")
    assert "Renamed Student" in (out / "students" / "st001" / "problems.html").read_text()


def test_students_off_the_roster_are_removed_and_named(tmp_path, setup, capsys):
    a, roster, secret = setup
    out = tmp_path / "out"
    generate(assignment=a, students=roster, secret=secret, out_dir=out, pdf=False)
    files = generate(assignment=a, students=roster[:3], secret=secret, out_dir=out, pdf=False)
    assert files.removed == ("st004", "st005") and files.rendered == ()
    assert sorted(p.name for p in (out / "students").iterdir()) == ["st001", "st002", "st003"]
    assert not (out / "instructor" / "solutions" / "st004.html").exists()
    key = json.loads((out / "instructor" / "key.json").read_text())
    assert list(key["students"]) == ["st001", "st002", "st003"]
    assert {row["student"] for row in csv.DictReader(io.StringIO((out / "instructor" / "key.csv").read_text()))} \
        == {"st001", "st002", "st003"}


def test_another_assignment_or_secret_is_refused_unless_forced(tmp_path, setup):
    a, roster, secret = setup
    out = tmp_path / "out"
    generate(assignment=a, students=roster[:2], secret=secret, out_dir=out, pdf=False)
    manifest = (out / MANIFEST_NAME).read_text()
    assert secret.decode() not in manifest and json.loads(manifest)["assignment"] == "week1"
    other = b"another-secret-of-32-bytes-length"
    with pytest.raises(UsageError, match="another secret") as err:
        generate(assignment=a, students=roster[:2], secret=other, out_dir=out, pdf=False)
    assert other.decode() not in str(err.value) and secret.decode() not in str(err.value)
    renamed = a.__class__(**{**a.__dict__, "id": "week2"})
    with pytest.raises(UsageError, match="'week1', not 'week2'"):
        generate(assignment=renamed, students=roster[:2], secret=secret, out_dir=out, pdf=False)
    files = generate(assignment=a, students=roster[:1], secret=other, out_dir=out, pdf=False, force=True)
    assert files.rendered == ("st001",) and files.removed == ()
    assert sorted(p.name for p in (out / "students").iterdir()) == ["st001"]  # replaced whole


def test_unknown_generated_folder_is_refused_but_unrelated_files_are_kept(tmp_path, setup):
    a, roster, secret = setup
    legacy = tmp_path / "legacy"
    (legacy / "students" / "x").mkdir(parents=True)
    with pytest.raises(UsageError, match="without a spikeset manifest"):
        generate(assignment=a, students=roster[:1], secret=secret, out_dir=legacy, pdf=False)
    course = tmp_path / "course"
    course.mkdir()
    (course / "notes.txt").write_text("mine")
    generate(assignment=a, students=roster[:1], secret=secret, out_dir=course, pdf=False, force=True)
    assert (course / "notes.txt").read_text() == "mine"


def test_key_csv_has_one_line_per_student_and_question(tmp_path, setup):
    a, roster, secret = setup
    files = generate(assignment=a, students=roster[:2], secret=secret, out_dir=tmp_path / "o", pdf=False)
    key = json.loads(files.key.read_text())
    rows = list(csv.DictReader(io.StringIO(files.key_csv.read_text())))
    assert len(rows) == sum(len(e["questions"]) for e in key["students"].values())
    for row in rows:
        q = key["students"][row["student"]]["questions"][row["question"]]
        if q["type"] == "numeric":
            assert float(row["reference"]) == q["answer"] and row["unit"] == q["unit"]
            assert float(row["accepted_low"]) < q["answer"] < float(row["accepted_high"])
            assert row["tolerance"]
        else:
            assert row["reference"] == q["answer"] and row["accepted_low"] == ""


def test_parallel_batches_write_the_same_bytes(tmp_path, setup, monkeypatch):
    import spikeset.render.generate as gen

    a, roster, secret = setup
    generate(assignment=a, students=roster, secret=secret, out_dir=tmp_path / "serial", pdf=False, jobs=1)
    monkeypatch.setattr(gen, "BATCH", 1)
    seen = []
    generate(assignment=a, students=roster, secret=secret, out_dir=tmp_path / "forked", pdf=False, jobs=2,
             progress=seen.append)
    assert seen == [s.id for s in roster]
    assert _tree(tmp_path / "serial") == _tree(tmp_path / "forked")


def test_command_line_force_and_summary(tmp_path, assignment_file, secret, monkeypatch, capsys):
    from spikeset.cli import main

    roster = write_roster(tmp_path / "r.csv", 2)
    monkeypatch.setenv("SPIKESET_SECRET", secret.decode())
    args = ["generate", str(assignment_file), "--roster", str(roster), "--out", str(tmp_path / "o"), "--no-pdf",
            "--quiet"]
    assert main(args) == 0
    assert main(args) == 0
    assert "(0 rendered, 2 up to date; --force renders all)" in capsys.readouterr().out
    assert main(args + ["--force"]) == 0
    assert "up to date" not in capsys.readouterr().out


def test_sharded_generate_merges_into_one_runs_folder(tmp_path, capsys):
    """generate --shard K/N into one folder per shard, then merge generate: the same files, byte
    for byte, as one run."""
    from spikeset.cli import main

    a = tmp_path / "a.toml"
    a.write_text('id = "sh"\ntitle = "Shards"\n[[problems]]\nfamily = "nernst"\npoints = 4\n'
                 '[[problems]]\nfamily = "concepts"\npoints = 2\nparams = { n = 2 }\n', encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"s{i:02d},Student {i}\n" for i in range(7)), encoding="utf-8")
    secret = tmp_path / "secret"
    secret.write_text("a course secret of at least 16 bytes", encoding="utf-8")
    common = [str(a), "--roster", str(roster), "--secret-file", str(secret), "--no-pdf", "--quiet"]
    assert main(["generate", *common, "--out", str(tmp_path / "one")]) == 0
    for k in (1, 2, 3):
        assert main(["generate", *common, "--shard", f"{k}/3", "--out", str(tmp_path / "parts" / str(k))]) == 0
    assert main(["merge", "generate", *(str(tmp_path / "parts" / str(k)) for k in (3, 1, 2)),
                 "--out", str(tmp_path / "merged"), "--assignment", str(a), "--roster", str(roster)]) == 0

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    one, merged = files(tmp_path / "one"), files(tmp_path / "merged")
    assert sorted(one) == sorted(merged) and len(one) > 20
    assert all(one[name] == merged[name] for name in one), [n for n in one if one[n] != merged[n]]
    # a part missing, or a student in two parts, is refused
    assert main(["merge", "generate", str(tmp_path / "parts" / "1"), "--out", str(tmp_path / "m2"),
                 "--assignment", str(a), "--roster", str(roster)]) == 2
    assert main(["merge", "generate", *(str(tmp_path / "parts" / str(k)) for k in (1, 1, 2, 3)),
                 "--out", str(tmp_path / "m3"), "--assignment", str(a), "--roster", str(roster)]) == 2
    # a part whose key was edited by hand is refused, naming it, and nothing is half-merged
    key = tmp_path / "parts" / "2" / "instructor" / "key.json"
    key.write_text(json.dumps(json.loads(key.read_text(encoding="utf-8"))), encoding="utf-8")
    capsys.readouterr()
    assert main(["merge", "generate", *(str(tmp_path / "parts" / str(k)) for k in (1, 2, 3)),
                 "--out", str(tmp_path / "m4"), "--assignment", str(a), "--roster", str(roster)]) == 2
    assert "parts/2" in capsys.readouterr().err
    assert not (tmp_path / "m4" / "students").exists()


def test_a_key_edited_by_hand_renders_the_class_again(tmp_path, setup):
    """The key of the earlier run is read a student at a time in the form spikeset writes it; a
    key in another form (edited, reformatted) is not trusted: every student is rendered again,
    and the files are those of a fresh run."""
    a, roster, secret = setup
    out = tmp_path / "out"
    generate(assignment=a, students=roster, secret=secret, out_dir=out, pdf=False)
    key = out / "instructor" / "key.json"
    key.write_text(json.dumps(json.loads(key.read_text(encoding="utf-8"))), encoding="utf-8")
    again = generate(assignment=a, students=roster, secret=secret, out_dir=out, pdf=False)
    assert again.rendered == tuple(s.id for s in roster)
    fresh = tmp_path / "fresh"
    generate(assignment=a, students=roster, secret=secret, out_dir=fresh, pdf=False)
    assert _tree(out) == _tree(fresh)
    (out / "instructor" / "key.csv").unlink()
    assert generate(assignment=a, students=roster, secret=secret, out_dir=out, pdf=False).rendered \
        == tuple(s.id for s in roster)
    assert _tree(out) == _tree(fresh)
