"""Putting sharded runs back together: what one run would have written, byte for byte.

``spikeset grade --shard K/N --json part-K.json`` records, beside its results, where each stands
in one run's order; :func:`merge_grade_json` interleaves the N parts, adds the warnings that
need the whole batch (a student who submitted twice), and drops the shard record.
:func:`report_from_json` turns the merged report back into a :class:`GradeReport` for the
other writers (gradebook, Markdown, JUnit).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Sequence

from ..variants.assignment import Assignment
from ..errors import UsageError
from ..grade.grading import GradeError, GradeReport, QuestionResult, SubmissionResult, duplicate_warning
from ..sharding import interleave

_KEYS = ("assignment", "title", "max_score")


def load_parts(paths: Sequence[str]) -> list[tuple[str, dict]]:
    """Read shard reports; every error names the file."""
    parts = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise UsageError(f"cannot read: {exc.strerror or exc.__class__.__name__}", file=path) from None
        except (ValueError, RecursionError):
            raise UsageError("not a JSON grade report", file=path) from None
        if not isinstance(data, dict) or not isinstance(data.get("shard"), dict):
            raise UsageError("not a sharded grade report (written by spikeset grade --shard K/N --json)", file=path)
        parts.append((path, data))
    return parts


def merge_grade_json(parts: Sequence[tuple[str, dict]]) -> dict:
    """The report one run would have made from the shard reports ``parts`` ((name, data) pairs)."""
    if not parts:
        raise UsageError("merge: expected the JSON reports of every shard")
    first_name, first = parts[0]
    count = first["shard"].get("count")
    seen: dict[int, str] = {}
    for name, data in parts:
        shard = data["shard"]
        if shard.get("count") != count:
            raise UsageError(f"shard {shard.get('index')}/{shard.get('count')} does not belong with "
                             f"{first_name} (of {count} shards)", file=name)
        if any(data.get(k) != first.get(k) for k in _KEYS):
            raise UsageError(f"a report of assignment {data.get('assignment')!r}; {first_name} is of "
                             f"{first.get('assignment')!r}", file=name)
        if data.get("feedback", "full") != first.get("feedback", "full"):
            raise UsageError(f"written at feedback level {data.get('feedback', 'full')!r}; {first_name} at "
                             f"{first.get('feedback', 'full')!r} (grade every shard with the same --feedback)",
                             file=name)
        if shard.get("index") in seen:
            raise UsageError(f"shard {shard.get('index')}/{count} given twice (also {seen[shard['index']]})", file=name)
        seen[shard.get("index")] = name
    missing = sorted(set(range(1, (count or 0) + 1)) - set(seen))
    if missing or not isinstance(count, int):
        raise UsageError(f"merge: missing shard(s) {', '.join(f'{i}/{count}' for i in missing)}")
    submissions = interleave((d["shard"]["submissions"], d["submissions"]) for _, d in parts)
    errors = interleave((d["shard"]["errors"], d["errors"]) for _, d in parts)
    first_file: dict[str, str] = {}
    for s in submissions:
        if s["student"] in first_file:
            s["warnings"] = [*s["warnings"], duplicate_warning(s["file"], s["student"], first_file[s["student"]])]
        first_file.setdefault(s["student"], s["file"])
    merged = {k: v for k, v in first.items() if k not in ("submissions", "errors", "shard")}
    merged["submissions"] = submissions
    merged["errors"] = errors
    return merged


def grade_json_text(merged: dict) -> str:
    """The merged report as ``spikeset grade --json`` writes it."""
    from ..grade.report_json import DEPTH, layered_json

    return layered_json(merged, depth=DEPTH) + "\n"


def report_from_json(data: dict, assignment: Assignment) -> GradeReport:
    """A :class:`GradeReport` from a JSON report (for the gradebook and other writers). A report
    written at ``correctness`` has no carried-credit, significant-figure or misconception fields:
    its results read as having none."""
    if data.get("assignment") != assignment.id:
        raise UsageError(f"the report is of assignment {data.get('assignment')!r}, not {assignment.id!r}")
    subs = tuple(SubmissionResult(
        file=s["file"], student=s["student"], variant=s["variant"], name=s.get("name", ""),
        section=s.get("section", ""), warnings=tuple(s["warnings"]),
        questions=tuple(_question(q) for q in s["questions"])) for s in data["submissions"])
    errors = tuple(GradeError(e["file"], e["message"], e.get("place")) for e in data["errors"])
    return GradeReport(assignment=assignment, submissions=subs, errors=errors)


def _question(q: dict[str, Any]) -> QuestionResult:
    return QuestionResult(id=q["id"], points=q["points"], max_points=q["max_points"], status=q["status"],
                          feedback=q["feedback"], misconception=q.get("misconception"), ecf=q.get("ecf", False),
                          given=q.get("given"), reference=q.get("answer"), unit=q.get("unit"),
                          type=q.get("type", "numeric"), line=q.get("line"), sigfig=q.get("sigfig"),
                          trace=q.get("trace"))


# ---------------------------------------------------------------- generated classes

def merge_generated(*, parts: Sequence[str | Path], out: str | Path, assignment: Assignment,
                    students: Sequence, force: bool = False) -> Path:
    """One class folder, as one ``spikeset generate`` run would have written it, from the
    folders of ``generate --shard K/N`` runs (each a complete output for its students).

    Every roster student must be in exactly one part; the parts must be of this assignment, one
    secret (by its fingerprint), one spikeset version, one paper size and PDF setting."""
    from ..atomic_write import write_atomic
    from ..render.generate import prepare_output, student_paths
    from ..render.keyspool import KeySpool, spool_key_files
    from ..render.manifest import MANIFEST_NAME, Manifest, read_manifest
    from ..render.render import render_solutions_index

    folders = [Path(p) for p in parts]
    manifests = []
    for folder in folders:
        m = read_manifest(folder)
        if m is None:
            raise UsageError("not a folder written by spikeset generate (no manifest)", file=str(folder))
        if m.assignment != assignment.id:
            raise UsageError(f"holds sets of assignment {m.assignment!r}, not {assignment.id!r}", file=str(folder))
        first = manifests[0] if manifests else m
        for what, mine, theirs in (("secret", m.secret, first.secret), ("spikeset version", m.version, first.version),
                                   ("paper size", m.paper, first.paper), ("PDF setting", m.pdf, first.pdf)):
            if mine != theirs:
                raise UsageError(f"made with another {what} than {folders[0]}", file=str(folder))
        manifests.append(m)
    owner: dict[str, Path] = {}
    for folder, m in zip(folders, manifests):
        for sid in m.students:
            if sid in owner:
                raise UsageError(f"student {sid!r} is in two parts (also {owner[sid]})", file=str(folder))
            owner[sid] = folder
    roster_ids = [s.id for s in students]
    missing = [sid for sid in roster_ids if sid not in owner]
    extra = sorted(set(owner) - set(roster_ids))
    if missing or extra:
        raise UsageError("the parts do not make up the roster: "
                         + (f"missing {', '.join(missing[:5])}" if missing else "")
                         + ("; " if missing and extra else "")
                         + (f"not on the roster {', '.join(extra[:5])}" if extra else ""))
    target = Path(out)
    # The merged folder takes the secret's fingerprint of the parts: prepare_output compares it.
    existing = read_manifest(target) if target.exists() else None
    if existing is not None and (existing.assignment, existing.secret) != (assignment.id, manifests[0].secret) \
            and not force:
        raise UsageError("holds sets of another assignment or secret; pass --force to replace them", file=str(target))
    if force or existing is not None:
        prepare_output(target, assignment, None, force=True)
    elif target.exists() and any(target.iterdir()):
        raise UsageError("--out: expected a new or empty folder (or --force)", file=str(target))
    inst = target / "instructor"
    inst.mkdir(parents=True, exist_ok=True)
    with KeySpool(inst) as spool:  # a shard's key at a time, on disk: memory does not grow with the class
        for folder, m in zip(folders, manifests):
            if not spool_key_files(spool, folder / "instructor", assignment.id, set(m.students)):
                raise UsageError("its instructor/key.json or key.csv is missing or not as spikeset writes it",
                                 file=str(folder))
        unkeyed = [sid for sid in roster_ids if not spool.has(sid)]
        if unkeyed:
            raise UsageError(f"the keys of the parts lack student {unkeyed[0]!r}", file=str(owner[unkeyed[0]]))
        for sid in roster_ids:
            source, dest = student_paths(owner[sid], sid), student_paths(target, sid)
            shutil.copytree(source["html"].parent, dest["html"].parent, dirs_exist_ok=True)
            dest["solutions"].parent.mkdir(parents=True, exist_ok=True)
            for name in ("solutions", "solutions_pdf"):
                if source[name].is_file():
                    shutil.copy2(source[name], dest[name])
        m0 = manifests[0]
        write_atomic(inst / "key.json", spool.key_json_chunks(assignment.id, roster_ids))
        write_atomic(inst / "key.csv", spool.key_csv_chunks(roster_ids))
    write_atomic(inst / "solutions" / "index.html",
                 render_solutions_index(assignment, students, pdf=m0.pdf, paper=m0.paper))
    digests = {sid: m.students[sid] for m in manifests for sid in m.students}
    write_atomic(target / MANIFEST_NAME, Manifest(assignment.id, m0.secret, m0.version,
                                                  {sid: digests[sid] for sid in roster_ids}, m0.paper, m0.pdf).to_json())
    return target
