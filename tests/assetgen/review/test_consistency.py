"""Consistency review of a stored anchor-frame version: scores on the variants, the odd frame flagged."""

from __future__ import annotations

import pytest

from assetgen.errors import InvalidInput
from assetgen.review.consistency import review_frames
from assetgen.store import ProjectStore
from tests.anim_factory import ASSET, store_frames


def test_frames_are_scored_and_the_recoloured_one_is_an_outlier(demo_store: ProjectStore) -> None:
    store_frames(demo_store, frames=6, odd="walk_e_03")
    review = review_frames(demo_store, "demo", ASSET, "frames-job", min_score=0.3)
    assert set(review.scores) == {f"walk_{d}_{i:02d}" for d in "ew" for i in range(6)}
    assert review.outliers == ("walk_e_03",)
    assert review.scores["walk_w_03"] == review.scores["walk_e_03"]  # mirrors take their twin's score
    good = review.scores["walk_e_01"]
    assert good.palette_distance < 0.05 and good.silhouette_iou > 0.9
    assert review.scores["walk_e_03"].palette_distance > 0.1
    asset = demo_store.read("demo", "assets", ASSET)
    version = next(v for v in asset.versions if v.id == "frames-job")
    flags = {
        v.metadata["frame"]["name"]: v.metadata["frame"]["consistency"]["outlier"] for v in version.variants
    }
    assert flags["walk_e_03"] and not flags["walk_e_01"]
    with pytest.raises(InvalidInput, match="not made from an anchor"):
        review_frames(demo_store, "demo", ASSET, "anchor")
