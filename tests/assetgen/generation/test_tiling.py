"""Which specs generate tileable, the template swap, the recorded decision, and the seam at ingest."""

from __future__ import annotations

import pytest

from assetgen.generation.ingest import GeneratedVariant, ingest_variants
from assetgen.generation.plan import plan_generation
from assetgen.generation.tiling import tiling_for_spec, wraps_x, wraps_y
from assetgen.generation.variant_metadata import metadata_for
from assetgen.generation.workflows import load_template, prompt_for_batch, titles_by_node
from assetgen.image_files import encode_png
from assetgen.models import AssetSpec
from assetgen.store import ProjectStore
from tests.assetgen.imaging.test_seams import periodic_texture


def spec_with(store: ProjectStore, spec_id: str, **changes) -> AssetSpec:
    data = store.read("demo", "specs", "potion_icon").model_dump(mode="json", by_alias=True)
    data.update({"id": spec_id, **changes})
    spec = AssetSpec.model_validate(data)
    store.write("demo", "specs", spec)
    return spec


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"assetType": "tile"}, "asset type 'tile' is tileable"),
        ({"tags": ["tileable"]}, "tag 'tileable'"),
        ({"tags": ["style:seamless"]}, "tag 'style:seamless'"),
        ({"output": {"kind": "single_image", "tileable": True, "tileAxes": "x"}}, "output.tileable is set"),
        ({"assetType": "tile", "output": {"kind": "single_image", "tileable": False}}, None),
        (
            {"output": {"kind": "tileset", "tileset": {"terrains": ["grass", "dirt"]}}},
            "output.kind is tileset",
        ),
    ],
)
def test_tiling_rules(demo_store: ProjectStore, changes: dict, reason: str | None) -> None:
    spec = spec_with(demo_store, "rule", **changes)
    types = {t.id: t for t in demo_store.read_catalog("demo", "asset-types").asset_types}
    choice = tiling_for_spec(spec, types.get(spec.asset_type))
    assert (choice.reason if choice else None) == reason
    if changes.get("output", {}).get("tileAxes") == "x":
        assert choice.axes == "x" and wraps_x("x") and not wraps_y("x")


def test_a_tileable_plan_uses_the_tileable_template_and_fills_the_axes(demo_store: ProjectStore) -> None:
    spec_with(demo_store, "strip", output={"kind": "single_image", "tileable": True, "tileAxes": "y"})
    plan = plan_generation(demo_store, "demo", "strip", variants=1)
    assert plan.template_id == "txt2img_tileable" and plan.tiling.axes == "y"
    template = load_template(plan.template_id)
    prompt = prompt_for_batch(template, plan, variant_indices=[0], variant_ids=["v1"])
    titles = titles_by_node(prompt)
    assert prompt[titles["Make Tileable"]]["inputs"]["axes"] == "y"
    assert prompt[titles["Sampler"]]["inputs"]["model"] == [titles["Make Tileable"], 0]
    assert prompt[titles["Decode"]]["inputs"]["vae"] == [titles["Make Tileable"], 1]
    explicit = plan_generation(demo_store, "demo", "strip", variants=1, template_id="txt2img_fixed_seed")
    assert explicit.template_id == "txt2img_fixed_seed", "only the plain template swaps to its twin"


def test_ingest_records_tiling_and_the_seam(demo_store: ProjectStore) -> None:
    spec_with(
        demo_store, "floor", assetType="tile", generationParams={"width": 64, "height": 64, "variants": 1}
    )
    plan = plan_generation(demo_store, "demo", "floor", variants=1)
    meta = metadata_for(
        plan,
        variant_index=0,
        variant_id="floor-v1",
        job_id="job1",
        batch_index=0,
        batch_size=1,
        batch_seed=plan.seeds[0],
        checkpoint_sha256=None,
        lora_sha256={},
    )
    assert meta.tiling == {"axes": "both", "reason": "asset type 'tile' is tileable"}
    png = encode_png(periodic_texture(64, seed=1))
    ingest_variants(demo_store, plan, [GeneratedVariant(metadata=meta, png=png)], version_id="job1")
    version = demo_store.read("demo", "assets", "floor").versions[0]
    assert version.generation["tiling"]["axes"] == "both"
    seam = version.variants[0].seam
    assert seam["fullBleed"] and 0.5 < seam["x"] < 1.5 and 0.5 < seam["y"] < 1.5
