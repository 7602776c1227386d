"""PDF from the same HTML as the web pages, with WeasyPrint (imported only here).

A page prints as it does in a browser, less what only the screen needs: the parts between
``<!--screen-only-->`` and ``<!--/screen-only-->`` (the answer form's scripts and styles, its
help, the footer), hidden in print anyway, are left out before WeasyPrint parses the page
(:func:`printable`), so they cost neither parsing nor the CSS cascade.

:func:`write_pdfs` renders many documents in parallel worker processes
(``concurrent.futures.ProcessPoolExecutor``): WeasyPrint is pure Python and single-threaded,
so processes are what scales on several cores.
"""
from __future__ import annotations

import re
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from functools import cache
from pathlib import Path
from typing import Callable, Sequence

from ..parallel import usable_cores


def _quiet_logs() -> None:
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


_SCREEN_ONLY = re.compile(r"<!--screen-only-->.*?<!--/screen-only-->", re.DOTALL)
#: A superscript of digits and signs only (cm<sup>2</sup>, Ca<sup>2+</sup>, 10<sup>&minus;6</sup>).
_SIMPLE_SUP = re.compile(r"<sup>((?:[0-9+\-\u2212]|&minus;)+)</sup>")
_SUPERSCRIPT = str.maketrans("0123456789+-\u2212", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b\u207b")


def _superscript(match: re.Match) -> str:
    return match.group(1).replace("&minus;", "\u2212").translate(_SUPERSCRIPT)


def printable(html_text: str) -> str:
    """``html_text`` as WeasyPrint should lay it out: without its screen-only parts (see the
    module docstring), and with superscripts of digits and signs as the superscript characters
    of the font (cm², Ca²⁺, 10⁻⁶: the same look, but one run of text where ``<sup>`` makes three
    boxes, each laid out on its own; a set has a few hundred)."""
    return _SIMPLE_SUP.sub(_superscript, _SCREEN_ONLY.sub("", html_text))


@cache
def _font_config():
    """One font configuration per process, shared by every document it renders (fontconfig's
    set-up and the fonts Pango has loaded are reused instead of rebuilt per document)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def pdf_bytes(html_text: str) -> bytes:
    """``html_text`` (self-contained, print CSS) rendered as PDF."""
    import weasyprint

    _quiet_logs()
    doc = weasyprint.HTML(string=printable(html_text), base_url=".")
    return doc.write_pdf(pdf_identifier=b"spikeset", uncompressed_pdf=False, font_config=_font_config())


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
