"""Question ids as hurried students type them: ``"P1.A"``, ``"p1a"``, ``" p1.a"``, ``"ｐ１.ａ"``.

A key that names exactly one question once its case, spaces, ``.``/``_``/``-`` and Unicode
compatibility forms (fullwidth letters) are set aside is read as that question, and a note
says so. A key that differs from a question id only by look-alike letters of another script
("p1.а" with a Cyrillic а) is not read: that question is refused with the line and the
character named, so the student does not see "No answer." beside a line they wrote. Every
other key stays unknown (a warning). A question given under two spellings is refused as
answered twice, whatever the spellings. Keys of the ``[traces]`` table are read the same way.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any, Iterable

from .answer_file import AnswerFile

_SET_ASIDE = re.compile(r"[\s._-]+")
#: Cyrillic and Greek letters that look like the Latin letters and digits of question ids.
_LOOKALIKES = str.maketrans("аеорсхуіјѕԁһкпАВЕКМНОРСТХІαεικνορτυχΑΒΕΗΙΚΜΝΟΡΤΧΖ",
                            "aeopcxyijsdhknABEKMHOPCTXIaeiknoptuxABEHIKMNOPTXZ")


def folded(question_id: str) -> str:
    """The id with case, spaces, ``.``, ``_``, ``-`` and compatibility forms set aside."""
    return _SET_ASIDE.sub("", unicodedata.normalize("NFKC", question_id)).casefold()


def shown_id(question_id: str) -> str:
    """A question id as messages show it: quoted, every character outside ASCII escaped, so
    that a look-alike letter ("p1.\\u0430") is not mistaken for the id it imitates."""
    text = ascii(question_id[:40])
    return text if len(question_id) <= 40 else text[:-1] + "...'"


def _blank(value: Any) -> bool:
    return value is None or isinstance(value, str) and not value.strip()


def _lookalike(question_id: str, known: Iterable[str]) -> tuple[str, str] | None:
    """(id, the foreign characters) when ``question_id`` is a known id with some of its
    letters replaced by characters outside ASCII (and only that); else None."""
    foreign = [i for i, ch in enumerate(question_id) if not ch.isascii()]
    if not foreign or any(unicodedata.category(question_id[i])[0] in "CZ" for i in foreign):
        return None
    skeleton = question_id.translate(_LOOKALIKES)
    matches = [k for k in known if k.casefold() == skeleton.casefold()]
    if not matches:  # a look-alike outside the table: any letter in its place, if only one id fits
        matches = [k for k in known if len(k) == len(question_id)
                   and all(a == b or i in foreign for i, (a, b) in enumerate(zip(question_id, k)))]
    if len(matches) != 1:
        return None
    return matches[0], "".join(dict.fromkeys(question_id[i] for i in foreign))


def resolve_question_ids(answers: AnswerFile, known_ids: Iterable[str]) -> AnswerFile:
    """``answers`` with keys that unambiguously name a question moved to its id (see the module
    docstring); unknown keys are left as they are, for the caller's warning."""
    known = list(known_ids)
    by_fold: dict[str, list[str]] = {}
    for qid in known:
        by_fold.setdefault(folded(qid), []).append(qid)
    odd = [qid for qid in dict.fromkeys((*answers.answers, *answers.refused)) if qid not in by_fold.get(folded(qid), ())]
    answers = _resolve_traces(answers, by_fold)
    if not odd:
        return answers
    values = dict(answers.answers)
    refused = dict(answers.refused)
    lines = dict(answers.lines)
    raw = dict(answers.raw)
    notes = list(answers.notes)
    spelled: dict[str, str] = {}   # question id -> the spelling it was read from
    for key in odd:
        line = answers.line_of(key)
        where = f"{answers.path}:{line or '[answers]'}"
        targets = by_fold.get(folded(key), [])
        if len(targets) == 1:
            qid = targets[0]
            taken = qid in refused or qid in spelled or (qid in values and not _blank(values[qid]))
            if taken and not (key in values and _blank(values[key])):
                other = lines.get(qid) if qid not in spelled else answers.line_of(spelled[qid])
                both = " and ".join(str(n) for n in sorted({n for n in (other, line) if n}))
                refused[qid] = (other or line, f"answered more than once (lines {both}, the second as "
                                               f"{shown_id(key)}); keep one answer for {qid}")
                values.pop(qid, None)
            elif not taken:
                if key in refused:
                    refused[qid] = refused[key]
                else:
                    values[qid] = values[key]
                    if key in raw:
                        raw[qid] = raw[key]
                if line:
                    lines[qid] = line
                spelled[qid] = key
                notes.append(f"{where}: {shown_id(key)} read as question {qid}")
            values.pop(key, None)
            refused.pop(key, None)
            continue
        found = _lookalike(key, known)
        if found is not None and found[0] not in refused and _blank(values.get(found[0])):
            qid, foreign = found
            refused[qid] = (line, f"line {line or '[answers]'}: the key {shown_id(key)} only looks like "
                                  f"{qid}: it has {ascii(foreign)[1:-1]} from another alphabet; write \"{qid}\"")
            values.pop(qid, None)
            if line:
                lines[qid] = line
            values.pop(key, None)
            refused.pop(key, None)
    return replace(answers, answers=values, refused=refused, lines=lines, raw=raw, notes=tuple(notes))


def _resolve_traces(answers: AnswerFile, by_fold: dict[str, list[str]]) -> AnswerFile:
    """``[traces]`` keys that name one question in another spelling, moved to its id."""
    traces, lines = dict(answers.traces), dict(answers.trace_lines)
    for key in answers.traces:
        targets = by_fold.get(folded(key), [])
        if key not in targets and len(targets) == 1 and targets[0] not in traces:
            traces[targets[0]] = traces.pop(key)
            if key in lines:
                lines[targets[0]] = lines.pop(key)
    if traces == answers.traces:
        return answers
    return replace(answers, traces=traces, trace_lines=lines)
