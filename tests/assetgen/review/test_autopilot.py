"""Autopilot decisions without ComfyUI: approve the best passing variant, regenerate, then needs review."""

from __future__ import annotations

import numpy as np

from assetgen.image_files import encode_png
from assetgen.models import Asset, AssetVersion, Variant
from assetgen.models.spec import QualityLimits
from assetgen.review.autopilot import decide, review_version
from assetgen.store import ProjectStore
from tests.assetgen.review.test_quality import disc


def add_version(store: ProjectStore, images: list[np.ndarray]) -> str:
    variants = []
    for index, image in enumerate(images):
        variant_id = f"v{index}"
        path = store.write_file(
            store.image_path("demo", "potion_icon", "original", variant_id), encode_png(image)
        )
        variants.append(Variant(id=variant_id, original_path=path))
    version = AssetVersion(id="ver1", variants=variants, generation={"width": 64, "height": 64})
    store.write(
        "demo",
        "assets",
        Asset(id="potion_icon", project_id="demo", spec_id="potion_icon", versions=[version]),
    )
    return version.id


def on_background(cutout: np.ndarray) -> np.ndarray:
    image = cutout.copy()
    image[cutout[..., 3] == 0] = (240, 240, 236, 255)
    return image


def test_best_passing_variant_is_approved_with_scores(demo_store: ProjectStore) -> None:
    spec = demo_store.read("demo", "specs", "potion_icon")
    touching = on_background(disc(center=(32, 8)))
    good = on_background(disc(radius=16))
    version_id = add_version(demo_store, [touching, good])
    qualities = review_version(demo_store, "demo", spec, version_id)
    assert [q.passed for q in qualities] == [False, True]
    decision = decide(demo_store, "demo", spec, version_id, qualities, attempt=1)
    assert decision.outcome == "approved" and decision.primary_variant_id == "v1"
    asset = demo_store.read("demo", "assets", "potion_icon")
    version = asset.versions[0]
    assert version.status == "approved" and version.primary_variant_id == "v1"
    assert (
        version.variants[0].quality["passed"] is False
        and "clean_border" in version.variants[0].quality["checks"]
    )
    assert version.variants[1].review_note.startswith("autopilot: score")


def test_failing_rounds_regenerate_then_need_review(demo_store: ProjectStore) -> None:
    spec = demo_store.read("demo", "specs", "potion_icon")
    spec.quality_contract.checks = QualityLimits(max_attempts=2)
    flat = np.full((64, 64, 4), 200, np.uint8)
    version_id = add_version(demo_store, [flat])
    qualities = review_version(demo_store, "demo", spec, version_id)
    assert decide(demo_store, "demo", spec, version_id, qualities, attempt=1).outcome == "regenerate"
    final = decide(demo_store, "demo", spec, version_id, qualities, attempt=2)
    assert final.outcome == "needs_review" and any("detail" in r for r in final.reasons)
    verdict = demo_store.read("demo", "assets", "potion_icon").model_extra["autopilot"]
    assert verdict["status"] == "needs_review" and verdict["attempts"] == 2
