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

from spikeset.variants.registry import all_families
from spikeset.sampling import Draw

SEEDS = range(20)

# family id -> (REVISION, SHA-256 of the canonical dump of sample() for SEEDS)
RECORDED = {
    "accommodation": (1, "0e01a1ebf83e4b2d02cb94995ff48e2e4ecfa495c50435333be0e7d1dbf7540f"),
    "ahp": (2, "6c608a813c4f343953b143939cc70afebe25f17273a10813bea4f842fe876b6d"),
    "anode-break": (1, "c8fba18abfe6a7c8f66d855d5b7cfdacc7bd014889ff183d8179e2e90be00dec"),
    "cable": (1, "c371b6405134cf3765342185cb2bf45c174f51492b5ac672ced035e0e12a4019"),
    "concepts": (2, "fb9a9223b8833b1a42b2394d093e4e11c98400c234f87b1c1bd989aa96b62c84"),
    "driving-force": (1, "4e5c0287ce743e9e7d5f8bb340de1b18f86fd8b8614f46c2e7ecb1c61ee44fc2"),
    "fi-curve": (1, "07748da6a595bd35d881f55bc0aa27a1ca348195926924f8e3b875992a226a13"),
    "gate-kinetics": (1, "4a278abf70c66824bc5be771ad9f56d80edff1e2b71a32e0da0a921f24f0f2a6"),
    "gating": (2, "f7eca5fee617ad757db06f33a5aa579114f27eb6bd15f9b2a4c4c9985d13333f"),
    "ghk": (2, "c721e00e2c146e0129a448dd452fedf4818e70612fe9ae6924cd527d69c51b0a"),
    "ghk-current": (1, "beb631b9c4a9580cd8e0ef189992823567b2fbd95d65282738f7b859f927f00c"),
    "nernst": (2, "5717dacf907a3f83ff04ebdc11db3fe54e13d0b4bed16ae7a4ccb15073010a24"),
    "passive-membrane": (1, "454b399f5e98d68a28fabe4c190248967a914d4747e65e699e5c0da1bc3b620d"),
    "peak-voltage": (1, "a700eef597fa5e964e371d6b8fabaca7df0f153306ffa006c8f2cdc6f1810c55"),
    "refractory": (1, "809cba4fdef57f53c2337ae23b969dd248aa72074b02839b36721e35d05c7571"),
    "resting-potential": (1, "3f748c6b7bc96c1cc5c54ac9ed3af031a2dd1c49006cb00aff57d3eaf01c7423"),
    "rise-vs-fall": (2, "177b35cb340bfb5ccbc52f3b74886898569fef77b09dbb1d34afc59d1d8507ad"),
    "sim-firing": (2, "a42ba05024a0a563a080dde4879dd1aa9bf0b4b649fb14082089e3a387a20db8"),
    "sim-manipulation": (3, "c996a193a3f7e812f0b6582b3ba5ed9135dff7bf6ed0a9401e3a93e6a8a2f0be"),
    "sim-peak-ahp": (3, "a756ed263ea6719a63289b85444433db7c1bed925d4fd3e4665926682452d0f1"),
    "sim-phases": (2, "5a5aca364012851c8e9e08ea1601d0880a2598f59fd41d6f0332d2574ada5905"),
    "sim-refractory": (3, "1e6f5706c1f56a43c34ae0ce26e5d53301859355a141384328f8071b266bc7e1"),
    "sim-threshold": (2, "6cb3649b1595969c6d3aeb70ac27e69bb667b8fab0e2bf40be7e921b99dc2b38"),
    "spike-charge": (1, "726ea0be172a1fc5256f5beb60c52058ee4c65e50a3615859be8b6fd360eb163"),
    "strength-duration": (1, "0d4785db80862471da5f933ee847a106333eae29cc86bef4ef0b3b6d099c323d"),
    "temperature": (2, "ea0a854e4a9eeb63d64092958342bc84729afedf98a941c1ab4d9bcb518026bd"),
    "threshold-slope": (3, "033f9ccd666492c04aa925f0d40e3e7a7f2f9536a0493a792c3988e3545954ef"),
    "voltage-clamp": (1, "155f80539eef848ec057d1fb04bba5f918a2f505cce78be355aa6e5ecfa603de"),
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
    from spikeset.variants import registry
    from spikeset.errors import FamilyError
    from spikeset.problems.nernst import problem

    registry._load_family.cache_clear()
    monkeypatch.setattr(problem, "REVISION", bad)
    try:
        with pytest.raises(FamilyError, match="REVISION must be a positive int"):
            registry._load_family("nernst")
    finally:
        registry._load_family.cache_clear()
