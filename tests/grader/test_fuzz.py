"""Random answer files: the parser and grader answer with AnswerFileError or a graded result, nothing else."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from spikeset.grade.answer_file import parse_answer_text
from spikeset.errors import AnswerFileError
from spikeset.grade.grading import grade_submission

from grader_helpers import make_assignment, student_set

A = make_assignment('[[problems]]\nfamily = "driving-force"\npoints = 8\n'
                    '[[problems]]\nfamily = "driving-force"\npoints = 2\ntolerance = { a = { sigfig = 3 } }\n')
SET = student_set(A)
HEAD = f'student = "s001"\nassignment = "{A.id}"\nvariant = "{SET.fingerprint}"\n'
IDS = list(SET.questions) + ["p1", "p9.z", "p1.a.b", ""]


def toml_string(s: str) -> str:
    return json.dumps(s)  # a JSON string literal is a valid TOML basic string


scalars = st.one_of(
    st.integers(min_value=-2**63, max_value=2**63 - 1).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(f), repr(f))),
    st.sampled_from(["1e309", "-1e309", "1e308", "0.0", "-0.0", "+1_000.5", "0x1F", "0o17", "0b101", "true", "false",
                     "1979-05-27", "1979-05-27T07:32:00Z", "07:32:00", "[]", "{}", "[1, \"a\"]", '{a = 1}',
                     "'-89.1 mV'", '"""x\ny"""', "nan", "inf", '"−89.1 mV"', '"5 mS"', '"µA/cm²"', '"b"']),
    st.text(max_size=30).map(toml_string),
    st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{0,5})?( ?(mV|V|uA/cm\^2|µA/cm²|mS|ms|kV|m))?", fullmatch=True).map(toml_string),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.dictionaries(st.sampled_from(["a", "b", "x"]), inner, max_size=2).map(
        lambda d: "{" + ", ".join(f"{k} = {v}" for k, v in d.items()) + "}")), max_leaves=5)
keys = st.one_of(st.sampled_from(IDS).map(toml_string), st.sampled_from(["p1.a", "p1 . b", "p2.c"]),
                 st.text(min_size=1, max_size=8).map(toml_string))


def check(text):
    try:
        af = parse_answer_text(text, source="fuzz.toml")
    except AnswerFileError as exc:
        assert exc.file == "fuzz.toml" and exc.message
        return
    result = grade_submission(SET, af)
    json.dumps(result.to_dict(reveal=True), allow_nan=False)
    for q in result.questions:
        assert 0 <= q.points <= q.max_points and q.status in ("correct", "incorrect", "missing", "invalid")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(keys, values), max_size=8), st.sampled_from(["", "[answers]\n", "[answers.p1]\n"]),
       st.booleans())
def test_random_answer_tables(pairs, table, traces):
    body = "".join(f"{k} = {v}\n" for k, v in pairs)
    text = HEAD + "\n[answers]\n" + (table if table != "[answers]\n" else "") + body
    if traces:
        text += '\n[traces]\n"p1.a" = "../x.csv"\n'
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text(text):
    check(text)
    check(HEAD + text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(raw):
    check(raw)
    check(HEAD.encode() + b"[answers]\n" + raw)
