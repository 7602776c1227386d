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
    "ahp": (1, "830a1c6f10fe6d1f1508e7182eb0a084aed1ee0d7d331325c3cadb963c00074b"),
    "concepts": (1, "fb9a9223b8833b1a42b2394d093e4e11c98400c234f87b1c1bd989aa96b62c84"),
    "driving-force": (1, "b8ade0b5ab74e8eb983321ff096a0f43c0a0e293763604cb9d43bf5e52f61f22"),
    "gating": (1, "30ab1478e2134d80aef981b74b77016782b03b84326966f9f60a3e0458b7eda2"),
    "ghk": (1, "30d156499601004ef343f25232d2534490bef6efdbbf8cc880a3692d4eaef5b8"),
    "nernst": (1, "2c6e936ddd42e715170569f781670b88d5e35d6e994a97dc9e6c15c97acbd879"),
    "peak-voltage": (1, "f4cc3e1334ba4457d02207b3636dac14550b3284bc74bae1b5da7caac33e2847"),
    "refractory": (1, "4b759d6ce16b92a2e31a1bf0274e71a519865b390e44bcaa91bf445f38fc3da1"),
    "resting-potential": (1, "5a86b99a95ee963bf4d0ca938cc5a097adb6e10bd4326ee7db0b9f43ea75ce4d"),
    "rise-vs-fall": (1, "34fdab80a388ce2c5b4ef50d52030856e92a12d2497b5b6b106d9dc9b22e0d13"),
    "sim-firing": (1, "e499b637c6e131a3d13608d3bbf0cdec846d49456b405f03863c534378fd3f45"),
    "sim-manipulation": (1, "3118aa4cc5298de74fee8f0e007fac32dc04bed6f801f09c01ea807bbc5f20f7"),
    "sim-peak-ahp": (1, "b53dc79e864b4239162a326d6eba2399cd2f0ab9c9f127c9c0f365698cb73c18"),
    "sim-phases": (1, "1b3f9312b53091079625b9657611ea05357e50a16832e5654dd041452d68e018"),
    "sim-refractory": (1, "978c2971c4f572fdd13023c5aea3d5ad8e18e4b59517788f0a7e744cc712fa6b"),
    "sim-threshold": (1, "ac56f078909467773bb7129945e51928045d719fe14a9f4a18303620007671b5"),
    "threshold-slope": (1, "258450443632e95300f5488573c556cfb213ee2531ec237ee5498d356cfbfad2"),
}


def draws_digest(family) -> str:
    """SHA-256 of the canonical JSON of ``sample`` for each seed of SEEDS."""
    draws = [family.sample(Draw(np.random.default_rng(seed), {}, where="test")) for seed in SEEDS]
    text = json.dumps(draws, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


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
