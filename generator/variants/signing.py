"""Signed variants: a student's variant, signed by the instructor, graded without the secret.

``spikeset keygen`` makes an Ed25519 key pair. ``spikeset generate --signing-key FILE`` writes
``students/<id>/variant.toml`` beside each ``answers.toml``: the student's own variant (what is
printed on their sheet, the choice-option order, the points and tolerances) as canonical JSON,
base64-encoded and signed. ``spikeset grade --public-key FILE`` verifies the signature and
recomputes the reference answers from that payload (:func:`spikeset.variants.assemble.assemble_signed`).

The payload holds nothing a student could not read on their own sheet; without the private key
no one can make a payload for anyone, and without the secret no one can compute another
student's parameters.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AnswerFileError, UsageError
from ..regular_file import read_regular_file
from ..safe_text import safe_name

PRIVATE_KEY_FILE = "spikeset-private.key"
PUBLIC_KEY_FILE = "spikeset-public.key"
VARIANT_FILE = "variant.toml"
PAYLOAD_FORMAT = 1
MAX_VARIANT_FILE_BYTES = 1_000_000
MAX_KEY_FILE_BYTES = 10_000
_PRIVATE_TAG = "spikeset-ed25519-private"
_PUBLIC_TAG = "spikeset-ed25519-public"


@dataclass(frozen=True)
class SigningKey:
    """The instructor's private key (raw 32-byte Ed25519 seed) and the id of its public half."""

    seed: bytes = dataclasses.field(repr=False)
    key_id: str

    def sign(self, message: bytes) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


