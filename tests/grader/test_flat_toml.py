"""The fast reader of flat answer files agrees with tomllib, or steps aside."""
from __future__ import annotations

import tomllib

from hypothesis import example, given, settings
from hypothesis import strategies as st

from spikeset.grade.answer_file import blank_answer_file, parse_answer_text, scan_lines
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import load_assignment
from spikeset.cli.demo import STYLES, default_files, sample_submission
from spikeset.grade.flat_toml import parse_flat
from spikeset.variants.roster import Student

KEYS = ['"p1.a"', '"p2.b"', "p3", "student", '"a b"', '""', '"x\\"y"', "a.b", "'lit'", '"p1.a"', "answers", "1"]
VALUES = ["1", "-2.50", "+0", "-0", "1e5", "1E-3", "0.000", "007", "1.", ".5", "1_000", "inf", "nan", "0x1F",
          '"mV"', '"-89.1 mV"', '""', '"a\\tb"', '"tab\there"', "'lit'", "true", "false", "True", "[1, 2]",
          "{a = 1}", '"unterminated', "1979-05-27", "1e400", "99999999999999999999999"]
TAILS = ["", " ", "\t", " # note", "# x", " #", "  junk"]
LINES = st.one_of(
    st.builds(lambda k, v, t, sp: f"{k}{sp}={sp}{v}{t}", st.sampled_from(KEYS), st.sampled_from(VALUES),
              st.sampled_from(TAILS), st.sampled_from(["", " ", "\t"])),
    st.sampled_from(["[answers]", "[traces]", " [ answers ] # t", "[other]", "[answers.x]", "[[answers]]",
                     "", "   ", "# comment", "\t# µ comment", "#\x01", "x", "= 1", "\r"]),
    st.text(max_size=12),
)


def check(text):
    flat = parse_flat(text)
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assert flat is None, text
        return
    if flat is not None:
        assert flat.data == expected, text
        assert all(type(flat.data[k]) is type(expected[k]) for k in expected), text


def test_every_key_value_and_tail_alone_and_in_a_table():
    for k in KEYS:
        for v in VALUES:
            for t in TAILS:
                line = f"{k} = {v}{t}"
                check(line)
                check(f"[answers]\n{line}\n")
                check(f"x = 1\r\n[traces]\r\n{line}")


@given(st.lists(LINES, max_size=12), st.sampled_from(["\n", "\r\n"]))
@settings(max_examples=600, deadline=None)
@example(['student = "s1"', "[answers]", '"p1.a" = 1.50', '"p1.a" = 2'], "\n")
@example(['answers = 1', "[answers]"], "\n")
@example(["[answers]", "[answers]"], "\n")
def test_flat_reader_equals_tomllib_or_declines(lines, newline):
    check(newline.join(lines))


@given(st.lists(LINES, max_size=12))
@settings(max_examples=300, deadline=None)
def test_answer_files_parse_the_same_either_way(lines):
    """Line numbers, raw tokens and values are those of the general path (tomllib + scan_lines)."""
    text = "\n".join(['student = "s1"', 'assignment = "a"', 'variant = "v"', "[answers]", *lines])
    if parse_flat(text) is None:
        return
    af = parse_answer_text(text)
    scan = scan_lines(text)
    assert af.raw == scan.raw and af.lines == {**scan.header, **scan.answers} and af.trace_lines == scan.traces


def test_generated_and_sample_files_take_the_fast_path(tmp_path):
    assignment = load_assignment(default_files()[0])
    sets = assemble(assignment, [Student(id=f"s{i}") for i in range(len(STYLES))], b"k")
    for s, style in zip(sets, STYLES):
        assert parse_flat(blank_answer_file(s)) is not None
        assert parse_flat(sample_submission(s, style)) is not None, style
