"""Splitting CPU-bound batch work over forked worker processes.

Grading recomputes every student's variant in Python and in the HH solver; on several cores,
parts of a batch run side by side: one in this process, the others in forked processes, which
inherit every imported module and the loaded solver kernels (so they start in milliseconds).
Where ``fork`` is not the safe default (macOS, Windows) the work runs in this process.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Environment variable read by the HH solver for its thread count (see hh_solver).
SOLVER_THREADS_ENV = "SPIKESET_THREADS"


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Forked workers are used on Linux only (fork is unsafe or unavailable elsewhere)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def deal(items: Sequence[T], hands: int) -> list[list[T]]:
    """``items`` dealt round-robin into ``hands`` lists (no empty one): item i goes to hand
    i % hands, so costly items that sit together (one section, one naming scheme) are spread."""
    hands = max(1, min(hands, len(items)))
    return [list(items[h::hands]) for h in range(hands)]


def undeal(hands: Sequence[Sequence[R]]) -> list[R]:
    """The inverse of :func:`deal`: the items back in their original order."""
    out: list[R] = []
    for i in range(max((len(h) for h in hands), default=0)):
        out.extend(h[i] for h in hands if i < len(h))
    return out


_TASK: Callable[[Any], Any] | None = None


def _run_task(chunk: Any) -> tuple[bool, Any]:
    try:
        return True, _TASK(chunk)  # type: ignore[misc]
    except BaseException as exc:  # reported to the parent, which redoes the work itself
        return False, f"{exc.__class__.__name__}: {exc}"


def _limit_solver_threads(threads: int) -> None:
    os.environ[SOLVER_THREADS_ENV] = str(threads)


@contextmanager
def _solver_threads(threads: int) -> Iterator[None]:
    before = os.environ.get(SOLVER_THREADS_ENV)
    _limit_solver_threads(threads)
    try:
        yield
    finally:
        if before is None:
            del os.environ[SOLVER_THREADS_ENV]
        else:
            os.environ[SOLVER_THREADS_ENV] = before


def map_forked(task: Callable[[T], R], chunks: Sequence[T]) -> list[R] | None:
    """``[task(c) for c in chunks]``: the first chunk here, each other one in a forked process.

    ``task`` and whatever it reads are inherited through fork, so nothing but the chunks and the
    workers' results is pickled. Each process's HH solver gets its share of the cores. Returns
    None when workers cannot be used or any chunk failed: the caller then does the work itself,
    so an error surfaces exactly as it would without workers.
    """
    if len(chunks) < 2 or not can_fork():
        return None
    import multiprocessing

    global _TASK
    _TASK = task
    threads = max(1, usable_cores() // len(chunks))
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(len(chunks) - 1, initializer=_limit_solver_threads, initargs=(threads,)) as pool:
            pending = pool.map_async(_run_task, chunks[1:], chunksize=1)
            with _solver_threads(threads):
                first = _run_task(chunks[0])
            outcomes = [first, *pending.get()]
    except Exception:  # no workers (resources), or a result that cannot come back
        return None
    finally:
        _TASK = None
    if not all(ok for ok, _ in outcomes):
        return None
    return [value for _, value in outcomes]
