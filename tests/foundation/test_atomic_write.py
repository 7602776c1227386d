"""Atomic writes remove the temporary files that killed writers of the same target left, and
nothing else (the kill itself: tests/grader/test_hostile.py)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from spikeset.atomic_write import host_tag, write_atomic

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process ids are probed on POSIX only")


@pytest.fixture(scope="module")
def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.fixture
def live_pid():
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield p.pid
    p.kill()
    p.wait()


def _temp(folder, target: str, pid: int, host: str | None = None, rand: str = "ab12_x9q"):
    path = folder / f".{target[:40]}.{pid}-{host or host_tag()}.{rand}.tmp"
    path.write_text("half a file")
    return path


def test_the_temporary_file_names_its_writer(tmp_path, monkeypatch):
    seen = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (seen.append(os.path.basename(a)), real(a, b)))
    write_atomic(tmp_path / "grades.json", "{}\n")
    assert seen[0].startswith(f".grades.json.{os.getpid()}-{host_tag()}.") and seen[0].endswith(".tmp")
    assert os.listdir(tmp_path) == ["grades.json"]


def test_only_the_stale_temporaries_of_the_target_are_removed(tmp_path, dead_pid, live_pid):
    name = "a-very-long-report-name-of-more-than-forty-characters.json"
    stale = [_temp(tmp_path, name, dead_pid), _temp(tmp_path, name, dead_pid, rand="zz99")]
    kept = [_temp(tmp_path, name, live_pid),                       # a live writer
            _temp(tmp_path, name, os.getpid()),                    # this process (another thread)
            _temp(tmp_path, name, dead_pid, host="0badc0de" if host_tag() != "0badc0de" else "0badc0df"),
            _temp(tmp_path, "other.json", dead_pid),               # another target
            tmp_path / f".{name[:40]}.k3j_x9q2.tmp"]               # an older spikeset's: no writer named
    kept[-1].write_text("old")
    write_atomic(tmp_path / name, "new")
    assert (tmp_path / name).read_text() == "new"
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in kept)
    write_atomic(tmp_path / "other.json", "x")                    # its own write removes it
    assert not kept[3].exists() and all(p.exists() for p in kept[:3])


def test_a_folder_is_listed_once_for_many_writes(tmp_path, monkeypatch, dead_pid):
    for i in range(3):
        _temp(tmp_path, f"s{i}.html", dead_pid)
    calls = []
    real = os.listdir
    monkeypatch.setattr(os, "listdir", lambda p: (calls.append(p), real(p))[1])
    for i in range(3):
        write_atomic(tmp_path / f"s{i}.html", "page", fsync=False)
    assert len(calls) == 1
    assert sorted(real(tmp_path)) == ["s0.html", "s1.html", "s2.html"]


def test_keygen_removes_a_private_key_a_killed_run_left(tmp_path, dead_pid):
    from spikeset.cli import main

    out = tmp_path / "keys"
    out.mkdir()
    left = _temp(out, "spikeset-private.key", dead_pid)
    assert main(["keygen", "--out", str(out)]) == 0
    assert not left.exists()
    assert sorted(os.listdir(out)) == ["spikeset-private.key", "spikeset-public.key"]


def test_pieces_of_text_are_written_one_after_another(tmp_path):
    target = tmp_path / "key.json"
    write_atomic(target, "old")
    write_atomic(target, (piece for piece in ["{", "\n é", "}\n"]))
    assert target.read_text(encoding="utf-8") == "{\n é}\n"


def test_a_failing_piece_leaves_the_previous_file(tmp_path):
    target = tmp_path / "key.json"
    write_atomic(target, "old")

    def pieces():
        yield "new, half"
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_atomic(target, pieces())
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["key.json"]


def test_pieces_of_text_go_into_a_pipe_too(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    read = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, iter(["a", "b\n"]))
        assert os.read(read, 100) == b"ab\n"
    finally:
        os.close(read)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]
