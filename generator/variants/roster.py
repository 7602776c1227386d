"""Class rosters (CSV): a required ``id`` column, optional ``name``, ``email``, ``section`` and
``github`` (the student's GitHub user name, which signed variants are bound to).

No error quotes the file's content (a secret file passed as the roster by mistake stays unseen);
errors name the file, the line and the column."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import RosterError

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$")
# GitHub user names: letters, digits and single hyphens, at most 39 characters.
GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
MAX_FILE_BYTES = 5_000_000
#: Rows of Canvas's gradebook export that are no student: its points row and its test student.
CANVAS_NOT_STUDENTS = {"Points Possible", "Student, Test", "Test Student"}


@dataclass(frozen=True)
class Student:
    id: str
    name: str = ""
    email: str = ""
    section: str = ""
    github: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.id


def load_roster(path: str | Path) -> tuple[Student, ...]:
    """Read a roster CSV; errors name the file and the line."""
    from ..regular_file import read_regular_file

    path = Path(path)
    if not path.exists():
        raise RosterError("no such file", file=str(path))
    raw = read_regular_file(path, shown=str(path), limit=MAX_FILE_BYTES, what="a roster", error=RosterError,
                            follow_links=True)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError("not UTF-8 text; expected a CSV roster", file=str(path)) from None
    return parse_roster(text, source=str(path))


def _delimiter(text: str) -> str:
    """``,``; or ``;`` or a tab when the header line has no comma but one of those (the CSV that
    Excel saves where the decimal mark is a comma, or a sheet pasted as text)."""
    header = text.split("\n", 1)[0]
    if "," not in header:
        for other in (";", "\t"):
            if other in header:
                return other
    return ","


#: Column names that usually hold the student id (letters and digits only, lower case). Only
#: these are quoted back: no error quotes other text of the file (a secret passed as the roster).
ID_LIKE_COLUMNS = {"studentid", "studentno", "studentnumber", "sisuserid", "sisid", "userid", "user", "login",
                   "loginid", "username", "matriculationnumber", "matrikelnummer", "netid", "uid", "identifier"}


def _id_column_hint(fields: list[str]) -> str:
    """A hint naming a column that usually holds the student id (``Student ID``, ``sis_user_id``)."""
    for name in fields:
        if re.sub(r"[^a-z0-9]", "", name) in ID_LIKE_COLUMNS:
            return f"; rename the column {name!r} to 'id'"
    return ""


def _unclosed_quote_line(text: str, delimiter: str) -> int | None:
    """The line where a record starts whose quoted field runs to the end of the file, if any."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return start
    return None


def parse_roster(text: str, *, source: str = "<roster>") -> tuple[Student, ...]:
    text = text.removeprefix("\ufeff")   # Excel's "CSV UTF-8" starts with a byte-order mark
    delimiter = _delimiter(text)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "id" not in fields:
        found = f"{len(fields)} column{'s' if len(fields) != 1 else ''}, none named 'id'" if fields else "no header"
        hint = _id_column_hint(fields)
        raise RosterError(f"missing required column 'id' ({found}){hint or ''}; expected a CSV roster whose first "
                          f"line names the columns, such as id,name,email,section", file=source, place="1")
    reader.fieldnames = fields
    # Canvas's gradebook export (Student, ID, SIS User ID, SIS Login ID, Section, ...) is a
    # roster too: the student is matched by SIS User ID, which is what --gradebook writes back.
    canvas = {"student", "sis user id"} <= set(fields) and "name" not in fields
    id_column, name_column = ("sis user id", "student") if canvas else ("id", "name")
    students: list[Student] = []
    seen: dict[str, int] = {}
    unclosed = _unclosed_quote_line(text, delimiter)
    if unclosed is not None:
        raise RosterError('a quote (") opened on this line is never closed, so every line after it reads as '
                          'one field; close it or remove it', file=source, place=str(unclosed))
    for row in reader:
        line = reader.line_num
        if None in row:
            raise RosterError("more fields than columns in the header", file=source, place=str(line))
        sid = (row.get(id_column) or "").strip()
        if not sid and not any((v or "").strip() for v in row.values()):
            continue
        if canvas and (row.get("student") or "").strip() in CANVAS_NOT_STUDENTS:
            continue
        if not STUDENT_ID.match(sid):
            raise RosterError(f"expected a student id in column {id_column!r} (1 to 64 letters, digits, '.', '_', '-', "
                              f"'@' or '+', starting with a letter or digit), got {len(sid)} characters that are not one",
                              file=source, place=str(line))
        if sid in seen:
            raise RosterError(f"duplicate id in column {id_column!r} (the same as on line {seen[sid]})", file=source,
                              place=str(line))
        seen[sid] = line
        github = (row.get("github") or "").strip().removeprefix("@")
        if github and not GITHUB_LOGIN.match(github):
            raise RosterError("github: expected a GitHub user name (letters, digits and single hyphens, "
                              "at most 39)", file=source, place=str(line))
        students.append(Student(id=sid, name=(row.get(name_column) or "").strip(),
                                email=(row.get("email") or "").strip(),
                                section=(row.get("section") or "").strip(), github=github))
    if not students:
        raise RosterError("no students in the roster", file=source)
    return tuple(students)
