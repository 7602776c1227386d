"""Run a test's independent reference solves side by side on the CPUs.

The tests' own scipy integrations (Radau at tight tolerances, written again in the tests so that
they stay independent of the solver) are most of the suite's run time, and one test's solves do
not depend on each other: ``reference_map(f, jobs)`` computes ``[f(*job) for job in jobs]`` in
forked worker processes, in order, with the same inputs and the same results as the loop.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

# (function, jobs) of the map in progress: forked workers inherit it, so the function may be a
# closure or a test module's private helper (nothing but the job's index is pickled to a worker).
_pending: tuple[Callable[..., Any], list[Sequence[Any]]] | None = None


def _run(index: int) -> Any:
    fn, jobs = _pending
    return fn(*jobs[index])


def cpus() -> int:
    """CPUs this process may run on."""
    return max(1, len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def reference_map(fn: Callable[..., Any], jobs: Iterable[Sequence[Any]]) -> list[Any]:
    """``[fn(*job) for job in jobs]``, spread over the CPUs when there are several of each."""
    global _pending
    jobs = [tuple(job) for job in jobs]
    workers = min(len(jobs), cpus())
    # fork only where it is the platform's own start method (Linux): the workers need no pickling
    # of functions and no re-import; elsewhere, and inside a map already running, the plain loop.
    if workers < 2 or not sys.platform.startswith("linux") or _pending is not None:
        return [fn(*job) for job in jobs]
    _pending = (fn, jobs)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_run, range(len(jobs)), chunksize=1)
    finally:
        _pending = None


def reference_calls(calls: Iterable[Callable[[], Any]]) -> list[Any]:
    """``[call() for call in calls]`` (e.g. ``functools.partial`` objects), spread over the CPUs."""
    return reference_map(_call, [(call,) for call in calls])


def _call(call: Callable[[], Any]) -> Any:
    return call()
