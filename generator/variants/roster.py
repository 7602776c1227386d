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


def parse_roster(text: str, *, source: str = "<roster>") -> tuple[Student, ...]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "id" not in fields:
        found = f"{len(fields)} column{'s' if len(fields) != 1 else ''}, none named 'id'" if fields else "no header"
        raise RosterError(f"missing required column 'id' ({found}); expected a CSV roster whose first line "
                          f"names the columns, such as id,name,email,section", file=source, place="1")
    reader.fieldnames = fields
    students: list[Student] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            raise RosterError("more fields than columns in the header", file=source, place=str(line))
        sid = (row.get("id") or "").strip()
        if not sid and not any((v or "").strip() for v in row.values()):
            continue
        if not STUDENT_ID.match(sid):
            raise RosterError(f"expected a student id in column 'id' (1 to 64 letters, digits, '.', '_', '-', "
                              f"'@' or '+', starting with a letter or digit), got {len(sid)} characters that are not one",
                              file=source, place=str(line))
        if sid in seen:
            raise RosterError(f"duplicate id in column 'id' (the same as on line {seen[sid]})", file=source,
                              place=str(line))
        seen[sid] = line
        github = (row.get("github") or "").strip().removeprefix("@")
        if github and not GITHUB_LOGIN.match(github):
            raise RosterError("github: expected a GitHub user name (letters, digits and single hyphens, "
                              "at most 39)", file=source, place=str(line))
        students.append(Student(id=sid, name=(row.get("name") or "").strip(),
                                email=(row.get("email") or "").strip(),
                                section=(row.get("section") or "").strip(), github=github))
    if not students:
        raise RosterError("no students in the roster", file=source)
    return tuple(students)