@dataclass(frozen=True)
class PublicKey:
    """The public half (raw 32 bytes), committed in the students' template repository."""

    raw: bytes
    key_id: str

    def verify(self, signature: bytes, message: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def key_id(public_raw: bytes) -> str:
    """A short public name of a key: the first 8 bytes of SHA-256 of the public key, in hex."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


# ---------------------------------------------------------------- key files

def new_key_pair() -> tuple[SigningKey, PublicKey]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return SigningKey(seed, key_id(raw)), PublicKey(raw, key_id(raw))


def write_key_pair(out_dir: str | Path) -> tuple[Path, Path, str]:
    """Write ``spikeset-private.key`` (mode 0600) and ``spikeset-public.key`` into ``out_dir``;
    return both paths and the key id. Existing key files are never overwritten."""
    out = Path(out_dir)
    private_path, public_path = out / PRIVATE_KEY_FILE, out / PUBLIC_KEY_FILE
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise UsageError("a key file is already there; keys are never overwritten (sets signed with it "
                             "could no longer be graded): choose another --out folder", file=str(path))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the folder: {exc.strerror or exc.__class__.__name__}", file=str(out)) from None
    signing, public = new_key_pair()
    private_text = (f"# spikeset signing key {signing.key_id}: PRIVATE. Keep it with the course secret,\n"
                    "# never in a student's repository. It signs the students' variant.toml files.\n"
                    f"{_PRIVATE_TAG} {base64.b64encode(signing.seed).decode('ascii')}\n")
    public_text = (f"# spikeset public key {public.key_id}: commit it in the template repository; it\n"
                   "# checks variant.toml files signed with the matching private key.\n"
                   f"{_PUBLIC_TAG} {base64.b64encode(public.raw).decode('ascii')}\n")
    _write_new(private_path, private_text, 0o600)
    _write_new(public_path, public_text, 0o644)
    return private_path, public_path, public.key_id


def _write_new(path: Path, text: str, mode: int) -> None:
    """Create ``path`` with ``mode``; the text goes to a temporary file that only its owner can
    read (a private key is never readable by others, not even for a moment), then is linked in
    place, which fails rather than replaces when a key appeared there meanwhile. The temporary
    file is named as :mod:`spikeset.atomic_write` names its own, so that one a killed run left
    (a private key) is removed by the next."""
    import tempfile

    from ..atomic_write import remove_stale_temporaries, temporary_prefix

    try:
        remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(path), suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="ascii", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            os.link(tmp, path)
        finally:
            os.unlink(tmp)
    except FileExistsError:
        raise UsageError("a key file appeared there meanwhile; keys are never overwritten", file=str(path)) from None
    except OSError as exc:
        raise UsageError(f"cannot write the key: {exc.strerror or exc.__class__.__name__}", file=str(path)) from None


def _read_key(path: str | Path, tag: str, what: str) -> bytes:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_KEY_FILE_BYTES:
            raise UsageError(f"too large for a {what} (at most {MAX_KEY_FILE_BYTES} bytes)", file=str(path))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise UsageError(f"cannot read the {what}: {reason}", file=str(path)) from None
    for line in text.splitlines():
        words = line.split()
        if len(words) == 2 and words[0] == tag:
            try:
                raw = base64.b64decode(words[1], validate=True)
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) == 32:
                return raw
    # The file's content is never echoed: it may be the private key given by mistake.
    other = _PUBLIC_TAG if tag == _PRIVATE_TAG else _PRIVATE_TAG
    hint = (f"this is the other key of the pair; expected the {what}" if other in text
            else f"expected a {what} written by `spikeset keygen` (a line '{tag} <base64>')")
    raise UsageError(hint, file=str(path))


def load_signing_key(path: str | Path) -> SigningKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    seed = _read_key(path, _PRIVATE_TAG, "private signing key")
    raw = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return SigningKey(seed, key_id(raw))


def load_public_key(path: str | Path) -> PublicKey:
    raw = _read_key(path, _PUBLIC_TAG, "public key")
    return PublicKey(raw, key_id(raw))


# ---------------------------------------------------------------- the payload

def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, ASCII, no NaN; numpy scalars as the
    Python numbers they hold."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False, default=_python_scalar).encode("ascii")


def _python_scalar(value: Any) -> Any:
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", None) == 0:
        return item()
    raise TypeError(f"a signed variant holds numbers, strings, lists and tables, not {type(value).__name__}")


def variant_payload(student_set) -> dict:
    """What a student's grading needs, without the secret: their printed parameters, the order
    of their choice options, points, tolerances and the versions that drew them."""
    from .provenance import spikeset_version

    st = student_set.student
    problems = []
    for p in student_set.problems:
        questions = []
        for pq in p.questions:
            entry: dict[str, Any] = {"id": pq.id, "key": pq.key, "points": pq.points}
            if pq.type == "numeric":
                entry["tolerance"] = dataclasses.asdict(pq.question.tolerance)
            else:
                entry["options"] = [[label, option.id] for label, option in pq.labelled]
            questions.append(entry)
        problems.append({"number": p.spec.number, "family": p.family.id, "revision": p.family.revision,
                         "title": p.title, "params": p.params, "questions": questions})
    a = student_set.assignment
    return {"format": PAYLOAD_FORMAT, "assignment": a.id, "student": st.id,
            "github": st.github or None, "variant": student_set.fingerprint,
            "spikeset": spikeset_version(), "ecf_share": a.ecf_share, "sigfig_share": a.sigfig_share,
            "problems": problems}


def signed_variant_text(student_set, key: SigningKey) -> str:
    """The text of ``variant.toml``: the payload (base64 of canonical JSON) and its signature."""
    payload = canonical_json(variant_payload(student_set))
    signature = key.sign(payload)
    st = student_set.student
    return "\n".join([
        f"# spikeset signed variant of student {st.id}, assignment {student_set.assignment.id}"
        f" (variant {student_set.fingerprint}).",
        "# Keep this file unchanged beside answers.toml: the grader in your repository recomputes",
        "# your reference answers from it, without the course secret. It holds only the numbers",
        "# printed on your own problem set, signed by your instructor; any edit makes it unusable.",
        f"format = {PAYLOAD_FORMAT}",
        f'key = "{key.key_id}"',
        f'payload = "{base64.b64encode(payload).decode("ascii")}"',
        f'signature = "{base64.b64encode(signature).decode("ascii")}"',
        "",
    ])


def read_signed_variant(path: str | Path, public_key: PublicKey) -> dict:
    """The verified payload of a ``variant.toml``; :class:`AnswerFileError` (naming the file and
    why) when it is missing, malformed, signed with another key or altered."""
    path = Path(path)
    name = safe_name(path)
    try:
        if path.is_symlink() or not path.is_file():
            why = ("is a symbolic link" if path.is_symlink() else
                   "is not a regular file" if path.exists() else "is missing")
            raise AnswerFileError(f"{why}: the signed variant made for this answer file must sit beside it "
                                  f"(copy {VARIANT_FILE} from your problem set)", file=name)
        if path.stat().st_size > MAX_VARIANT_FILE_BYTES:
            raise AnswerFileError(f"larger than {MAX_VARIANT_FILE_BYTES} bytes; not a signed variant", file=name)
        data = tomllib.loads(read_regular_file(path, shown=name, limit=MAX_VARIANT_FILE_BYTES,
                                               what="a signed variant").decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, MemoryError) as exc:
        raise AnswerFileError(f"unreadable signed variant ({exc.__class__.__name__}); "
                              f"copy {VARIANT_FILE} unchanged from your problem set", file=name) from None
    fields = {k: data.get(k) for k in ("key", "payload", "signature")}
    if data.get("format") != PAYLOAD_FORMAT or not all(isinstance(v, str) for v in fields.values()):
        raise AnswerFileError(f"expected format = {PAYLOAD_FORMAT} and the strings key, payload and signature; "
                              f"copy {VARIANT_FILE} unchanged from your problem set", file=name)
    if fields["key"] != public_key.key_id:
        raise AnswerFileError(f"signed with another key than this repository's public key ({public_key.key_id}): "
                              "not graded", file=name, place="key")
    try:
        payload = base64.b64decode(fields["payload"], validate=True)
        signature = base64.b64decode(fields["signature"], validate=True)
    except (binascii.Error, ValueError):
        payload, signature = b"", b""
    if len(signature) != 64 or not public_key.verify(signature, payload):
        raise AnswerFileError("the signature does not match the variant (the file was altered, or signed "
                              "by someone else): not graded", file=name, place="signature")
    try:
        value = json.loads(payload.decode("ascii"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        value = None
    if not isinstance(value, dict) or value.get("format") != PAYLOAD_FORMAT:
        raise AnswerFileError(f"signed, but not a variant of format {PAYLOAD_FORMAT} "
                              "(made by another spikeset version?)", file=name, place="payload")
    return value
