"""Assignments and rosters: valid files load; malformed ones name the file, place and expectation."""
from __future__ import annotations

import pytest

from spikeset.variants.assignment import load_assignment, parse_assignment
from spikeset.errors import AssignmentError, RosterError
from spikeset.variants.roster import load_roster, parse_roster


def test_assignment_loads(assignment_file):
    a = load_assignment(assignment_file)
    assert a.id == "week1"
    assert [p.family for p in a.problems] == ["nernst", "driving-force"]
    assert [p.prefix for p in a.problems] == ["p1", "p2"]
    assert a.total_points == 14


@pytest.mark.parametrize("text, place, expected", [
    ('id = "x"\ntitle = "t"\n[[problems]\nfamily = "nernst"', "", "malformed TOML"),
    ('title = "t"\n[[problems]]\nfamily = "nernst"\npoints = 1\n', "id", "missing required field 'id'"),
    ('id = "x"\ntitle = "t"\n[[problems]]\nfamily = "nernst-typo"\npoints = 1\n', "problems[1]", "unknown family 'nernst-typo'"),
    ('id = "x"\ntitle = "t"\n[[problems]]\npoints = 1\n', "problems[1]", "missing required field 'family'"),
    ('id = "x"\ntitle = "t"\n[[problems]]\nfamily = "nernst"\n', "problems[1]", "missing required field 'points'"),
    ('id = "x"\ntitle = "t"\n[[problems]]\nfamily = "nernst"\npoints = -2\n', "problems[1]", "expected a positive number"),
    ('id = "x"\ntitle = "t"\n', "problems", "expected at least one [[problems]]"),
    ('id = "x y"\ntitle = "t"\n[[problems]]\nfamily = "nernst"\npoints = 1\n', "id", "expected letters"),
    ('id = "x"\ntitle = "t"\nbogus = 1\n[[problems]]\nfamily = "nernst"\npoints = 1\n', "bogus", "unknown key"),
])
def test_bad_assignment_names_place(text, place, expected):
    with pytest.raises(AssignmentError) as err:
        parse_assignment(text, source="hw.toml")
    message = str(err.value)
    assert message.startswith("hw.toml")
    assert expected in message
    if place:
        assert f":{place}:" in message
    assert "\n" not in message


def test_unknown_parameter_override_is_reported(tmp_path):
    # refused as the assignment is read, before any variant is drawn
    with pytest.raises(AssignmentError, match=r"hw.toml:problems\[1\].params: parameter 'ion': expected one of"):
        parse_assignment('id = "x"\ntitle = "t"\n[[problems]]\nfamily = "nernst"\npoints = 1\n'
                         'params = { ion = "Mg" }\n', source="hw.toml")
    with pytest.raises(AssignmentError, match="has no parameter 'colour'"):
        parse_assignment('id = "x"\ntitle = "t"\n[[problems]]\nfamily = "nernst"\npoints = 1\n'
                         'params = { colour = "red" }\n', source="hw.toml")


def test_overrides_fix_parameters_and_leave_others_unchanged():
    from spikeset.variants.assemble import assemble
    from spikeset.variants.roster import Student

    base = 'id = "x"\ntitle = "t"\n[[problems]]\nfamily = "nernst"\npoints = 1\n'
    free = assemble(parse_assignment(base), [Student("s1")], b"k")[0].problems[0].params
    fixed = assemble(parse_assignment(base + "params = { temperature_C = 30 }\n"), [Student("s1")], b"k")[0]
    assert fixed.problems[0].params["temperature_C"] == 30
    assert fixed.problems[0].params["ion"] == free["ion"]
    assert fixed.problems[0].params["c_out_mM"] == free["c_out_mM"]


def test_roster_loads(roster_file):
    students = load_roster(roster_file)
    assert [s.id for s in students] == [f"st{i:03d}" for i in range(1, 6)]
    assert students[0].name == "Student 1"


@pytest.mark.parametrize("text, expected", [
    ("name,email\nAda,a@x\n", ":1: missing required column 'id'"),
    ("id,name\ns1,A\ns2,B\ns1,C\n", ":4: duplicate id in column 'id' (the same as on line 2)"),
    ("id,name\n../etc,A\n", ":2: expected a student id"),
    ("id,name\n", "no students"),
])
def test_bad_roster(text, expected):
    with pytest.raises(RosterError) as err:
        parse_roster(text, source="class.csv")
    assert str(err.value).startswith("class.csv")
    assert expected in str(err.value)


def test_a_secret_passed_as_the_roster_is_not_echoed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Sup3r-Secret-Course-Key-0123456789\n")
    for text in (secret.read_text(), "id\nSup3r Secret\n", "id\nSup3r-Secret\nSup3r-Secret\n"):
        path = tmp_path / "roster.csv"
        path.write_text(text)
        with pytest.raises(RosterError) as err:
            load_roster(path)
        assert "sup3r" not in str(err.value).lower() and "secret-course" not in str(err.value).lower()


def test_missing_roster_file(tmp_path):
    with pytest.raises(RosterError, match="no such file"):
        load_roster(tmp_path / "nope.csv")


@pytest.mark.parametrize("key", ["ecf_share", "sigfig_share"])
def test_shares_must_be_between_0_and_1(key):
    with pytest.raises(AssignmentError, match=f"hw.toml:{key}: expected a number from 0 to 1"):
        parse_assignment(f'id = "x"\ntitle = "t"\n{key} = 1.5\n[[problems]]\nfamily = "nernst"\npoints = 1\n',
                         source="hw.toml")
