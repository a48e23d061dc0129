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


def test_the_follow_up_chain_is_built_in_the_autopilot_module(demo_store: ProjectStore) -> None:
    from assetgen.ids import default_atlas_id
    from assetgen.models.job import AutopilotInput
    from assetgen.review.autopilot import (
        Decision,
        approved_follow_up,
        export_profiles_for,
        generate_round_input,
    )

    request = AutopilotInput(spec_id="potion_icon", variants=3, export_profiles=["godot"])
    first = generate_round_input(request, 1)
    assert first["specId"] == "potion_icon" and first["variants"] == 3 and first["seedOffset"] == 0
    (review,) = first["nextJobs"]
    assert review["type"] == "autopilot_review"
    assert review["input"] == {
        "specId": "potion_icon",
        "variants": 3,
        "attempt": 1,
        "versionId": "$output.assetVersionId",
        "exportProfiles": ["godot"],
        "method": "colorkey",
    }
    assert generate_round_input(request, 3)["seedOffset"] == 2000

    spec = demo_store.read("demo", "specs", "hero_knight_walk")  # an animation: packed before export
    decision = Decision("approved", [], "v1", ("v1", "v2"))
    bg = approved_follow_up(spec, decision, method="colorkey", profiles=["unity", "godot"])
    assert bg["assetId"] == spec.id and bg["variantIds"] == ["v1", "v2"]
    (pack,) = bg["nextJobs"]
    assert pack["type"] == "atlas_pack" and pack["input"]["atlasId"] == default_atlas_id(spec.id)
    assert [e["input"]["profileId"] for e in pack["input"]["nextJobs"]] == ["unity", "godot"]
    icon = demo_store.read("demo", "specs", "potion_icon")
    single = approved_follow_up(
        icon, Decision("approved", [], "v1", ("v1",)), method="auto", profiles=["custom"]
    )
    assert single["nextJobs"] == [
        {"type": "export", "input": {"profileId": "custom", "assetIds": ["potion_icon"]}}
    ]
    assert export_profiles_for(demo_store, "demo", None) == demo_store.list_ids("demo", "export-profiles")
    assert export_profiles_for(demo_store, "demo", ["godot"]) == ["godot"]
