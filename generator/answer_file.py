"""Answer files: the blank ``answers.toml`` a student fills in, and reading it back.

```toml
student = "<id>"
assignment = "<id>"
variant = "<fingerprint>"
[answers]
"p1.a" = -89.1        # a number in the stated unit, a string with a unit, or a choice label
```
A student file is data: it is parsed as TOML and never evaluated.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assemble import StudentSet
from .errors import AnswerFileError
from .formatting import plain

MAX_ANSWER_FILE_BYTES = 1_000_000
HEADER_FIELDS = ("student", "assignment", "variant")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class AnswerFile:
    """A parsed answer file: who it is from and the raw values by question id."""

    path: str
    student: str
    assignment: str
    variant: str
    answers: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def place(self, question_id: str) -> str:
        line = self.lines.get(question_id)
        return f"{line}" if line else "[answers]"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def blank_answer_file(student_set: StudentSet) -> str:
    """The text of a student's blank answer file: no reference value appears in it."""
    a, st = student_set.assignment, student_set.student
    out = [
        f"# spikeset answer file: {a.title} (assignment {a.id})",
        f"# Student: {st.display_name} ({st.id}); variant {student_set.fingerprint}.",
        "# Keep the three lines below as they are. Write each answer after its '=':",
        '#   a number in the unit asked (-89.1), or a string with a unit ("-89.1 mV"),',
        '#   or, for a choice question, the letter of your option ("b").',
        "# Leave \"\" for a question you do not answer.",
        f"student = {_toml_string(st.id)}",
        f"assignment = {_toml_string(a.id)}",
        f"variant = {_toml_string(student_set.fingerprint)}",
        "",
        "[answers]",
    ]
    for problem in student_set.problems:
        out.append(f"# Problem {problem.spec.number}. {problem.title} ({problem.spec.points:g} pt)")
        for pq in problem.questions:
            if pq.type == "numeric":
                unit = pq.unit or "a pure number"
                out.append(f"# {pq.id}: {plain(pq.question.prompt)} [in {unit}]")
                if pq.question.trace_feature:
                    out.append(f"#   (or attach your simulated trace: see the [traces] section)")
            else:
                out.append(f"# {pq.id}: {plain(pq.question.prompt)} [a letter]")
                for label, option in pq.labelled:
                    out.append(f"#   ({label}) {plain(option.text)}")
            out.append(f"{_toml_string(pq.id)} = \"\"")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def read_answer_file(path: str | Path) -> AnswerFile:
    """Parse a student's answer file; raise :class:`AnswerFileError` naming the file and place."""
    path = Path(path)
    name = str(path)
    try:
        if path.is_symlink():
            raise AnswerFileError("is a symbolic link; expected a regular answer file", file=name)
        size = path.stat().st_size
    except OSError as exc:
        raise AnswerFileError(f"cannot read: {exc.strerror or exc.__class__.__name__}", file=name) from None
    if size > MAX_ANSWER_FILE_BYTES:
        raise AnswerFileError(f"file is {size} bytes; an answer file is at most {MAX_ANSWER_FILE_BYTES} bytes",
                              file=name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AnswerFileError(f"cannot read: {exc.strerror or exc.__class__.__name__}", file=name) from None
    return parse_answer_text(raw, source=name)


def parse_answer_text(raw: bytes | str, *, source: str = "<answers>") -> AnswerFile:
    """Parse answer-file bytes or text (see the module docstring)."""
    if isinstance(raw, bytes):
        if b"\x00" in raw:
            raise AnswerFileError("binary data (NUL bytes); expected a TOML text file", file=source, place="1")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise AnswerFileError("not UTF-8 text; expected a TOML text file", file=source, place=str(line)) from None
    else:
        text = raw
    if not text.strip():
        raise AnswerFileError("the file is empty; expected student, assignment, variant and [answers]",
                              file=source, place="1")
    if text.lstrip().startswith(("{", "[{")) and '"answers"' in text:
        raise AnswerFileError("this looks like JSON; expected TOML (key = value lines)", file=source, place="1")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POSITION.search(msg)
        place = m.group(1) if m else ""
        msg = _TOML_POSITION.sub("", msg).strip()
        raise AnswerFileError(f"malformed TOML ({msg}); expected key = value lines", file=source, place=place) from None
    lines = _line_numbers(text)
    for key in HEADER_FIELDS:
        if key not in data:
            raise AnswerFileError(f"missing {key!r}; expected {key} = \"...\" at the top", file=source, place=key)
        if not isinstance(data[key], str) or not data[key].strip():
            raise AnswerFileError(f"{key}: expected a non-empty string, got {_short(data[key])}", file=source,
                                  place=str(lines.get(key, key)))
    answers_raw = data.get("answers")
    if answers_raw is None:
        raise AnswerFileError("missing the [answers] table", file=source, place="[answers]")
    if not isinstance(answers_raw, dict):
        raise AnswerFileError(f"answers: expected a table, got {_short(answers_raw)}", file=source,
                              place=str(lines.get("answers", "answers")))
    answers = _flatten(answers_raw)
    extra = {k: v for k, v in data.items() if k not in (*HEADER_FIELDS, "answers")}
    return AnswerFile(path=source, student=data["student"].strip(), assignment=data["assignment"].strip(),
                      variant=data["variant"].strip(), answers=answers, lines=lines, extra=extra)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``p1 = {a = 1}`` (an unquoted dotted key) and ``"p1.a" = 1`` mean the same question."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


_KEY_LINE = re.compile(r'^\s*"?([A-Za-z0-9_.\-]+)"?\s*=')


def _line_numbers(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for i, line in enumerate(text.splitlines(), 1):
        m = _KEY_LINE.match(line)
        if m:
            lines.setdefault(m.group(1), i)
    return lines


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
