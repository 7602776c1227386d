"""Every change to what a family's ``sample`` draws bumps its ``REVISION``.

Answer files record each family's revision; a file made by another revision is reported as
such (grading it here would compare the student's answers with other numbers). This test pins,
per family, a SHA-256 of ``sample``'s outputs for fixed seeds, so it follows the variants, not
the source text: a refactor that keeps the draws passes, a change of the draws fails here.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from spikeset.registry import all_families
from spikeset.sampling import Draw

SEEDS = range(20)

# family id -> (REVISION, SHA-256 of the canonical dump of sample() for SEEDS)
RECORDED = {
    "ahp": (1, "4662bc64ddddd376d20ce6b5ea129d74c1f7d1d34018652cba6ea0080bc46105"),
    "concepts": (1, "fb9a9223b8833b1a42b2394d093e4e11c98400c234f87b1c1bd989aa96b62c84"),
    "driving-force": (1, "4e5c0287ce743e9e7d5f8bb340de1b18f86fd8b8614f46c2e7ecb1c61ee44fc2"),
    "gating": (1, "65f142663dfad998e3536f62832dc660cc3f4910ba6a4dad9d691b72edbe230c"),
    "ghk": (1, "fb2766beeda0e583c5b66367d3b58229c4684ea9390e3a24eb3c607314a2a92e"),
    "nernst": (1, "e6e71efab83bde302be53b963c2fb8925ecc47da681c64b97a225ca6d3fbaf40"),
    "peak-voltage": (1, "a700eef597fa5e964e371d6b8fabaca7df0f153306ffa006c8f2cdc6f1810c55"),
    "refractory": (1, "809cba4fdef57f53c2337ae23b969dd248aa72074b02839b36721e35d05c7571"),
    "resting-potential": (1, "3f748c6b7bc96c1cc5c54ac9ed3af031a2dd1c49006cb00aff57d3eaf01c7423"),
    "rise-vs-fall": (1, "122f3336b1c93a512def764be7d1c98803a882cd80ff02a734d301586c506720"),
    "sim-firing": (1, "660994e4430c4530750cfb7d4bd3023b34eb9a1fd715f32d2db2f352f59a5459"),
    "sim-manipulation": (1, "63298cb2a2a6ff1031f39ad349823faa3af37ee4f8b99cfdaeb459b31a4861e2"),
    "sim-peak-ahp": (1, "eed692c7118f909551d7c5ef2e135199fe8fb34b325a10c934e3bddf6ce3a442"),
    "sim-phases": (1, "5a5aca364012851c8e9e08ea1601d0880a2598f59fd41d6f0332d2574ada5905"),
    "sim-refractory": (1, "c9f3c42817d35e911ff01c3bf3edbba46ccb18e8065f8959e4f6412ad4bceba2"),
    "sim-threshold": (1, "ad63e38109fe2cd1d62a82d1c4d0cc1966164011635587846d6d0a8c68ee139a"),
    "threshold-slope": (1, "2f581988f1259fdd5842c6f85df9d9a8f1b661ef9d629ceabddce6b95de1906b"),
}


def draws_digest(family) -> str:
    """SHA-256 of the canonical JSON of ``sample`` for each seed of SEEDS, numbers to 12
    significant figures (a computed value may differ in its last bit between numpy builds)."""
    draws = [family.sample(Draw(np.random.default_rng(seed), {}, where="test")) for seed in SEEDS]
    text = json.dumps(_rounded(draws), sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _rounded(value):
    if isinstance(value, float):
        return format(value, ".12g")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def test_every_family_is_recorded():
    assert sorted(RECORDED) == sorted(all_families()), (
        "tests/test_family_revisions.py: RECORDED must list every family (a new family starts at "
        "REVISION = 1; add its line with the digest this test prints)")


@pytest.mark.parametrize("family_id", sorted(all_families()))
def test_draws_change_only_with_the_revision(family_id):
    family = all_families()[family_id]
    digest = draws_digest(family)
    revision, recorded = RECORDED.get(family_id, (None, None))
    assert (family.revision, digest) == (revision, recorded), (
        f"family {family_id}: sample() now draws differently (digest {digest}) or its REVISION changed. "
        f"When the draws change, bump REVISION in {family.folder}/problem.py (answer files made before "
        f"are then reported as made by the old revision) and record "
        f'"{family_id}": (<the new REVISION>, "{digest}") in RECORDED of tests/test_family_revisions.py; '
        f"a REVISION bump without a change of the draws is recorded the same way.")


def test_the_digest_follows_the_draws_not_the_code():
    class Stub:
        def __init__(self, digits):
            self.digits = digits

        def sample(self, draw):
            return {"x_mV": draw.uniform("x_mV", -90.0, -60.0, digits=self.digits), "ion": "K"}

    assert draws_digest(Stub(1)) == draws_digest(Stub(1))
    assert draws_digest(Stub(1)) != draws_digest(Stub(2))


@pytest.mark.parametrize("bad", ["2", 0, True, 1.0])
def test_revision_must_be_a_positive_int(monkeypatch, bad):
    from spikeset import registry
    from spikeset.errors import FamilyError
    from spikeset.problems.nernst import problem

    registry._load_family.cache_clear()
    monkeypatch.setattr(problem, "REVISION", bad)
    try:
        with pytest.raises(FamilyError, match="REVISION must be a positive int"):
            registry._load_family("nernst")
    finally:
        registry._load_family.cache_clear()
