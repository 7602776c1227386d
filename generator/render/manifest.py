"""The manifest of a generated class, ``.spikeset-manifest.json`` in the output folder.

It records what the outputs were made from: the assignment id, a fingerprint of the secret
(an HMAC of a constant, truncated: it identifies the secret, it does not reveal it), the
spikeset version and, per student, a content hash of everything that goes into their files.
``generate`` uses it to refuse a folder of another assignment or secret, and to render again
only the students whose inputs changed.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import importlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..variants.assignment import Assignment
from ..variants.provenance import spikeset_version  # noqa: F401  (re-exported for generate)
from ..variants.roster import Student

MANIFEST_NAME = ".spikeset-manifest.json"
FORMAT = 1
#: Suffixes of the files whose content decides the outputs (code, templates, data).
_SOURCE_SUFFIXES = (".py", ".j2", ".css", ".toml", ".json")
_PACKAGES = ("spikeset", "spikeset.problems", "spikeset.solutions", "spikeset.templates")


def secret_fingerprint(secret: bytes | None) -> str:
    """A non-secret identifier of ``secret`` (HMAC-SHA256 of a constant, 16 hex digits)."""
    if secret is None:
        return "none"
    return hmac.new(secret, b"spikeset output folder", hashlib.sha256).hexdigest()[:16]


@cache
def code_digest() -> str:
    """SHA-256 of spikeset's own source files, templates and data (a change to any of them
    changes what a set looks like, so every student is rendered again)."""
    h = hashlib.sha256()
    for name in _PACKAGES:
        module = importlib.import_module(name)
        for root in map(Path, module.__path__):
            for path in sorted(root.rglob("*")):
                if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                    h.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
                    h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def inputs_digest(assignment: Assignment, secret: bytes | None, *, paper: str, pdf: bool,
                  signing_key_id: str | None = None) -> str:
    """What every student's outputs depend on besides the student (the signing key's public id
    too: a set signed with another key, or unsigned, is rendered again)."""
    described = dataclasses.replace(assignment, source="")
    text = json.dumps([FORMAT, spikeset_version(), code_digest(), repr(described), secret_fingerprint(secret),
                       paper, bool(pdf), signing_key_id])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def student_digest(inputs: str, student: Student) -> str:
    """The content hash of one student's outputs (inputs digest and roster entry)."""
    text = json.dumps([inputs, student.id, student.name, student.email, student.section,
                       getattr(student, "github", "")])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Manifest:
    assignment: str
    secret: str
    version: str
    students: dict[str, str]
    paper: str = "A4"
    pdf: bool = True

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "tool": "spikeset", "assignment": self.assignment,
                           "secret_fingerprint": self.secret, "spikeset": self.version,
                           "paper": self.paper, "pdf": self.pdf, "students": self.students}, indent=1) + "\n"


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest in ``folder``; None when there is none or it is not one of ours."""
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tool") != "spikeset":
        return None
    students = data.get("students")
    if not isinstance(students, dict) or not all(isinstance(v, str) for v in students.values()):
        students = {}
    return Manifest(paper=str(data.get("paper", "A4")), pdf=bool(data.get("pdf", True)),
                    assignment=str(data.get("assignment", "")), secret=str(data.get("secret_fingerprint", "")),
                    version=str(data.get("spikeset", "")), students={str(k): v for k, v in students.items()})
