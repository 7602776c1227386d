"""PDF from the same HTML as the web pages, with WeasyPrint (imported only here).

:func:`write_pdfs` renders many documents in parallel worker processes
(``concurrent.futures.ProcessPoolExecutor``): WeasyPrint is pure Python and single-threaded,
so processes are what scales on several cores.
"""
from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Callable, Sequence

from ..parallel import usable_cores


def _quiet_logs() -> None:
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def pdf_bytes(html_text: str) -> bytes:
    """``html_text`` (self-contained, print CSS) rendered as PDF."""
    import weasyprint

    _quiet_logs()
    doc = weasyprint.HTML(string=html_text, base_url=".")
    return doc.write_pdf(pdf_identifier=b"spikeset", uncompressed_pdf=False)


def write_pdf(html_text: str, path: str | Path) -> None:
    """Render ``html_text`` to a PDF file at ``path`` (written atomically)."""
    from ..atomic_write import write_atomic

    write_atomic(path, pdf_bytes(html_text), fsync=False)


def _job(html_text: str, path: str) -> str:
    write_pdf(html_text, path)
    return path


def write_pdfs(documents: Sequence[tuple[str, str | Path]], *, jobs: int | None = None,
               done: Callable[[Path], None] | None = None) -> None:
    """Render every ``(html_text, path)`` pair; ``jobs`` processes (default: all cores).

    ``done(path)`` is called in this process as each PDF is finished. With one job (or one
    document) everything runs here, without worker processes. The first failure is re-raised.
    """
    jobs = usable_cores() if jobs is None else jobs
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    if jobs == 1 or len(documents) <= 1:
        for html_text, path in documents:
            write_pdf(html_text, path)
            if done:
                done(Path(path))
        return
    import weasyprint  # noqa: F401  (imported once here: forked workers inherit it)

    # Largest documents first (the instructor's solutions): the pool ends evenly loaded.
    order = sorted(documents, key=lambda d: -len(d[0]))
    with ProcessPoolExecutor(max_workers=min(jobs, len(order))) as pool:
        pending = {pool.submit(_job, html_text, str(path)) for html_text, path in order}
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    path = fut.result()
                    if done:
                        done(Path(path))
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise
