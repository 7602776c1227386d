"""``spikeset generate``: every student's problem set (HTML, PDF, blank answer file), the
instructor's worked solutions per student and the class-wide answer key.

Students stream through in small batches (variants, pages, PDFs, files), so memory does not
grow with the class; batches run in forked worker processes on several cores. A manifest
(:mod:`.manifest`) makes a re-run render only the students whose inputs changed.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..variants.assignment import Assignment
from ..atomic_write import write_atomic
from ..errors import UsageError
from .manifest import (MANIFEST_NAME, Manifest, inputs_digest, read_manifest, secret_fingerprint,
                       spikeset_version, student_digest)
from ..variants.roster import Student
from ..variants.signing import VARIANT_FILE

#: Students per batch: one call of each family's batched solver, then their files. Without PDFs
#: the solver's per-call cost matters (32 instead of 8: 66 -> 55 ms a student); with PDFs,
#: WeasyPrint's seconds per student dominate and smaller batches keep both cores busy to the end.
BATCH = 32
BATCH_WITH_PDF = 8


@dataclass(frozen=True)
class GeneratedFiles:
    """What ``generate`` wrote. ``rendered``: ids rendered in this run (the others were
    up to date); ``removed``: ids whose files were removed (no longer on the roster)."""

    out_dir: Path
    student_dirs: tuple[Path, ...]
    key: Path
    key_csv: Path
    solutions_index: Path
    solutions: tuple[Path, ...]
    solutions_pdfs: tuple[Path, ...]
    rendered: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def solutions_dir(self) -> Path:
        return self.solutions_index.parent


@dataclass(frozen=True)
class _Job:
    assignment: Assignment
    secret: bytes | None
    out: Path
    paper: str
    pdf: bool
    signing_key: object | None = None   # spikeset.variants.signing's private key: writes variant.toml


@dataclass(frozen=True)
class _Written:
    """One student's rendered outputs, as the parent needs them for the class-wide files."""

    student_id: str
    key_entry: str
    """The student's entry of ``key.json``, as text (see :mod:`.keyspool`)."""
    key_lines: str
    """The student's lines of ``key.csv``, as CSV text."""


def student_paths(out: Path, student_id: str) -> dict[str, Path]:
    """Where one student's files go below ``out``."""
    d = out / "students" / student_id
    sol = out / "instructor" / "solutions"
    return {"html": d / "problems.html", "pdf": d / "problems.pdf", "answers": d / "answers.toml",
            "variant": d / VARIANT_FILE,
            "solutions": sol / f"{student_id}.html", "solutions_pdf": sol / f"{student_id}.pdf"}


def _pdf_bytes(html_text: str) -> bytes:
    from .pdf import pdf_bytes
    return pdf_bytes(html_text)


def _write_student(job: _Job, s) -> _Written:
    from ..grade.answer_file import blank_answer_file
    from .keyfile import entry_json, student_key, student_key_rows
    from .keyspool import ENTRY_LEVEL, csv_lines
    from .render import figures, render_problem_set, render_solutions, statements

    paths = student_paths(job.out, s.student.id)
    drawn, stated = figures(s), statements(s)  # once each, for the student's page and the solutions
    blank = blank_answer_file(s)  # once, for answers.toml and the page form's header
    page = render_problem_set(s, paper=job.paper, drawn=drawn, stated=stated, blank=blank)
    solutions = render_solutions([s], paper=job.paper, drawn=[drawn], stated=[stated])
    write_atomic(paths["html"], page, fsync=False)
    write_atomic(paths["answers"], blank, fsync=False)
    write_atomic(paths["solutions"], solutions, fsync=False)
    if job.signing_key is not None:  # variant.toml: see spikeset.variants.signing
        from ..variants.signing import signed_variant_text
        write_atomic(paths["variant"], signed_variant_text(s, job.signing_key), fsync=False)
    else:
        paths["variant"].unlink(missing_ok=True)  # a signature of an earlier run must not stay
    for html_text, target in ((page, paths["pdf"]), (solutions, paths["solutions_pdf"])):
        if job.pdf:
            write_atomic(target, _pdf_bytes(html_text), fsync=False)
        else:
            target.unlink(missing_ok=True)  # a PDF of an earlier variant must not stay beside the new page
    return _Written(student_id=s.student.id, key_entry=entry_json(student_key(s), ENTRY_LEVEL),
                    key_lines=csv_lines(student_key_rows(s)))


