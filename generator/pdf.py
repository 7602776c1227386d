"""PDF from the same HTML as the web pages, with WeasyPrint (imported only here)."""
from __future__ import annotations

from pathlib import Path


def write_pdf(html_text: str, path: str | Path) -> None:
    """Render ``html_text`` (self-contained, print CSS) to a PDF file at ``path``."""
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=html_text, base_url=".")
    doc.write_pdf(str(path), pdf_identifier=b"spikeset", uncompressed_pdf=False)
