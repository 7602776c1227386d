"""A roster name that no installed font can print is named before the PDFs print it as boxes."""
from __future__ import annotations

import shutil

import pytest

from spikeset.render.font_coverage import (Coverage, installed_coverage, missing_characters, parse_charsets,
                                           unprintable_names_warning)
from spikeset.variants.roster import Student

LATIN = parse_charsets("20-7e a0-17f\n300-36f 1e00-1eff\n")   # ASCII, Latin-1, Latin Extended-A, Vietnamese


def test_charsets_merge_into_sorted_ranges():
    coverage = parse_charsets("41-5a 20-40\n5b-5f 100\nzz 4e00-4e01\n")
    assert coverage == Coverage((0x20, 0x100, 0x4E00), (0x5F, 0x100, 0x4E01))
    assert coverage.has("A") and coverage.has("\u4e00") and not coverage.has("a") and not coverage.has("\u4e02")


def test_missing_characters_skip_ascii_spaces_and_controls():
    assert missing_characters("Nguyễn Thị Minh Khai, Zoë, Jürgen", LATIN) == ""
    assert missing_characters("王小明 王\u00a0\u202e", LATIN) == "王小明"


def test_warning_names_the_students_and_the_characters():
    students = [Student("a001", "Jürgen Müller"), Student("a003", "王小明"), Student("a004", "김민준"),
                Student("a005")]
    warning = unprintable_names_warning(students, LATIN)
    assert warning.startswith("no installed font has 6 characters (王小明김민준) of the names of a003, a004: "
                              "the PDFs print a box for each; install a font that has them (for these: "
                              "apt-get install fonts-noto-cjk")
    assert warning.endswith("generate again with --force")
    assert unprintable_names_warning(students[:1], LATIN) is None
    assert unprintable_names_warning(students, None) is None   # no fontconfig: nothing to say


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="no fontconfig")
def test_the_installed_fonts_print_a_class_of_many_languages():
    """.ci/system-deps installs a CJK font beside DejaVu: these names print in the PDFs."""
    names = ["Müller, Jürgen", "José Ñúñez-García", "Nguyễn Thị Minh Khai", "Ngũgĩ wa Thiong'o", "Ζωή Παπαδοπούλου",
             "Алексей Смирнов", "王小明", "佐藤さくら", "김민준"]
    coverage = installed_coverage()
    assert coverage is not None
    assert {name: missing_characters(name, coverage) for name in names} == dict.fromkeys(names, "")