_JOB: _Job | None = None


def _render_batch(batch: Sequence[Student]) -> list[_Written]:
    from ..variants.assemble import assemble

    assert _JOB is not None
    return [_write_student(_JOB, s) for s in assemble(_JOB.assignment, batch, _JOB.secret)]


def _render_batch_safely(batch: Sequence[Student]) -> tuple[bool, object]:
    try:
        return True, _render_batch(batch)
    except BaseException as exc:  # the parent redoes the batch, so the error surfaces there as usual
        return False, f"{exc.__class__.__name__}: {exc}"


def _worker_init() -> None:
    from ..parallel import _limit_solver_threads

    _limit_solver_threads(1)
    try:  # Linux: the worker gets SIGTERM when its parent dies
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _run(job: _Job, batches: list[list[Student]], jobs: int, on_batch: Callable[[list[_Written]], None]) -> None:
    """Render every batch: the first here (imports, solver kernels, fonts: forked workers then
    inherit them), the others in ``jobs`` forked processes where possible."""
    global _JOB
    from ..parallel import can_fork

    _JOB = job
    try:
        if not batches:
            return
        on_batch(_render_batch(batches[0]))
        rest = batches[1:]
        if jobs > 1 and len(rest) > 1 and can_fork():
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(min(jobs, len(rest)), initializer=_worker_init) as pool:
                for batch, (ok, result) in zip(rest, pool.imap(_render_batch_safely, rest)):
                    on_batch(result if ok else _render_batch(batch))  # type: ignore[arg-type]
        else:
            for batch in rest:
                on_batch(_render_batch(batch))
    finally:
        _JOB = None


def _is_generated(out: Path) -> bool:
    return (out / MANIFEST_NAME).exists() or (out / "students").exists() or (out / "instructor").exists()


def _replace_whole(out: Path) -> None:
    for name in ("students", "instructor"):
        if (out / name).is_dir() and not (out / name).is_symlink():
            shutil.rmtree(out / name)
        elif (out / name).exists() or (out / name).is_symlink():
            (out / name).unlink()
    (out / MANIFEST_NAME).unlink(missing_ok=True)


def prepare_output(out: Path, assignment: Assignment, secret: bytes | None, *, force: bool) -> Manifest | None:
    """Check ``out`` before writing: the manifest of an earlier run of the same assignment and
    secret (to bring up to date), or None for a new folder. A folder generated for another
    assignment or secret, or without a manifest, is refused unless ``force``, which removes
    its generated part (``students/``, ``instructor/``, the manifest) first."""
    if out.exists() and not out.is_dir():
        raise UsageError("--out: not a folder", file=str(out))
    if not out.exists() or not _is_generated(out):
        return None
    manifest = read_manifest(out)
    if manifest is None:
        conflict = "holds generated sets without a spikeset manifest (another tool or an older spikeset)"
    elif manifest.assignment != assignment.id:
        conflict = f"holds sets of assignment {manifest.assignment!r}, not {assignment.id!r}"
    elif manifest.secret != secret_fingerprint(secret):
        conflict = "holds sets generated with another secret"
    else:
        conflict = None
    if force:
        _replace_whole(out)
        return None
    if conflict:
        raise UsageError(f"{conflict}; choose another --out folder, or pass --force to replace its "
                         "students/ and instructor/ folders whole", file=str(out))
    return manifest


def _up_to_date(out: Path, student_id: str, pdf: bool, signed: bool = False) -> bool:
    paths = student_paths(out, student_id)
    names = ("html", "answers", "solutions") + (("pdf", "solutions_pdf") if pdf else ()) + (("variant",) if signed else ())
    return all(paths[n].is_file() for n in names)


def _remove_student(out: Path, student_id: str) -> None:
    paths = student_paths(out, student_id)
    if paths["html"].parent.is_dir():
        shutil.rmtree(paths["html"].parent)
    paths["solutions"].unlink(missing_ok=True)
    paths["solutions_pdf"].unlink(missing_ok=True)


