"""Per-student variants from a keyed hash.

seed = HMAC-SHA256(key, "seed" | assignment id | student id). The key is the course
secret; without one it is derived from the assignment id alone, so variants are still
different per student but anyone can recompute them (the CLI says so once).
"""
from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import numpy as np

from ..errors import UsageError

SECRET_ENV = "SPIKESET_SECRET"
_SEP = "\x1f"


#: Shortest course secret accepted: the printed 32-bit fingerprints let a short one be found offline.
MIN_SECRET_BYTES = 16
MAX_SECRET_FILE_BYTES = 64_000


def read_secret(secret_file: str | os.PathLike | None = None) -> bytes | None:
    """The course secret from ``--secret-file`` or ``$SPIKESET_SECRET``; None when neither is set.

    Surrounding white space is dropped; a secret shorter than :data:`MIN_SECRET_BYTES` bytes is
    refused. No error quotes the secret."""
    if secret_file is not None:
        from ..regular_file import read_regular_file

        path = Path(secret_file)
        raw = read_regular_file(path, shown=str(path), limit=MAX_SECRET_FILE_BYTES, what="a secret file",
                                error=UsageError, follow_links=True)
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            raise UsageError(f"cannot read the secret file: {exc.__class__.__name__}", file=str(path)) from None
        if not text:
            raise UsageError("the secret file is empty", file=str(path))
        return _long_enough(text.encode("utf-8"), f"the secret in {path}")
    env = os.environ.get(SECRET_ENV, "").strip()
    return _long_enough(env.encode("utf-8"), f"${SECRET_ENV}") if env else None


def _long_enough(secret: bytes, where: str) -> bytes:
    if len(secret) < MIN_SECRET_BYTES:
        raise UsageError(f"{where} is {len(secret)} bytes; a course secret has at least {MIN_SECRET_BYTES} "
                         f"(make one with: python -c \"import secrets; print(secrets.token_hex(16))\")")
    return secret


def _key(secret: bytes | None, assignment_id: str) -> bytes:
    if secret:
        return secret
    return b"spikeset-public-variant" + _SEP.encode() + assignment_id.encode("utf-8")


def _digest(secret: bytes | None, *parts: str) -> bytes:
    assignment_id = parts[1]
    msg = _SEP.join(parts).encode("utf-8")
    return hmac.new(_key(secret, assignment_id), msg, hashlib.sha256).digest()


def variant_fingerprint(secret: bytes | None, assignment_id: str, student_id: str) -> str:
    """Short code printed on a student's pages and answer file, e.g. ``"3f9a-c2d1"``."""
    h = _digest(secret, "fingerprint", assignment_id, student_id).hex()
    return f"{h[:4]}-{h[4:8]}"


def problem_rng(secret: bytes | None, assignment_id: str, student_id: str,
                problem_index: int) -> np.random.Generator:
    """The random generator of one problem of one student's variant.

    Each problem has its own stream so that editing one problem of an assignment
    leaves the other problems' variants unchanged.
    """
    return _generator(_digest(secret, "seed", assignment_id, student_id, str(problem_index)))


def shuffle_rng(secret: bytes | None, assignment_id: str, student_id: str,
                problem_index: int) -> np.random.Generator:
    """The generator that shuffles choice options of one problem (separate from sampling)."""
    return _generator(_digest(secret, "shuffle", assignment_id, student_id, str(problem_index)))


def _generator(digest: bytes) -> np.random.Generator:
    """``default_rng(SeedSequence(int.from_bytes(digest, "big")))``, built twice as fast.

    SeedSequence turns an int into 32-bit words, least significant first, without leading
    zero words, in a Python loop; given those words as an array it skips the loop and mixes
    the same entropy, so the stream is the same.
    """
    words = np.frombuffer(digest, dtype=">u4")[::-1].astype(np.uint32)
    n = len(words)
    while n > 1 and words[n - 1] == 0:
        n -= 1
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words[:n])))
