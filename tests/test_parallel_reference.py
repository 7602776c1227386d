"""tests/parallel_reference.py: the parallel map gives the loop's results, in order."""
from __future__ import annotations

import os
import sys
from functools import partial

import pytest

import parallel_reference
from parallel_reference import reference_calls, reference_map


def _pid_and_square(x):
    return os.getpid(), x * x


def test_results_in_order_from_other_processes():
    offset = 10

    def shifted(x, y):  # a closure: only the job's index travels to a worker
        return x + y + offset
    assert reference_map(shifted, [(i, 2 * i) for i in range(7)]) == [3 * i + 10 for i in range(7)]
    pids = {pid for pid, _ in reference_map(_pid_and_square, [(i,) for i in range(4)])}
    if parallel_reference.cpus() > 1 and sys.platform.startswith("linux"):
        assert os.getpid() not in pids
    assert reference_calls([partial(_pid_and_square, 3), partial(pow, 2, 10)])[1] == 1024


def test_a_failing_job_fails_the_map_and_no_map_is_left_pending():
    with pytest.raises(ZeroDivisionError):
        reference_map(lambda x: 1 / x, [(1,), (0,), (2,)])
    assert parallel_reference._pending is None
    assert reference_map(abs, [(-1,)]) == [1] and reference_map(abs, []) == []
