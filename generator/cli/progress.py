"""Progress bars for long commands: rich bars on a terminal, silence otherwise.

``with progress_reporter(enabled) as report: report("PDFs", done, total)`` — one bar per
phase name, created on first use. When output is not a terminal (a pipe, a file, CI) the
reporter does nothing, so logs stay clean.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

Reporter = Callable[[str, int, int], None]


def _noop(phase: str, done: int, total: int) -> None:
    return None


def wants_progress(stream=None) -> bool:
    stream = stream or sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_reporter(enabled: bool | None = None) -> Iterator[Reporter]:
    if enabled is None:
        enabled = wants_progress()
    if not enabled:
        yield _noop
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    tasks: dict[str, int] = {}
    with Progress(TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), transient=False) as bar:
        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield report
