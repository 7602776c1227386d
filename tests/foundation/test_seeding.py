"""Variants: keyed by the course secret, stable, different per student."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import load_assignment
from spikeset.variants.roster import Student
from spikeset.variants.seeding import problem_rng, read_secret, variant_fingerprint


def _params(assignment, sid, secret):
    return [p.params for p in assemble(assignment, [Student(sid)], secret)[0].problems]


def test_same_inputs_same_variant(assignment_file, secret):
    a = load_assignment(assignment_file)
    assert _params(a, "st001", secret) == _params(a, "st001", secret)
    assert variant_fingerprint(secret, a.id, "st001") == variant_fingerprint(secret, a.id, "st001")


def test_students_and_secrets_change_variants(assignment_file, secret):
    a = load_assignment(assignment_file)
    students = [Student(f"st{i:03d}") for i in range(40)]
    sets = assemble(a, students, secret)
    distinct = {repr(s.problems[0].params) for s in sets}
    assert len(distinct) == 40
    assert len({s.fingerprint for s in sets}) == 40
    assert _params(a, "st001", secret) != _params(a, "st001", b"another-secret")
    assert variant_fingerprint(secret, a.id, "st001") != variant_fingerprint(b"x", a.id, "st001")


def test_without_secret_variants_still_differ_per_student(assignment_file):
    a = load_assignment(assignment_file)
    assert _params(a, "st001", None) != _params(a, "st002", None)
    assert _params(a, "st001", None) == _params(a, "st001", None)


def test_problem_streams_are_independent(secret):
    a = problem_rng(secret, "hw", "s1", 0).random(4)
    b = problem_rng(secret, "hw", "s1", 1).random(4)
    assert list(a) != list(b)
    assert list(a) == list(problem_rng(secret, "hw", "s1", 0).random(4))


def test_fingerprint_shape(secret):
    fp = variant_fingerprint(secret, "hw", "s1")
    assert len(fp) == 9 and fp[4] == "-" and all(c in "0123456789abcdef-" for c in fp)


def test_secret_sources(tmp_path, monkeypatch):
    monkeypatch.delenv("SPIKESET_SECRET", raising=False)
    assert read_secret() is None
    monkeypatch.setenv("SPIKESET_SECRET", "  env-secret-0123456 \n")
    assert read_secret() == b"env-secret-0123456"
    f = tmp_path / "secret.txt"
    f.write_text("file-secret-012345\n")
    assert read_secret(f) == b"file-secret-012345"


def test_a_short_secret_is_refused_without_being_shown(tmp_path, monkeypatch):
    from spikeset.errors import UsageError

    monkeypatch.setenv("SPIKESET_SECRET", "hunter2-is-short")
    assert read_secret() == b"hunter2-is-short"          # 16 bytes: accepted
    monkeypatch.setenv("SPIKESET_SECRET", "hunter2-short")
    with pytest.raises(UsageError) as info:
        read_secret()
    assert "16" in str(info.value) and "hunter2" not in str(info.value)
    f = tmp_path / "secret.txt"
    f.write_text("x\n")
    with pytest.raises(UsageError, match="at least 16"):
        read_secret(f)


@given(st.binary(min_size=32, max_size=32), st.integers(0, 8))
def test_generator_streams_equal_default_rng_of_the_digest_as_int(digest, zero_words):
    """The fast construction gives the stream of default_rng(SeedSequence(int)), also when the
    digest starts with zero words (the int then has fewer 32-bit words)."""
    import numpy as np

    from spikeset.variants.seeding import _generator

    digest = bytes(4 * zero_words) + digest[4 * zero_words:]
    expected = np.random.default_rng(np.random.SeedSequence(int.from_bytes(digest, "big")))
    got = _generator(digest)
    assert got.random(4).tolist() == expected.random(4).tolist()
    assert got.permutation(6).tolist() == expected.permutation(6).tolist()


@given(st.integers(0, 2**32), st.floats(-1e3, 1e3), st.floats(0, 1e3), st.integers(0, 4))
def test_draw_uniform_is_numpys_uniform_rounded(seed, low, width, digits):
    import numpy as np

    from spikeset.sampling import Draw

    draw = Draw(np.random.default_rng(seed))
    reference = np.random.default_rng(seed)
    for _ in range(3):
        assert draw.uniform("x", low, low + width, digits=digits) == round(float(reference.uniform(low, low + width)), digits) + 0.0
