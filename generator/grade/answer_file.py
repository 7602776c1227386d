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
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..variants.assemble import StudentSet
from ..errors import AnswerFileError
from .flat_toml import FlatToml, parse_flat
from ..formatting import plain, points_text
from ..variants.provenance import revisions_text, spikeset_version
from ..regular_file import read_regular_file
from ..safe_text import safe_name, safe_text
from .units import NUMBER, UNIT, normalize, question_unit

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
    #: Questions refused while reading (answered twice, or on a line TOML cannot read): id -> (line, why).
    refused: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    #: Lines set aside that belong to no question, as messages naming file and line.
    notes: tuple[str, ...] = ()
    #: The file's real path (``path`` is its name as shown, escaped); None for parsed text.
    source_path: str | None = None

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
        f"spikeset = {_toml_string(spikeset_version())}",
        f"revisions = {_toml_string(revisions_text(p.family for p in student_set.problems))}",
        "",
        "[answers]",
    ]
    for problem in student_set.problems:
        out.append(f"# Problem {problem.spec.number}. {problem.title} ({points_text(problem.spec.points)})")
        for pq in problem.questions:
            if pq.type == "numeric":
                prompt = plain(pq.question.prompt)
                asked = (f"in {pq.unit}" if pq.unit else "in %" if question_unit(None, pq.question.prompt) == "%"
                         else "a number without a unit")
                out.append(f"# {pq.id}: {prompt} [{asked}] ({pq.question.tolerance.accepts(pq.unit)})")
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
    """Parse a student's answer file; raise :class:`AnswerFileError` naming the file and place.

    Only a regular file is read (opened without blocking, so a named pipe or a device is refused
    at once); its name is shown escaped (:func:`spikeset.safe_text.safe_name`)."""
    name = safe_name(path)
    raw = read_regular_file(path, shown=name, limit=MAX_ANSWER_FILE_BYTES, what="an answer file")
    return replace(parse_answer_text(raw, source=name), source_path=os.fspath(path))


def parse_answer_text(raw: bytes | str, *, source: str = "<answers>") -> AnswerFile:
    """Parse answer-file bytes or text (see the module docstring).

    A line TOML cannot read costs only that line: its question (when its key can be read) is
    refused with the line named and a hint, the other answers are read. A question answered
    twice, in any spelling, is refused with both lines named. The header (student, assignment,
    variant) and the ``[answers]`` table must be readable, else the whole file is refused."""
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
    broken: dict[int, str] = {}
    if flat is not None:
        data, scan = flat.data, _scan_of(flat)
    else:
        data, broken = _parse_toml(text, source)
        scan = scan_lines(text)
    _check_depth(data, source)
    lines = {**scan.header, **scan.answers}
    broken_keys = {n: _line_key(text, n) for n in broken}

    def refuse_header(key: str, message: str, place: str) -> AnswerFileError:
        for n, parts in sorted(broken_keys.items()):
            if parts is None or parts[:1] == [key] or (key == "answers" and parts[:1] == ["answers"]):
                return AnswerFileError(f"malformed TOML ({broken[n]}); {message}", file=source,
                                       place=str(n))
        return AnswerFileError(message, file=source, place=place)

    for key in HEADER_FIELDS:
        if key not in data:
            raise refuse_header(key, f"missing {key!r}; expected {key} = \"...\" at the top", key)
        if not isinstance(data[key], str) or not data[key].strip():
            raise AnswerFileError(f"{key}: expected a non-empty string, got {_short(data[key])}", file=source,
                                  place=str(lines.get(key, key)))
        if len(data[key]) > MAX_HEADER_CHARS:
            raise AnswerFileError(f"{key}: {len(data[key])} characters; expected at most {MAX_HEADER_CHARS}",
                                  file=source, place=str(lines.get(key, key)))
    answers_raw = data.get("answers")
    if answers_raw is None:
        raise refuse_header("answers", "missing the [answers] table", "[answers]")
    if not isinstance(answers_raw, dict):
        raise AnswerFileError(f"answers: expected a table, got {_short(answers_raw)}", file=source,
                              place=str(scan.header.get("answers", "answers")))
    traces_raw = data.get("traces", {})
    if not isinstance(traces_raw, dict):
        raise AnswerFileError(f"traces: expected a table such as [traces] \"p5.a\" = \"traces/p5.csv\", "
                              f"got {_short(traces_raw)}", file=source, place=str(scan.header.get("traces", "traces")))
    answers, collisions = _flatten(answers_raw)
    refused: dict[str, tuple[int | None, str]] = {}
    notes: list[str] = []
    for qid in sorted(set(scan.repeats) | collisions):
        where = sorted({*scan.repeats.get(qid, ()), *_prefix_lines(qid, scan),
                        *([scan.answers[qid]] if qid in scan.answers else [])})
        shown = f"lines {' and '.join(map(str, where))}" if len(where) > 1 else "in two spellings"
        refused[qid] = (where[0] if where else None,
                        f"answered more than once ({shown}); keep one answer for {safe_text(qid, 40)}")
    for n, parts in sorted(broken_keys.items()):
        if parts and parts[0] in HEADER_FIELDS:
            raise AnswerFileError(f"malformed TOML ({broken[n]}); the header lines must stay "
                                  f"as they were given", file=source, place=str(n))
        qid = ".".join(parts[1:]) if parts and parts[0] == "answers" and len(parts) > 1 else None
        if qid is None:
            notes.append(f"{source}:{n}: malformed TOML ({broken[n]}); the line was ignored")
        elif qid not in refused:
            refused[qid] = (n, f"line {n}: malformed TOML ({broken[n]}); {_syntax_hint(text, n, qid)}")
            lines.setdefault(qid, n)
    for qid in refused:
        answers.pop(qid, None)
    extra = {k: v for k, v in data.items() if k not in (*HEADER_FIELDS, "answers", "traces")}
    traces, _ = _flatten(traces_raw)
    return AnswerFile(path=source, student=data["student"].strip(), assignment=data["assignment"].strip(),
                      variant=data["variant"].strip(), answers=answers, lines=lines, extra=extra,
                      raw=scan.raw, traces=traces, trace_lines=scan.traces, refused=refused,
                      notes=tuple(notes))


