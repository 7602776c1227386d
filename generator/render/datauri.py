"""Embedding a picture in a page: SVG bytes as a ``data:`` URI (no files, no network)."""
from __future__ import annotations

import base64


def data_uri(svg: bytes) -> str:
    """``svg`` as a ``data:image/svg+xml;base64,...`` URI."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
