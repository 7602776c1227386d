"""Grading split over machines (--shard K/N) and merged gives, byte for byte, one run's outputs."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sharding"


def _class_folder(batch, tmp_path) -> Path:
    """A grading folder as the examples expect it: assignment.toml, roster.csv, submissions/."""
    root, assignment, subs, secret = batch
    work = tmp_path / "course"
    shutil.copytree(subs, work / "submissions")
    shutil.copy(assignment, work / "assignment.toml")
    (work / "roster.csv").write_text("id,name\n" + "".join(f"s{i:03d},Student {i}\n" for i in range(1, 7)),
                                     encoding="utf-8")
    return work


def _single_run(work: Path, env: dict) -> tuple[bytes, bytes]:
    subprocess.run(["spikeset", "grade", "assignment.toml", "submissions", "--roster", "roster.csv", "--quiet",
                    "--json", "one.json", "--gradebook", "one.csv"], cwd=work, env=env, check=False)
    return (work / "one.json").read_bytes(), (work / "one.csv").read_bytes()


def _env(secret: Path) -> dict:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "SPIKESET_SECRET": secret.read_text(encoding="utf-8")}


def test_slurm_array_example(batch, tmp_path):
    work = _class_folder(batch, tmp_path)
    env = _env(batch[3])
    for k in range(1, 4):   # what `sbatch --array=1-3` runs, task by task
        subprocess.run(["bash", str(EXAMPLES / "slurm-grade.sh")], cwd=work, check=True,
                       env={**env, "SLURM_ARRAY_TASK_ID": str(k), "SLURM_ARRAY_TASK_COUNT": "3"})
    subprocess.run(["bash", str(EXAMPLES / "slurm-merge.sh"), "3"], cwd=work, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    one_json, one_csv = _single_run(work, env)
    assert (work / "grades.json").read_bytes() == one_json
    assert (work / "gradebook.csv").read_bytes() == one_csv


def test_github_matrix_example(batch, tmp_path):
    """The workflow's own `run:` steps, for every shard of its matrix, then its merge job."""
    workflow = yaml.safe_load((EXAMPLES / "github-matrix.yml").read_text(encoding="utf-8"))
    work = _class_folder(batch, tmp_path)
    env = {**_env(batch[3]), **{k: str(v) for k, v in workflow["env"].items()}}
    grade_job, merge_job = workflow["jobs"]["grade"], workflow["jobs"]["merge"]
    shards = grade_job["strategy"]["matrix"]["shard"]
    assert len(shards) == int(workflow["env"]["SHARDS"])

    def run_steps(job, **subs):
        for step in job["steps"]:
            if "run" not in step or step.get("name") == "Install spikeset":
                continue
            script = step["run"]
            for name, value in subs.items():
                script = script.replace("${{ matrix.%s }}" % name, str(value))
            assert "${{" not in script
            subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=work, env=env, check=True,
                           stdout=subprocess.DEVNULL)

    for shard in shards:
        run_steps(grade_job, shard=shard)
    run_steps(merge_job)
    one_json, one_csv = _single_run(work, env)
    assert (work / "grades.json").read_bytes() == one_json
    assert (work / "gradebook.csv").read_bytes() == one_csv


def test_slurm_generate_example(batch, tmp_path):
    """The generation array: every task's folder, merged, equals one run's folder."""
    work = _class_folder(batch, tmp_path)
    env = {**_env(batch[3]), "GENERATE_OPTIONS": "--no-pdf"}
    for k in range(1, 4):
        subprocess.run(["bash", str(EXAMPLES / "slurm-generate.sh")], cwd=work, check=True, stdout=subprocess.DEVNULL,
                       env={**env, "SLURM_ARRAY_TASK_ID": str(k), "SLURM_ARRAY_TASK_COUNT": "3"})
    subprocess.run(["spikeset", "merge", "generate", "parts/1", "parts/2", "parts/3", "--out", "build",
                    "--assignment", "assignment.toml", "--roster", "roster.csv"], cwd=work, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["spikeset", "generate", "assignment.toml", "--roster", "roster.csv", "--quiet", "--no-pdf",
                    "--out", "one"], cwd=work, env=env, check=True, stdout=subprocess.DEVNULL)

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(work / "build") == files(work / "one")