#: Lines TOML cannot read that are set aside before the whole file is refused.
MAX_BROKEN_LINES = 20
#: Text read up to the broken lines before the file is refused: each broken line costs a parse
#: of the file up to it, so a large file with broken lines far down gets fewer retries.
MAX_REPARSED_CHARS = 1_000_000
#: Deepest nesting of tables and arrays read; the key of an answer is two levels ("p1.a").
MAX_DEPTH = 16
#: Parts of a key or table header read on one line (a longer one is a broken line).
MAX_KEY_PARTS = 8
_LONG_DIGITS = re.compile(r"[0-9_]{4300,}")


def _parse_toml(text: str, source: str) -> tuple[dict[str, Any], dict[int, str]]:
    """The document, and the lines set aside (line -> why): each line TOML refuses is blanked
    and the rest parsed again, up to :data:`MAX_BROKEN_LINES` lines."""
    rows = text.split("\n")
    broken: dict[int, str] = {}
    for n, row in enumerate(rows, 1):
        if row.count(".") >= MAX_KEY_PARTS and _deep_key(row):
            broken[n] = f"a key of more than {MAX_KEY_PARTS} parts; an answer's key is like \"p1.a\""
            rows[n - 1] = ""
    first: AnswerFileError | None = None
    budget = MAX_REPARSED_CHARS
    for _ in range(MAX_BROKEN_LINES + 1):
        if budget < 0 and first is not None:
            raise first
        try:
            return tomllib.loads("\n".join(rows)), broken
        except tomllib.TOMLDecodeError as exc:
            msg = str(exc)
            m = _TOML_POSITION.search(msg)
            line = int(m.group(1)) if m else None
            msg = _TOML_POSITION.sub("", msg).strip()
        except ValueError:  # an integer longer than Python reads (4300 digits)
            line = next((n for n, row in enumerate(rows, 1) if _LONG_DIGITS.search(row)), None)
            msg = "a number of more than 4300 digits"
        except (RecursionError, MemoryError):
            raise AnswerFileError("TOML nested too deeply; expected key = value lines", file=source,
                                  place="1") from None
        error = AnswerFileError(f"malformed TOML ({msg}); expected key = value lines", file=source,
                                place=str(line or ""))
        first = first or error
        if line is None or not 1 <= line <= len(rows) or line in broken:
            raise first
        budget -= sum(len(row) + 1 for row in rows[:line])  # what the parser read before it stopped
        broken[line] = msg
        rows[line - 1] = ""
    raise first  # type: ignore[misc]