def _listed_students(out: Path) -> set[str]:
    folder = out / "students"
    return {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()


def generate(*, assignment: Assignment, students: Sequence[Student], secret: bytes | None, out_dir: str | Path,
             pdf: bool = True, paper: str = "A4", progress: Callable[[str], None] | None = None,
             jobs: int | None = None, reporter: Callable[[str, int, int], None] | None = None,
             force: bool = False, signing_key=None) -> GeneratedFiles:
    """Write ``students/<id>/{problems.html,problems.pdf,answers.toml}`` and
    ``instructor/{key.json,key.csv,solutions/<id>.html,solutions/<id>.pdf,solutions/index.html}``
    below ``out_dir``, and the manifest ``.spikeset-manifest.json``.

    Students whose outputs are up to date (same content hash, files present) are not rendered
    again unless ``force``; students no longer on the roster are removed. ``jobs``: processes
    (default: all cores). ``progress(student_id)`` is called once each rendered student's files
    are written; ``reporter(phase, done, total)`` follows the phase "students" (progress bars).
    """
    from .keyspool import KeySpool, spool_key_files
    from ..parallel import usable_cores
    from .render import render_solutions_index

    jobs = usable_cores() if jobs is None else jobs
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    report = reporter or (lambda phase, done, total: None)
    out = Path(out_dir)
    manifest = prepare_output(out, assignment, secret, force=force)
    old_hashes = manifest.students if manifest else {}
    inst = out / "instructor"
    inst.mkdir(parents=True, exist_ok=True)
    spool = KeySpool(inst)  # every student's key entry and lines, on disk until key.json is written
    try:
        inputs = inputs_digest(assignment, secret, paper=paper, pdf=pdf,
                               signing_key_id=getattr(signing_key, "key_id", None))
        digests = {s.id: student_digest(inputs, s) for s in students}
        unchanged = {s.id for s in students
                     if old_hashes.get(s.id) == digests[s.id] and _up_to_date(out, s.id, pdf, signing_key is not None)}
        readable = bool(unchanged) and spool_key_files(spool, inst, assignment.id, unchanged)
        keep = {sid for sid in unchanged if readable and spool.has(sid)}
        todo = [s for s in students if s.id not in keep]
        on_roster = {s.id for s in students}
        removed = sorted((set(old_hashes) | _listed_students(out)) - on_roster)
        for sid in removed:
            _remove_student(out, sid)

        manifest_path = out / MANIFEST_NAME
        fp, version = secret_fingerprint(secret), spikeset_version()
        # Until the run ends, the manifest lists only the students kept as they were: a killed run
        # renders the others again next time.
        write_atomic(manifest_path, Manifest(assignment.id, fp, version, {k: digests[k] for k in sorted(keep)},
                                             paper, pdf).to_json())

        done = 0
        report("students", 0, len(todo))

        def on_batch(written: list[_Written]) -> None:
            nonlocal done
            for w in written:
                spool.add_texts(w.student_id, w.key_entry, w.key_lines)
                done += 1
                if progress:
                    progress(w.student_id)
            report("students", done, len(todo))

        # The first student alone (the first page appears at once), then batches small enough that
        # every process gets work.
        size = max(1, min(BATCH_WITH_PDF if pdf else BATCH, -(-(len(todo) - 1) // jobs)))
        batches = [todo[:1]] + [todo[i:i + size] for i in range(1, len(todo), size)] if todo else []
        _run(_Job(assignment, secret, out, paper, pdf, signing_key), batches, jobs, on_batch)

        key_path, csv_path = inst / "key.json", inst / "key.csv"
        order = [s.id for s in students]
        write_atomic(key_path, spool.key_json_chunks(assignment.id, order))
        write_atomic(csv_path, spool.key_csv_chunks(order))
        index = inst / "solutions" / "index.html"
        write_atomic(index, render_solutions_index(assignment, students, pdf=pdf, paper=paper))
        write_atomic(manifest_path, Manifest(assignment.id, fp, version, {s.id: digests[s.id] for s in students},
                                             paper, pdf).to_json())
    finally:
        spool.close()
    paths = [student_paths(out, s.id) for s in students]
    return GeneratedFiles(out_dir=out, student_dirs=tuple(p["html"].parent for p in paths), key=key_path,
                          key_csv=csv_path, solutions_index=index,
                          solutions=tuple(p["solutions"] for p in paths),
                          solutions_pdfs=tuple(p["solutions_pdf"] for p in paths) if pdf else (),
                          rendered=tuple(s.id for s in todo), removed=tuple(removed))
