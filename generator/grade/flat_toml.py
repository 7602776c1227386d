"""A fast reader for the flat TOML of answer files, with :mod:`tomllib` as the authority.

Answer files are a few lines of ``key = value`` under ``[answers]`` and ``[traces]``: quoted
or bare keys, numbers, plain strings, booleans and comments. :func:`parse_flat` reads exactly
that subset in one pass and also records each key's line and the raw text of unquoted values
(what the grader needs for significant figures). Anything outside the subset, or anything
TOML would reject (a repeated key or table, a control character), returns None and the caller
parses the file with :mod:`tomllib`. Whenever :func:`parse_flat` returns a table, it equals
``tomllib.loads`` of the same text (tested on random files).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_WS = r"[ \t]*"
_COMMENT = r"(?:#[^\n]*)?"
_BASIC = r'"[^"\\\x00-\x1f\x7f]*"'
_KEY = rf'(?P<key>{_BASIC}|[A-Za-z0-9_-]+)'
_NUMBER = r"[+-]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_VALUE = rf"(?P<value>{_BASIC}|{_NUMBER}|true|false)"
_PAIR = re.compile(rf"{_WS}{_KEY}{_WS}={_WS}{_VALUE}{_WS}{_COMMENT}")
_HEADER = re.compile(rf"{_WS}\[{_WS}(?P<table>[A-Za-z0-9_-]+){_WS}\]{_WS}{_COMMENT}")
_SKIP = re.compile(rf"{_WS}{_COMMENT}")
# Characters TOML forbids outside strings and comments too (a lone CR is one of them).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)")
_TABLES = ("answers", "traces")
# A longer number goes to tomllib, which refuses an integer of more than 4300 digits (see answer_file).
_MAX_NUMBER_CHARS = 1000


@dataclass(frozen=True)
class FlatToml:
    """A parsed flat file.

    Attributes:
        data: the TOML document (``tomllib.loads`` of the text).
        lines: (table, key) -> line number (table "" is the top level).
        raw: (table, key) -> the value as typed, for numbers and booleans.
        table_lines: table name -> line of its header.
    """

    data: dict[str, Any]
    lines: dict[tuple[str, str], int]
    raw: dict[tuple[str, str], str]
    table_lines: dict[str, int]


def parse_flat(text: str) -> FlatToml | None:
    """The document of ``text`` if it is flat TOML of an answer file, else None (use tomllib)."""
    if _FORBIDDEN.search(text):
        return None
    data: dict[str, Any] = {}
    lines: dict[tuple[str, str], int] = {}
    raw: dict[tuple[str, str], str] = {}
    table_lines: dict[str, int] = {}
    table_name = ""
    table = data
    for number, line in enumerate(text.split("\n"), 1):
        if line.endswith("\r"):
            line = line[:-1]
        m = _PAIR.fullmatch(line)
        if m:
            key, value = m.group("key"), m.group("value")
            if key[0] == '"':
                key = key[1:-1]
            if key in table or len(value) > _MAX_NUMBER_CHARS and value[0] != '"':
                return None
            table[key] = _value(value)
            lines[(table_name, key)] = number
            if value[0] != '"':
                raw[(table_name, key)] = value
            continue
        m = _HEADER.fullmatch(line)
        if m:
            table_name = m.group("table")
            if table_name not in _TABLES or table_name in data:
                return None
            table = data[table_name] = {}
            table_lines[table_name] = number
            continue
        if not _SKIP.fullmatch(line):
            return None
    return FlatToml(data, lines, raw, table_lines)


def _value(token: str) -> Any:
    if token[0] == '"':
        return token[1:-1]
    if token == "true":
        return True
    if token == "false":
        return False
    if "." in token or "e" in token or "E" in token:
        return float(token)
    return int(token)
