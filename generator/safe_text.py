"""Showing untrusted text (students' file names and answers) safely in a terminal, XML or Markdown.

A file name is bytes chosen by a student: it may hold control characters (an escape sequence
that recolours the terminal, a newline that forges a report line), bidirectional overrides that
reverse what follows, or bytes that are not UTF-8 (Python keeps those as lone surrogates).
:func:`safe_name` escapes all of them the way ``repr()`` does, so every report can hold the name.
"""
from __future__ import annotations

import os
import unicodedata

MAX_SHOWN_CHARS = 300


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by os.fsdecode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def safe_text(text: object, limit: int = MAX_SHOWN_CHARS) -> str:
    """``text`` with control, format (bidi), separator and surrogate characters escaped, cut to ``limit``."""
    text = str(text)
    out = "".join(_escape(ch) if unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp")
                  else ch for ch in text)
    return out if len(out) <= limit else out[: limit - 3] + "..."


def safe_name(path: str | bytes | os.PathLike) -> str:
    """A file name as reports and the terminal show it: printable text only, undecodable bytes as ``\\xNN``."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    return safe_text(os.fspath(path))