def _deep_key(row: str) -> bool:
    m = _TABLE_OPEN.match(row) or _KEY.match(row)
    return bool(m) and len(_PARTS.findall(m.group(1))) > MAX_KEY_PARTS


def _check_depth(data: dict[str, Any], source: str) -> None:
    """Refuse a document nested deeper than :data:`MAX_DEPTH` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise AnswerFileError(f"TOML nested too deeply (more than {MAX_DEPTH} levels); expected key = value lines",
                                  file=source, place="1")
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _line_key(text: str, number: int) -> list[str] | None:
    """The full key (table parts + key parts) written on line ``number``, or None."""
    table: list[str] = []
    for i, line in enumerate(text.split("\n"), 1):
        line = line[:1000]
        m = _TABLE.match(line)
        if i == number:
            if m or _TABLE_OPEN.match(line):
                return None
            m = _KEY.match(line) or _KEY_START.match(line)
            return table + _key_parts(m.group(1)) if m else None
        if m:
            table = _key_parts(m.group(1))
    return None


def _syntax_hint(text: str, number: int, qid: str | None) -> str:
    """How to write the answer on a line TOML refused."""
    row = text.split("\n")[number - 1][:1000]
    m = _KEY.match(row)
    key = _toml_string(qid) if qid and len(qid) <= 20 and qid.isprintable() else "\"p1.a\""
    value = m.group(2).split("#", 1)[0].strip() if m else ""
    if len(value) <= 40 and re.fullmatch(rf"(?:{NUMBER})[ \t]*(?:{UNIT})", normalize(value)):
        return f"quote a value that has a unit: {key} = \"{value}\""
    if re.fullmatch(r"[A-Za-z]", value):
        return f"quote a choice letter: {key} = \"{value}\""
    if value and value[0] not in "\"'" and re.search(r"[0-9]", value):
        return f"write one number ({key} = -12.5) or a quoted value with its unit ({key} = \"-12.5 mV\")"
    return f"write {key} = -12.5, {key} = \"-12.5 mV\" or {key} = \"b\""


def _prefix_lines(qid: str, scan: "LineScan") -> list[int]:
    parts = qid.split(".")
    return [scan.answers[".".join(parts[:n])] for n in range(1, len(parts)) if ".".join(parts[:n]) in scan.answers]


def _flatten(table: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """``p1 = {a = 1}`` (an unquoted dotted key) and ``"p1.a" = 1`` mean the same question.

    Returns the flat answers and the ids given more than once (in two spellings)."""
    flat: dict[str, Any] = {}
    twice: set[str] = set()
    stack: list[tuple[str, dict[str, Any]]] = [("", table)]
    while stack:
        prefix, current = stack.pop()
        for key, value in current.items():
            full = f"{prefix}{key}"
            if isinstance(value, dict):
                stack.append((full + ".", value))
            elif full in flat:
                twice.add(full)
            else:
                flat[full] = value
    return flat, twice


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
    repeats: dict[str, tuple[int, ...]] = field(default_factory=dict)


_PART = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_KEY = re.compile(rf'^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=\s*(.*)$')
_TABLE = re.compile(rf'^\s*\[\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]\s*(?:#.*)?$')
_PARTS = re.compile(_PART)
_TABLE_OPEN = re.compile(rf'^\s*\[\[?\s*({_PART}(?:\s*\.\s*{_PART})*)')
_KEY_START = re.compile(rf'^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*[=:]')


def _key_parts(key: str) -> list[str]:
    return [p[1:-1] if p[:1] in "\"'" else p for p in _PARTS.findall(key)]


def scan_lines(text: str) -> LineScan:
    header: dict[str, int] = {}
    answers: dict[str, int] = {}
    traces: dict[str, int] = {}
    raw: dict[str, str] = {}
    seen: dict[str, list[int]] = {}
    table: list[str] = []
    for i, line in enumerate(text.split("\n"), 1):
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
            if parts[0] == "answers":
                seen.setdefault(qid, []).append(i)
            value = m.group(2).split("#", 1)[0].strip()
            if parts[0] == "answers" and value and value[0] not in "\"'[{":
                raw.setdefault(qid, value)
        else:
            header.setdefault(".".join(parts), i)
    repeats = {qid: tuple(where) for qid, where in seen.items() if len(where) > 1}
    return LineScan(header, answers, traces, raw, repeats)


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
