"""What a new instructor meets first: every command's --help, the messages of a mistyped
assignment or roster, where the outputs are."""
from __future__ import annotations

import argparse

import pytest

from spikeset.cli.app import build_parser


def _subparsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield path + (name,), sub
                yield from _subparsers(sub, path + (name,))


COMMANDS = list(_subparsers(build_parser()))


def test_every_command_is_listed():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"generate", "grade", "demo", "list", "check", "export moodle", "export qti", "report", "keygen",
            "merge grades", "merge generate", "simulate"} <= names


@pytest.mark.parametrize("path,parser", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_says_what_the_command_does(path, parser):
    """`spikeset COMMAND --help` opens with a sentence on what the command does and writes,
    not only the usage line and the options."""
    description = parser.description or ""
    assert len(description) >= 40, f"spikeset {' '.join(path)} --help has no description"
    help_text = " ".join(parser.format_help().split())
    assert " ".join(description.split())[:40] in help_text


# --- an assignment with a new instructor's mistakes: one line naming file, place, expectation, a hint

from spikeset.errors import AssignmentError, RosterError  # noqa: E402
from spikeset.variants.assignment import parse_assignment  # noqa: E402
from spikeset.variants.roster import parse_roster  # noqa: E402

HEAD = 'id = "x"\ntitle = "t"\n'
NERNST = '[[problems]]\nfamily = "nernst"\npoints = 6\n'


@pytest.mark.parametrize("text, place, expected", [
    (HEAD + '[[problems]]\nfamily = "nerst"\npoints = 6\n', "problems[1]",
     "unknown family 'nerst'; did you mean 'nernst'?"),
    (HEAD + '[[problems]]\nfamily = "Nernst"\npoints = 6\n', "problems[1]", "did you mean 'nernst'?"),
    (HEAD + '[[problems]]\nfamily = "sim_treshold"\npoints = 6\n', "problems[1]", "did you mean 'sim-threshold'?"),
    (HEAD + 'titel = "x"\n' + NERNST, "titel", "unknown key 'titel'; did you mean 'title'?"),
    (HEAD + '[[problems]]\nfamily = "nernst"\npoint = 6\n', "problems[1]", "unknown key 'point'; did you mean 'points'?"),
    (HEAD + '[[problem]]\nfamily = "nernst"\npoints = 6\n', "problem", "did you mean 'problems'?"),
    (HEAD + 'feedback = "ful"\n' + NERNST, "feedback", "did you mean 'full'?"),
    (HEAD + '[problems]\nfamily = "nernst"\npoints = 6\n', "problems", "expected [[problems]] with double brackets"),
    (HEAD + NERNST + 'tolerance = { a = 0.01 }\n', "problems[1].tolerance.a",
     "expected a tolerance such as {rel = 0.01}"),
    (HEAD + NERNST + 'tolerance = { a = { relative = 0.01 } }\n', "problems[1].tolerance.a",
     "expected rel, abs or sigfig"),
    (HEAD + NERNST + 'tolerance = { a = { rel = 2 } }\n', "problems[1].tolerance.a",
     "rel is a fraction below 1 (rel = 0.02 is ±2 %), got rel = 2"),
    (HEAD + NERNST + 'tolerance = { a = { sigfig = 2.5 } }\n', "problems[1].tolerance.a",
     "sigfig is a whole number of significant figures"),
])
def test_assignment_mistakes_get_a_hint(text, place, expected):
    with pytest.raises(AssignmentError) as err:
        parse_assignment(text, source="hw.toml")
    message = str(err.value)
    assert message.startswith(f"hw.toml:{place}: ")
    assert expected in message
    assert "\n" not in message


def test_no_hint_for_a_name_far_from_every_known_one():
    with pytest.raises(AssignmentError) as err:
        parse_assignment(HEAD + '[[problems]]\nfamily = "photosynthesis"\npoints = 6\n', source="hw.toml")
    assert "did you mean" not in str(err.value)
    assert "known: accommodation, ahp" in str(err.value)


def test_whole_tolerances_stay_valid():
    a = parse_assignment(HEAD + NERNST + 'tolerance = { a = { sigfig = 3.0 }, b = { rel = 0.5 } }\n')
    assert a.problems[0].tolerance["a"].value == 3 and a.problems[0].tolerance["b"].value == 0.5


def test_mistyped_parameter_gets_a_hint():
    # refused as the assignment is read, before any variant is drawn
    with pytest.raises(AssignmentError, match=r"^hw.toml:problems\[1\].params: family 'nernst' has no parameter "
                                              r"'ionn'; did you mean 'ion'\? \(it has: "):
        parse_assignment(HEAD + NERNST + 'params = { ionn = "K" }\n', source="hw.toml")


# --- a roster as spreadsheets save it

def test_roster_from_excel_with_semicolons_bom_crlf_and_accents():
    text = ("\ufeffid;name;email\r\na001;Müller, Jürgen;jm@x.example\r\n\r\n"
            'a002;"Ó Briain; Siobhán";\r\na003;王小明;wang@x.example\r\n')
    students = parse_roster(text, source="r.csv")
    assert [(s.id, s.name) for s in students] == [("a001", "Müller, Jürgen"), ("a002", "Ó Briain; Siobhán"),
                                                   ("a003", "王小明")]


def test_roster_pasted_with_tabs():
    students = parse_roster("id\tname\na001\tZoë Ångström\n", source="r.csv")
    assert [(s.id, s.name) for s in students] == [("a001", "Zoë Ångström")]


def test_roster_comma_file_with_semicolons_in_names_stays_comma_separated():
    students = parse_roster('id,name\na001,"Li; Wei"\na002,Ana;Bo\n', source="r.csv")
    assert [s.name for s in students] == ["Li; Wei", "Ana;Bo"]


@pytest.mark.parametrize("text, place, expected", [
    ("Student ID,Name\r\na001,X\r\n", "1", "rename the column 'student id' to 'id'"),
    ("sis_user_id,name\na001,X\n", "1", "rename the column 'sis_user_id' to 'id'"),
    ("name,email\nX,y\n", "1", "missing required column 'id' (2 columns, none named 'id'); expected"),
    ('id,name\na001,X\n"a002,Y\na003,Z\n', "3", 'a quote (") opened on this line is never closed'),
    ("id,name\na001,X\na001,Y\n", "3", "duplicate id in column 'id' (the same as on line 2)"),
])
def test_roster_mistakes_name_the_line(text, place, expected):
    with pytest.raises(RosterError) as err:
        parse_roster(text, source="r.csv")
    message = str(err.value)
    assert message.startswith(f"r.csv:{place}: ")
    assert expected in message
    assert "\n" not in message


def test_closed_quote_spanning_lines_is_one_name():
    students = parse_roster('id,name\na001,"Ana\nMaria"\na002,Bo\n', source="r.csv")
    assert [s.id for s in students] == ["a001", "a002"]


# --- where the outputs are, and who is missing

SECRET = b"newcomer-course-secret"


@pytest.fixture
def one_submission(tmp_path, assignment_file, roster_file):
    """Five students on the roster; the first handed in a right answer file."""
    from spikeset.cli.demo import sample_submission
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import load_assignment
    from spikeset.variants.roster import load_roster

    roster = load_roster(roster_file)
    first = assemble(load_assignment(assignment_file), roster[:1], SECRET)[0]
    path = tmp_path / "subs" / first.student.id / "answers.toml"
    path.parent.mkdir(parents=True)
    path.write_text(sample_submission(first, "right"), encoding="utf-8")
    return tmp_path, roster


def _grade(capsys, monkeypatch, *args) -> tuple[int, str, str]:
    from spikeset.cli.app import main

    monkeypatch.setenv("SPIKESET_SECRET", SECRET.decode())
    status = main(["grade", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def test_grade_names_absent_students_and_the_reports(one_submission, assignment_file, roster_file, capsys,
                                                     monkeypatch):
    root, roster = one_submission
    status, out, _ = _grade(capsys, monkeypatch, assignment_file, root / "subs", "--roster", roster_file,
                            "--json", root / "g.json", "--gradebook", root / "g.csv", "--html", root / "pages")
    assert status == 0
    absent = ", ".join(s.id for s in roster[1:])
    assert f"4 of 5 roster students have no graded answer file: {absent}\n" in out
    assert f"Reports: {root / 'g.json'}, {root / 'g.csv'}, {root / 'pages'}/<id>.html\n" in out
    assert (root / "g.json").exists() and (root / "g.csv").exists()


def test_grade_without_reports_says_how_to_get_them(one_submission, assignment_file, capsys, monkeypatch):
    root, _ = one_submission
    status, out, _ = _grade(capsys, monkeypatch, assignment_file, root / "subs")
    assert status == 0
    assert "No report written: add --json FILE" in out
    assert "roster students" not in out


def test_grade_json_on_stdout_stays_pure_json(one_submission, assignment_file, roster_file, capsys, monkeypatch):
    import json

    root, _ = one_submission
    status, out, err = _grade(capsys, monkeypatch, assignment_file, root / "subs", "--roster", roster_file,
                              "--json", "-")
    assert status == 0
    json.loads(out)
    assert "4 of 5 roster students" in err and "Reports:" not in err


def test_demo_tells_the_command_as_it_can_be_typed(tmp_path, monkeypatch):
    from spikeset.cli.demo import command_name

    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    program = venv_bin / "spikeset"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert command_name(str(program)) == ".venv/bin/spikeset"
    monkeypatch.setenv("PATH", f"{venv_bin}:/usr/bin:/bin")
    assert command_name(str(program)) == "spikeset"
    assert command_name("/some/python") == "spikeset"


def test_feedback_page_shows_the_option_of_a_letter_written_in_capitals(one_submission, assignment_file):
    import re

    from spikeset.grade.grading import grade
    from spikeset.reports.report_html import feedback_pages, student_sets
    from spikeset.variants.assignment import load_assignment

    root, _ = one_submission
    path = next((root / "subs").rglob("answers.toml"))
    text = path.read_text(encoding="utf-8")
    letters = dict(re.findall(r'^"(p\d\.\w)" = "([a-z])"$', text, flags=re.M))
    assert letters, "the assignment has a choice question"
    for qid, letter in letters.items():
        text = text.replace(f'"{qid}" = "{letter}"', f'"{qid}" = "({letter.upper()})"')
    path.write_text(text, encoding="utf-8")
    report = grade(assignment=load_assignment(assignment_file), submissions=[path], secret=SECRET)
    sets = student_sets(report, SECRET)
    (page,) = feedback_pages(report, sets=sets).values()
    placed = sets[report.submissions[0].student].questions
    for qid, letter in letters.items():
        option = placed[qid].option_for(letter)
        assert f'<span class="note">{option.text}</span>' in page, qid


def test_export_sizes_read_as_a_person_reads_them():
    from spikeset.cli.export_commands import file_size

    assert [file_size(n) for n in (300, 37_844, 2**20 - 1, 229_295 * 10, 202 * 2**20)] == [
        "1 KB", "37 KB", "1024 KB", "2.2 MB", "202.0 MB"]


def test_grading_without_the_secret_says_the_secret_is_missing(one_submission, assignment_file, capsys,
                                                               monkeypatch):
    """A shell that lost SPIKESET_SECRET must not make every file look copied."""
    from spikeset.cli.app import main

    root, _ = one_submission
    monkeypatch.delenv("SPIKESET_SECRET", raising=False)
    assert main(["grade", str(assignment_file), str(root / "subs")]) == 1
    out, err = capsys.readouterr()
    assert "spikeset: note: no course secret" in err
    assert ("does not match student 'st001': no course secret was given (SPIKESET_SECRET or --secret-file): "
            "if the sets were generated with one, grade with the same secret") in out
    monkeypatch.setenv("SPIKESET_SECRET", "another-course-secret-0123")
    assert main(["grade", str(assignment_file), str(root / "subs")]) == 1
    out, _ = capsys.readouterr()
    assert ("not made for this student with this course secret (copied or edited, or generated with another "
            "secret?)") in out


@pytest.mark.parametrize("word, choices, hint", [
    ("gNa", ["C_m", "g_Na", "g_K", "E_Na"], "; did you mean 'g_Na'?"),
    ("sim_threshold", ["sim-threshold", "sim-firing"], "; did you mean 'sim-threshold'?"),
    ("simthreshold", ["sim-threshold", "sim-firing"], "; did you mean 'sim-threshold'?"),
    ("photosynthesis", ["nernst", "ghk"], ""),
    (3, ["nernst"], ""),
])
def test_did_you_mean(word, choices, hint):
    from spikeset.errors import did_you_mean

    assert did_you_mean(word, choices) == hint


def test_simulate_names_a_mistyped_parameter(capsys):
    from spikeset.cli.app import main

    assert main(["simulate", "--param", "gNa=60"]) == 2
    assert "unknown parameter 'gNa' in --param; did you mean 'g_Na'?; known: C_m, g_Na" in capsys.readouterr().err


def test_an_overridden_tolerance_is_the_only_one_stated():
    from spikeset.grade.answer_file import blank_answer_file
    from spikeset.variants.assemble import assemble
    from spikeset.variants.roster import Student

    a = parse_assignment(HEAD + '[[problems]]\nfamily = "sim-peak-ahp"\npoints = 4\n'
                         'tolerance = { a = { abs = 1.0 } }\n', source="hw.toml")
    text = blank_answer_file(assemble(a, [Student("s1")], SECRET)[0])
    (line,) = [line for line in text.splitlines() if line.startswith("# p1.a:")]
    assert line.endswith("(within ±1 mV)") and "0.5" not in line, line


def test_a_canvas_gradebook_export_is_a_roster():
    """Canvas's gradebook export: students by SIS User ID (what --gradebook writes back), names
    from its Student column; its "Points Possible" row and test student are no students."""
    text = ('"Student","ID","SIS User ID","SIS Login ID","Section","HW 1 (123)"\r\n'
            '"    Points Possible",,,,,"10.00"\r\n'
            '"Müller, Jürgen",4411,"a001","jm","NEURO 210 A","8.00"\r\n'
            '"王, 小明",4412,"a003","wang","NEURO 210 B",\r\n'
            '"Student, Test",4499,,,"NEURO 210 A",\r\n')
    students = parse_roster(text, source="canvas.csv")
    assert [(s.id, s.name, s.section) for s in students] == [("a001", "Müller, Jürgen", "NEURO 210 A"),
                                                            ("a003", "王, 小明", "NEURO 210 B")]
    with pytest.raises(RosterError, match=r"^canvas.csv:3: expected a student id in column 'sis user id'"):
        parse_roster(text.replace('4411,"a001"', "4411,"), source="canvas.csv")


def test_a_secret_passed_as_the_roster_is_not_quoted_by_the_hint():
    for secret in ("my course secret is squid", "course-secret-0123456789-id", "Student ID of nobody"):
        with pytest.raises(RosterError) as err:
            parse_roster(secret + "\n", source="secret.txt")
        assert secret.lower() not in str(err.value).lower() and "rename" not in str(err.value)


@pytest.mark.parametrize("questions, note", [
    ('["b"]', "Only (b) is asked in this assignment; skip the statement's other parts."),
    ('["a", "b"]', "Only (a) and (b) are asked in this assignment; skip the statement's other parts."),
    ('["a", "b", "c"]', None),
    (None, None),
])
def test_a_subset_of_questions_is_named_under_the_statement(questions, note):
    """The GHK statement asks (a), (b) and (c) whatever the assignment selects: the page says which
    are asked."""
    from spikeset.render.render import render_problem_set
    from spikeset.variants.assemble import assemble
    from spikeset.variants.roster import Student

    text = HEAD + '[[problems]]\nfamily = "ghk"\npoints = 6\n' + (f"questions = {questions}\n" if questions else "")
    page = render_problem_set(assemble(parse_assignment(text), [Student("s1")], SECRET)[0])
    if note:
        assert f'<p class="asked-only">{note}</p>' in page.replace("&#39;", "'")
    else:
        assert 'class="asked-only"' not in page


def test_the_demo_never_deletes_a_folder_it_did_not_write(tmp_path, capsys):
    from spikeset.cli.app import main
    from spikeset.cli.demo import DEMO_MARKER, prepare_out_dir

    precious = tmp_path / "my-course"
    precious.mkdir()
    (precious / "roster.csv").write_text("id\ns1\n")
    assert main(["demo", "--out", str(precious)]) == 2
    assert "the folder holds files that the demo did not write" in capsys.readouterr().err
    assert (precious / "roster.csv").read_text() == "id\ns1\n"

    demo = tmp_path / "demo-out"
    prepare_out_dir(demo)                                  # new
    (demo / "students").mkdir()
    prepare_out_dir(demo)                                  # an earlier demo's: replaced whole
    assert sorted(p.name for p in demo.iterdir()) == [DEMO_MARKER]
    empty = tmp_path / "empty"
    empty.mkdir()
    prepare_out_dir(empty)
    assert (empty / DEMO_MARKER).is_file()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(Exception, match="not a folder"):
        prepare_out_dir(a_file)
    assert a_file.read_text() == "x"


def test_generate_says_what_to_hand_out(tmp_path, assignment_file, capsys, monkeypatch):
    from spikeset.cli.app import main

    (tmp_path / "roster.csv").write_text("id,name\ns1,Ada\n", encoding="utf-8")
    monkeypatch.setenv("SPIKESET_SECRET", SECRET.decode())
    out = tmp_path / "build"
    assert main(["generate", str(assignment_file), "--roster", str(tmp_path / "roster.csv"), "--out", str(out),
                 "--no-pdf", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Generated 1 problem set in {out / 'students'}"
    assert lines[1] == (f"  for the students: {out / 'students'}/<id>/problems.html, answers.toml (hand each "
                        f"student their folder; the instructor/ folder is yours only)")
    assert (out / "students" / "s1" / "problems.html").is_file()
