"""Which characters the installed fonts can print (fontconfig's ``fc-list``), so that a name
printed as boxes in a PDF is caught before the instructor hands the sheets out.

The HTML pages are drawn by the student's own browser, with its own fonts; only the PDFs are
set here, with whatever fonts this machine has.
"""
from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass

#: What to install on Debian or Ubuntu when a roster has Chinese, Japanese or Korean names.
CJK_FONT_HINT = "apt-get install fonts-noto-cjk, or the smaller fonts-wqy-microhei"


@dataclass(frozen=True)
class Coverage:
    """The union of every installed font's characters, as sorted, merged code-point ranges."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def has(self, char: str) -> bool:
        code = ord(char)
        i = bisect.bisect_right(self.starts, code) - 1
        return i >= 0 and code <= self.ends[i]


def parse_charsets(text: str) -> Coverage:
    """``fc-list --format '%{charset}\\n'`` output (hex code points and ranges such as
    ``20-7e a0``, one font a line) -> their union."""
    ranges = []
    for token in text.split():
        low, _, high = token.partition("-")
        try:
            ranges.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    ranges.sort()
    merged: list[list[int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return Coverage(tuple(r[0] for r in merged), tuple(r[1] for r in merged))


def installed_coverage() -> Coverage | None:
    """What the installed fonts cover, or ``None`` when fontconfig cannot say (no ``fc-list``)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, "--format", "%{charset}\n"], capture_output=True, text=True,
                             timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    coverage = parse_charsets(out)
    return coverage if coverage.starts else None


def missing_characters(text: str, coverage: Coverage) -> str:
    """The distinct printable characters of ``text`` that no installed font has, in order."""
    seen: dict[str, None] = {}
    for char in text:
        if ord(char) < 0x7f or char in seen or unicodedata.category(char)[0] in "ZC":
            continue
        if not coverage.has(char):
            seen[char] = None
    return "".join(seen)


def unprintable_names_warning(students, coverage: Coverage | None) -> str | None:
    """One line naming the students whose names the PDFs would print with boxes, or ``None``."""
    if coverage is None:
        return None
    missing: dict[str, None] = {}
    who = []
    for student in students:
        chars = missing_characters(student.display_name, coverage)
        if chars:
            who.append(student.id)
            missing.update(dict.fromkeys(chars))
    if not who:
        return None
    chars = "".join(missing)
    shown_chars = chars[:12] + ("..." if len(chars) > 12 else "")
    shown_who = ", ".join(who[:8]) + (f" and {len(who) - 8} more" if len(who) > 8 else "")
    cjk = any(unicodedata.name(c, "").startswith(("CJK", "HANGUL", "HIRAGANA", "KATAKANA")) for c in chars)
    hint = f" (for these: {CJK_FONT_HINT})" if cjk else ""
    return (f"no installed font has {len(chars)} character{'s' if len(chars) != 1 else ''} ({shown_chars}) "
            f"of the name{'s' if len(who) != 1 else ''} of {shown_who}: the PDFs print a box for each; "
            f"install a font that has them{hint} and generate again with --force")
