"""Which spikeset and which family revisions drew a variant.

An answer file records them in its header (``spikeset = "0.1.0"``, ``revisions = "nernst=1,
ghk=1"``); a family's ``REVISION`` changes whenever its ``sample`` draws differently from the same
seed, so a file made by another revision has other numbers on its sheet than this version would
compute. Such a file is reported as made by that version, never as copied or edited.
"""
from __future__ import annotations

from functools import cache
from typing import Iterable, Mapping

VERSION_FIELD = "spikeset"
REVISIONS_FIELD = "revisions"


@cache
def spikeset_version() -> str:
    """The installed spikeset's version ("unknown" when run from an uninstalled tree)."""
    try:
        from importlib.metadata import version
        return version("spikeset")
    except Exception:
        return "unknown"


@cache
def current_revisions(family_ids: tuple[str, ...]) -> dict[str, int]:
    """This version's revision of each family named (family id -> ``REVISION``)."""
    from .registry import get_family

    return {fid: get_family(fid).revision for fid in family_ids}


def revisions_text(families: Iterable) -> str:
    """``"nernst=1, ghk=2"``: each family once, in the order of the assignment."""
    seen: dict[str, int] = {}
    for family in families:
        seen.setdefault(family.id, family.revision)
    return ", ".join(f"{fid}={rev}" for fid, rev in seen.items())


def parse_revisions(text: object) -> dict[str, int] | None:
    """The family -> revision table of a header value; None when it is not one."""
    if not isinstance(text, str) or len(text) > 2000:
        return None
    table: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        fid, sep, rev = item.partition("=")
        if not sep or not rev.strip().isdigit() or len(rev.strip()) > 6:
            return None
        table[fid.strip()] = int(rev)
    return table


def revision_mismatch(extra: Mapping[str, object], current: Mapping[str, int]) -> str | None:
    """Why a file whose header holds ``extra`` was drawn differently from ``current`` (family id ->
    this version's revision), or None when its recorded revisions agree (or none are recorded:
    files made before spikeset recorded them are graded as before)."""
    recorded = parse_revisions(extra.get(REVISIONS_FIELD))
    if not recorded:
        return None
    made_with = made_with_text(extra)
    for fid, revision in recorded.items():
        if fid in current and current[fid] != revision:
            return (f"made with {made_with} / family {fid} revision {revision}, but this is spikeset "
                    f"{spikeset_version()} with {fid} revision {current[fid]}: the numbers on that sheet are "
                    f"drawn differently here; regrade with {made_with}")
    return None


def made_with_text(extra: Mapping[str, object]) -> str:
    version = extra.get(VERSION_FIELD)
    if isinstance(version, str) and version.strip() and len(version) <= 40 and version.isprintable():
        return f"spikeset {version.strip()}"
    return "another spikeset version"


def other_version(extra: Mapping[str, object]) -> str | None:
    """The recorded spikeset version when it differs from this one, else None."""
    version = extra.get(VERSION_FIELD)
    if isinstance(version, str) and version.strip() and version.strip() != spikeset_version():
        return made_with_text(extra)
    return None
