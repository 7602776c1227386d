"""The class-wide answer key assembled on disk: each student's ``key.json`` entry and ``key.csv``
lines go to an anonymous temporary file as they come (from the renderers, or from the key of an
earlier run or of a shard), and the two files are written from it in roster order at the end.
Memory then does not grow with the class: what stays in memory is a file offset per student.

In: a student's key entry (:func:`spikeset.render.keyfile.student_key`) and key lines, or a
``key.json``/``key.csv`` written earlier. Out: ``key.json`` and ``key.csv``, the same bytes
:func:`~spikeset.render.keyfile.key_json` and :func:`~spikeset.render.keyfile.key_csv` write
for the whole class in memory.
"""
from __future__ import annotations

import csv
import io
import json
import tempfile
from json.encoder import encode_basestring_ascii as _json_string
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .keyfile import KEY_CSV_COLUMNS, entry_json

#: A student's entry in ``key.json`` sits at this depth (document, ``"students"``, the student).
ENTRY_LEVEL = 2


class KeySpool:
    """Students' key entries and key lines, kept in a temporary file (removed when closed, and by
    the system if the process is killed)."""

    def __init__(self, folder: str | Path | None = None):
        self._file = tempfile.TemporaryFile(dir=folder)
        self._end = 0
        self._entries: dict[str, tuple[int, int]] = {}
        self._lines: dict[str, list[tuple[int, int]]] = {}

    def __enter__(self) -> KeySpool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def _put(self, text: str) -> tuple[int, int]:
        data = text.encode("utf-8")
        self._file.seek(self._end)
        self._file.write(data)
        where = (self._end, len(data))
        self._end += len(data)
        return where

    def _get(self, where: tuple[int, int]) -> str:
        self._file.seek(where[0])
        return self._file.read(where[1]).decode("utf-8")

    def add(self, student_id: str, entry: dict, rows: Sequence[Sequence[str]]) -> None:
        """A student's ``key.json`` entry and ``key.csv`` lines; they replace any earlier ones."""
        self.add_texts(student_id, entry_json(entry, ENTRY_LEVEL), csv_lines(rows))

    def add_texts(self, student_id: str, entry_text: str, lines_text: str) -> None:
        """A student's entry (``key.json`` text at :data:`ENTRY_LEVEL`) and ``key.csv`` lines (CSV
        text), replacing any earlier ones."""
        self._lines[student_id] = []
        self.add_entry_text(student_id, entry_text)
        self.add_lines_text(student_id, lines_text)

    def add_entry_text(self, student_id: str, text: str) -> None:
        """A student's entry as ``key.json`` text at :data:`ENTRY_LEVEL` (replaces an earlier one)."""
        self._entries[student_id] = self._put(text)

    def add_lines_text(self, student_id: str, text: str) -> None:
        """More of a student's ``key.csv`` lines (CSV text ending in a newline)."""
        pieces = self._lines.setdefault(student_id, [])
        if text:
            pieces.append(self._put(text))

    def has(self, student_id: str) -> bool:
        """Whether the spool holds both an entry and key lines for ``student_id``."""
        return student_id in self._entries and student_id in self._lines

    def key_json_chunks(self, assignment_id: str, order: Iterable[str]) -> Iterator[str]:
        """``key.json`` for the students in ``order`` (each must be in the spool)."""
        head = "{\n \"assignment\": " + _json_string(assignment_id) + ",\n \"students\": "
        first = True
        for sid in order:
            where = self._entries[sid]
            yield (head + "{\n  " if first else ",\n  ") + _json_string(sid) + ": " + self._get(where)
            first = False
        yield (head + "{}" if first else "\n }") + "\n}\n"

    def key_csv_chunks(self, order: Iterable[str]) -> Iterator[str]:
        """``key.csv`` for the students in ``order``: the header, then each one's lines."""
        yield csv_lines([KEY_CSV_COLUMNS])
        for sid in order:
            for where in self._lines.get(sid, ()):
                yield self._get(where)


def csv_lines(rows: Iterable[Sequence[str]]) -> str:
    """``rows`` as ``key.csv`` text (no header)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def spool_key_files(spool: KeySpool, folder: Path, assignment_id: str,
                    wanted: set[str] | None = None) -> bool:
    """Add the entries and key lines of ``folder/key.json`` and ``folder/key.csv`` (of students
    in ``wanted``, or all) to ``spool``, reading a student at a time. False when either file is
    missing, unreadable, of another assignment, or not in the form spikeset writes."""
    try:
        with open(folder / "key.json", encoding="utf-8") as fh:
            for sid, entry in _key_json_entries(fh, assignment_id):
                if wanted is None or sid in wanted:
                    spool.add_entry_text(sid, entry_json(entry, ENTRY_LEVEL))
                    if not entry.get("questions"):
                        spool.add_lines_text(sid, "")  # no questions, no lines in key.csv
        with open(folder / "key.csv", encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            if tuple(next(reader, ())) != KEY_CSV_COLUMNS:
                return False
            for row in reader:
                if len(row) == len(KEY_CSV_COLUMNS) and (wanted is None or row[0] in wanted):
                    spool.add_lines_text(row[0], csv_lines([row]))
    except (OSError, ValueError, _NotOurs, csv.Error):
        return False
    return True


class _NotOurs(ValueError):
    pass


def _key_json_entries(lines: Iterable[str], assignment_id: str) -> Iterator[tuple[str, dict]]:
    """``(student id, entry)`` of a ``key.json`` as :func:`~spikeset.render.keyfile.key_json`
    writes it (``indent=1``), a student at a time. Raises ``_NotOurs`` on anything else."""
    it = iter(lines)
    decoder = json.JSONDecoder()
    if next(it, None) != "{\n":
        raise _NotOurs
    head = next(it, "")
    if not (head.startswith(' "assignment": ') and head.endswith(",\n")):
        raise _NotOurs
    if json.loads(head[len(' "assignment": '):-2]) != assignment_id:
        raise _NotOurs
    students = next(it, None)
    if students == ' "students": {}\n':
        if next(it, None) != "}\n" or next(it, None) is not None:
            raise _NotOurs
        return
    if students != ' "students": {\n':
        raise _NotOurs
    for line in it:
        if line in (" }\n",):
            break
        if not line.startswith('  "'):
            raise _NotOurs
        sid, end = decoder.raw_decode(line, 2)
        if not line.startswith(": ", end):
            raise _NotOurs
        rest = line[end + 2:]
        parts = [rest]
        if rest == "{\n":
            for inner in it:
                if inner in ("  }\n", "  },\n"):
                    parts.append("}")
                    break
                if not inner.startswith("   "):
                    raise _NotOurs
                parts.append(inner)
            else:
                raise _NotOurs
        entry = json.loads("".join(parts).rstrip().removesuffix(","))
        if not isinstance(sid, str) or not isinstance(entry, dict):
            raise _NotOurs
        yield sid, entry
    else:
        raise _NotOurs
    if next(it, None) != "}\n" or next(it, None) is not None:
        raise _NotOurs
