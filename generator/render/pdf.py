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
    boxes, each laid out on its own; a set has a few hundred), and no line break inside a
    quantity (:mod:`.line_breaks`: "24 mS/cm²" is never cut after the slash)."""
    from .line_breaks import bind_quantities

    return bind_quantities(_SIMPLE_SUP.sub(_superscript, _SCREEN_ONLY.sub("", html_text)))


class _SizedArrayTypes(dict):
    """cffi's cache of parsed C type names, which also knows ``hb_codepoint_t[N]`` for any N.

    WeasyPrint's font subsetting allocates ``hb_codepoint_t[N]`` arrays with a new N for each
    font of each document; cffi parses every new type name with pycparser (about 7 ms each, some
    20 a document: 5 % of a problem set's PDF). The array type is the same object cffi would
    build from the parsed name (``new_array_type`` of the pointer type), made without parsing.
    """

    _NAME = re.compile(r"hb_codepoint_t\[(\d+)\]")

    def __init__(self, ffi, parsed: dict) -> None:
        super().__init__(parsed)
        self._ffi = ffi

    def __missing__(self, cdecl):
        m = self._NAME.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if m is None:
            raise KeyError(cdecl)
        ffi = self._ffi
        self[cdecl] = (ffi._backend.new_array_type(ffi.typeof("hb_codepoint_t *"), int(m.group(1))), False)
        return self[cdecl]


def _fast_font_subsetting() -> None:
    """Install :class:`_SizedArrayTypes` in WeasyPrint's cffi instance (once; if cffi's
    internals are not as expected, nothing changes and subsetting only stays slower)."""
    try:
        from weasyprint.text.ffi import ffi
    except ImportError:
        return
    parsed = getattr(ffi, "_parsed_types", None)
    if type(parsed) is dict and hasattr(ffi, "_backend"):
        ffi._parsed_types = _SizedArrayTypes(ffi, parsed)


#: WeasyPrint's ``write_pdf`` options for every spikeset PDF.
WRITE_OPTIONS = {"pdf_identifier": b"spikeset", "uncompressed_pdf": False}


def setup() -> None:
    """Quiet WeasyPrint's logs and speed up its font subsetting (idempotent)."""
    _quiet_logs()
    _fast_font_subsetting()


_FONT_CONFIG = None


def font_config():
    """This process's one WeasyPrint ``FontConfiguration``, made on first use.

    Without it WeasyPrint makes a new one for each document: Fontconfig loads its configuration
    and fonts again and Pango a new font map, and the process keeps them: it grew by about
    0.5 MB per student (set and solutions), measured over 40 students, against 0.1 MB with one
    configuration. One shared configuration gives the same bytes (tested). A forked worker
    inherits the parent's."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def pdf_bytes(html_text: str) -> bytes:
    """``html_text`` (self-contained, print CSS) rendered as PDF."""
    import weasyprint

    from .page_breaks import let_break, problems_on_several_pages

    setup()
    printed = printable(html_text)
    document = weasyprint.HTML(string=printed, base_url=".").render(font_config=font_config(), **WRITE_OPTIONS)
    overlong = problems_on_several_pages(document)
    if overlong:  # laid out again, each starting where it stands (rare: a problem taller than a page)
        document = weasyprint.HTML(string=let_break(printed, overlong), base_url=".").render(
            font_config=font_config(), **WRITE_OPTIONS)
    return document.write_pdf(**WRITE_OPTIONS)


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
