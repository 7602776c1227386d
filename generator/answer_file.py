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
from .flat_toml import FlatToml, parse_flat
from .formatting import plain

MAX_ANSWER_FILE_BYTES = 1_000_000
MAX_HEADER_CHARS = 200
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
    raw: dict[str, str] = field(default_factory=dict)
    traces: dict[str, Any] = field(default_factory=dict)
    trace_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, question_id: str) -> int | None:
        """The line of an answer; for an inline table (``p1 = {a = 1}``) the table's line."""
        parts = question_id.split(".")
        for n in range(len(parts), 0, -1):
            line = self.lines.get(".".join(parts[:n]))
            if line and (n == len(parts) or ".".join(parts[:n]) not in HEADER_FIELDS):
                return line
        return None

    def place(self, question_id: str) -> str:
        line = self.line_of(question_id)
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
                prompt = plain(pq.question.prompt)
                asked = f"in {pq.unit}" if pq.unit else "in %" if "%" in prompt else "a number without a unit"
                out.append(f"# {pq.id}: {prompt} [{asked}]")
                if pq.question.trace_feature:
                    out.append("#   (you may also attach your simulated trace: see [traces] at the end)")
            else:
                out.append(f"# {pq.id}: {plain(pq.question.prompt)} [a letter]")
                for label, option in pq.labelled:
                    out.append(f"#   ({label}) {plain(option.text)}")
            out.append(f"{_toml_string(pq.id)} = \"\"")
        out.append("")
    traced = [pq for pq in student_set.questions.values()
              if pq.type == "numeric" and pq.question.trace_feature]
    if traced:
        out += [
            "# Optional, for simulation questions: your own simulated V(t) as a CSV file with two",
            "# columns, time in ms and voltage in mV, saved in this folder (or a subfolder).",
            "# Remove the '#' in front of [traces] and of each line you use.",
            "# [traces]",
            *(f"# {_toml_string(pq.id)} = \"traces/{pq.id.replace('.', '-')}.csv\"" for pq in traced),
        ]
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
            raise AnswerFileError("binary data (NUL bytes); expected a TOML text file", file=source,
                                  place=str(raw[: raw.index(b"\x00")].count(b"\n") + 1))
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
    if text.lstrip().startswith(("{", "[{", "[\n", "[]")):
        raise AnswerFileError("this looks like JSON; expected TOML (key = value lines)", file=source, place="1")
    flat = parse_flat(text)
    if flat is not None:
        data, scan = flat.data, _scan_of(flat)
    else:
        data, scan = _parse_toml(text, source), scan_lines(text)
    lines = {**scan.header, **scan.answers}
    for key in HEADER_FIELDS:
        if key not in data:
            raise AnswerFileError(f"missing {key!r}; expected {key} = \"...\" at the top", file=source, place=key)
        if not isinstance(data[key], str) or not data[key].strip():
            raise AnswerFileError(f"{key}: expected a non-empty string, got {_short(data[key])}", file=source,
                                  place=str(lines.get(key, key)))
        if len(data[key]) > MAX_HEADER_CHARS:
            raise AnswerFileError(f"{key}: {len(data[key])} characters; expected at most {MAX_HEADER_CHARS}",
                                  file=source, place=str(lines.get(key, key)))
    answers_raw = data.get("answers")
    if answers_raw is None:
        raise AnswerFileError("missing the [answers] table", file=source, place="[answers]")
    if not isinstance(answers_raw, dict):
        raise AnswerFileError(f"answers: expected a table, got {_short(answers_raw)}", file=source,
                              place=str(scan.header.get("answers", "answers")))
    traces_raw = data.get("traces", {})
    if not isinstance(traces_raw, dict):
        raise AnswerFileError(f"traces: expected a table such as [traces] \"p5.a\" = \"traces/p5.csv\", "
                              f"got {_short(traces_raw)}", file=source, place=str(scan.header.get("traces", "traces")))
    answers = _flatten(answers_raw)
    extra = {k: v for k, v in data.items() if k not in (*HEADER_FIELDS, "answers", "traces")}
    return AnswerFile(path=source, student=data["student"].strip(), assignment=data["assignment"].strip(),
                      variant=data["variant"].strip(), answers=answers, lines=lines, extra=extra,
                      raw=scan.raw, traces=_flatten(traces_raw), trace_lines=scan.traces)


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POSITION.search(msg)
        place = m.group(1) if m else ""
        msg = _TOML_POSITION.sub("", msg).strip()
        raise AnswerFileError(f"malformed TOML ({msg}); expected key = value lines", file=source, place=place) from None
    except (RecursionError, MemoryError):
        raise AnswerFileError("TOML nested too deeply; expected key = value lines", file=source, place="1") from None


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


@dataclass(frozen=True)
class LineScan:
    """Where each key sits in the file text, and the raw text of unquoted values.

    TOML parsing loses how a number was typed (``-89.10`` becomes ``-89.1``); significant
    figures need the token, so it is recovered from the line.
    """

    header: dict[str, int]
    answers: dict[str, int]
    traces: dict[str, int]
    raw: dict[str, str]


_PART = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_KEY = re.compile(rf'^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=\s*(.*)$')
_TABLE = re.compile(rf'^\s*\[\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]\s*(?:#.*)?$')
_PARTS = re.compile(_PART)


def _key_parts(key: str) -> list[str]:
    return [p[1:-1] if p[:1] in "\"'" else p for p in _PARTS.findall(key)]


def scan_lines(text: str) -> LineScan:
    header: dict[str, int] = {}
    answers: dict[str, int] = {}
    traces: dict[str, int] = {}
    raw: dict[str, str] = {}
    table: list[str] = []
    for i, line in enumerate(text.splitlines(), 1):
        line = line[:1000]  # keys sit at the start; a long value must not make the scan slow
        m = _TABLE.match(line)
        if m:
            table = _key_parts(m.group(1))
            header.setdefault(".".join(table), i)
            continue
        m = _KEY.match(line)
        if not m:
            continue
        parts = table + _key_parts(m.group(1))
        if parts[0] in ("answers", "traces") and len(parts) > 1:
            qid = ".".join(parts[1:])
            target = answers if parts[0] == "answers" else traces
            target.setdefault(qid, i)
            value = m.group(2).split("#", 1)[0].strip()
            if parts[0] == "answers" and value and value[0] not in "\"'[{":
                raw.setdefault(qid, value)
        else:
            header.setdefault(".".join(parts), i)
    return LineScan(header, answers, traces, raw)


def _scan_of(flat: FlatToml) -> LineScan:
    """What :func:`scan_lines` finds, from a flat file's own record of lines and raw values."""
    header = dict(flat.table_lines)
    answers: dict[str, int] = {}
    traces: dict[str, int] = {}
    for (table, key), line in flat.lines.items():
        {"": header, "answers": answers, "traces": traces}[table][key] = line
    raw = {key: text for (table, key), text in flat.raw.items() if table == "answers"}
    return LineScan(header, answers, traces, raw)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
