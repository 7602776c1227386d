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


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this (forked) process when its parent dies (Linux ``PR_SET_PDEATHSIG``),
    so a killed ``spikeset grade`` leaves no workers behind; exit at once if the parent is already gone."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl here: the parent's own clean-up still ends the workers
        pass
    if os.getppid() != parent_pid:
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _start_worker(threads: int, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    _limit_solver_threads(threads)


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
    workers' results is pickled. Each process's HH solver gets its share of the cores. Workers die
    with this process (:func:`die_with_parent`). Returns None when workers cannot be used, any
    chunk failed or a worker died: the caller then does the work itself, so no item is lost and an
    error surfaces exactly as it would without workers.
    """
    if len(chunks) < 2 or not can_fork():
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _TASK
    _TASK = task
    threads = max(1, usable_cores() // len(chunks))
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(chunks) - 1, mp_context=ctx, initializer=_start_worker,
                                 initargs=(threads, os.getpid())) as pool:
            pending = [pool.submit(_run_task, chunk) for chunk in chunks[1:]]
            with _solver_threads(threads):
                first = _run_task(chunks[0])
            outcomes = [first, *(future.result() for future in pending)]
    except Exception:  # no workers (resources), a worker that died (killed, out of memory), or a
        return None    # result that cannot come back: the caller then does all the work itself
    finally:
        _TASK = None
    if not all(ok for ok, _ in outcomes):
        return None
    return [value for _, value in outcomes]
