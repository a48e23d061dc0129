"""Seed policy: fixed, derived (documented hash) and random_recorded; one distinct seed per variant."""

from __future__ import annotations

import hashlib

import pytest

from assetgen.errors import InvalidInput
from assetgen.generation.seeds import derive_seed, variant_seeds
from assetgen.models import AssetSpec


def spec(**fields) -> AssetSpec:
    return AssetSpec(
        id="s",
        project_id="p",
        asset_type="prop",
        title="t",
        style="a",
        scenario="b",
        prompt={"positive": "x"},
        **fields,
    )


def test_fixed_increments_per_variant() -> None:
    assert variant_seeds(
        spec(seedPolicy={"mode": "fixed", "baseSeed": 10}), count=3, checkpoint_id="c", random_seed=0
    ) == ("fixed", [10, 11, 12])
    assert variant_seeds(
        spec(seedPolicy={"mode": "fixed"}, generationParams={"seed": 5}),
        count=1,
        checkpoint_id="c",
        random_seed=0,
    ) == ("fixed", [5])


def test_fixed_without_a_seed_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="baseSeed"):
        variant_seeds(spec(seedPolicy={"mode": "fixed"}), count=1, checkpoint_id="c", random_seed=0)


def test_derived_is_the_documented_stable_hash() -> None:
    expected = int.from_bytes(hashlib.sha256(b"specId=s\nassetType=prop\ncheckpointId=c").digest()[:4], "big")
    mode, seeds = variant_seeds(
        spec(seedPolicy={"mode": "derived"}), count=2, checkpoint_id="c", random_seed=0
    )
    assert (mode, seeds) == ("derived", [expected, expected + 1])
    other = variant_seeds(spec(seedPolicy={"mode": "derived"}), count=1, checkpoint_id="d", random_seed=0)[1]
    assert other != [expected]


def test_derived_unknown_field_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="unknown field"):
        derive_seed({"specId": "s"}, ["colour"])


def test_random_recorded_uses_the_callers_seed_and_offsets_move_runs() -> None:
    assert variant_seeds(spec(), count=2, checkpoint_id="c", random_seed=77) == ("random_recorded", [77, 78])
    assert variant_seeds(spec(), count=2, checkpoint_id="c", random_seed=77, offset=100)[1] == [177, 178]


def test_explicit_seed_wins_over_every_policy() -> None:
    assert variant_seeds(
        spec(seedPolicy={"mode": "derived"}), count=1, checkpoint_id="c", random_seed=0, explicit_seed=3
    ) == ("fixed", [3])
