"""Grading split over machines (--shard K/N) and merged gives, byte for byte, one run's outputs."""
from __future__ import annotations

import shutil

import pytest

from spikeset.cli import main
from spikeset.sharding import Shard, interleave, parse_shard
from spikeset.errors import UsageError

from grader_helpers import SECRET, demo_batch


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """7 answer files of 6 students: sample styles, a broken file, a student's second file,
    and a path that names nothing."""
    root = tmp_path_factory.mktemp("shard")
    subs = root / "subs"
    assignment_path, _, _, _ = demo_batch(subs, n=6)
    (subs / "s003" / "answers.toml").write_text("student = \n", encoding="utf-8")
    shutil.copy(subs / "s001" / "answers.toml", subs / "s006" / "answers-again.toml")
    secret = root / "secret"
    secret.write_bytes(SECRET)
    return root, assignment_path, subs, secret


def _grade(root, assignment, subs, secret, name, *extra) -> int:
    return main(["grade", str(assignment), str(subs), str(root / "missing"), "--secret-file", str(secret),
                 "--quiet", "--json", str(root / f"{name}.json"), *extra])


@pytest.mark.parametrize("count", [1, 3, 8])
def test_merged_shards_equal_one_run(batch, count):
    root, assignment, subs, secret = batch
    assert _grade(root, assignment, subs, secret, "one", "--gradebook", str(root / "one.csv")) == 1
    parts = []
    for k in range(1, count + 1):
        assert _grade(root, assignment, subs, secret, f"part{k}", "--shard", f"{k}/{count}") in (0, 1)
        parts.append(str(root / f"part{k}.json"))
    parts.reverse()  # the order of the parts does not matter
    assert main(["merge", "grades", *parts, "--json", str(root / "merged.json"), "--gradebook",
                 str(root / "merged.csv"), "--assignment", str(assignment)]) == 0
    one = (root / "one.json").read_bytes()
    assert (root / "merged.json").read_bytes() == one
    assert (root / "merged.csv").read_bytes() == (root / "one.csv").read_bytes()
    assert b"also submitted" in one and b"no such file or folder" in one


def test_merge_refuses_incomplete_or_mixed_parts(batch, capsys):
    root, assignment, subs, secret = batch
    for k in (1, 2):
        _grade(root, assignment, subs, secret, f"p{k}", "--shard", f"{k}/3")
    assert main(["merge", "grades", str(root / "p1.json"), str(root / "p2.json"),
                 "--json", str(root / "m.json")]) == 2
    assert "missing shard(s) 3/3" in capsys.readouterr().err
    assert main(["merge", "grades", str(root / "p1.json"), str(root / "p1.json"),
                 "--json", str(root / "m.json")]) == 2
    assert "given twice" in capsys.readouterr().err
    _grade(root, assignment, subs, secret, "whole")
    assert main(["merge", "grades", str(root / "whole.json"), "--json", str(root / "m.json")]) == 2
    assert "not a sharded grade report" in capsys.readouterr().err


def test_shard_split_is_a_partition():
    for total in range(0, 20):
        for count in range(1, 6):
            shards = [Shard(k, count) for k in range(1, count + 1)]
            taken = [s.positions(total) for s in shards]
            assert sorted(p for t in taken for p in t) == list(range(total))
            assert interleave((t, [f"x{p}" for p in t]) for t in taken) == [f"x{p}" for p in range(total)]
    assert parse_shard(" 2/8 ") == Shard(2, 8)
    for bad in ("0/3", "4/3", "3", "a/b", "1/0", ""):
        with pytest.raises(UsageError):
            parse_shard(bad)
