"""Make Tileable against the real managed ComfyUI on the texture stand-in checkpoint.

A tile spec generated through Make Tileable wraps (seam ratio <= 1.05 on both axes, full-bleed); the
same spec and seeds without it show their seam; and a plain prompt after a tileable one gives exactly
the pixels it gave before (the node patches clones, never the shared loaded model).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import numpy as np
import pytest

from assetgen.generation.plan import plan_generation
from assetgen.generation.workflows import load_template, prompt_for_batch, titles_by_node
from assetgen.image_files import decode_rgba, encode_png
from assetgen.imaging.seams import measure_seams, repeat_grid
from assetgen.models import AssetSpec
from assetgen.store import ProjectStore
from orchestrator.comfy_client import ComfyClient, output_files

pytestmark = pytest.mark.comfy

SEEDS_BASE = 777


def tile_spec(store: ProjectStore, spec_id: str, *, tileable: bool | None) -> AssetSpec:
    """A cobblestone tile spec on the texture stand-in, fixed seeds; ``tileable`` sets output.tileable."""
    base = store.read("demo", "specs", "potion_icon").model_dump(mode="json", by_alias=True)
    base.update(
        {
            "id": spec_id,
            "title": "Cobblestone floor tile",
            "assetType": "tile",
            "tags": ["assetType:tile"],
            "prompt": {"positive": "grey cobblestone floor", "negative": ""},
            "checkpointId": "ckpt_sd15_texture_demo",
            "seedPolicy": {"mode": "fixed", "baseSeed": SEEDS_BASE},
            "output": {"kind": "single_image", "background": "any"},
            "qualityContract": {"backgroundPolicy": "any"},
        }
    )
    if tileable is not None:
        base["output"]["tileable"] = tileable
    spec = AssetSpec.model_validate(base)
    store.write("demo", "specs", spec)
    return spec


async def run_plan(url: str, plan, job_id: str) -> tuple[list[np.ndarray], dict]:
    """Submit every variant of ``plan`` as one batch; the decoded images and the history entry."""
    template = load_template(plan.template_id)
    save_node = titles_by_node(template)["Save Variants"]
    indices = list(range(len(plan.seeds)))
    prompt = prompt_for_batch(
        template,
        plan,
        variant_indices=indices,
        variant_ids=[f"{job_id}-v{i}" for i in indices],
        job_id=job_id,
    )
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        entry = await client.wait(await client.submit(prompt))
        images = [decode_rgba(await client.view(f)) for f in output_files(entry, save_node, "images")]
    return images, entry


def cached_nodes(entry: dict) -> set[str]:
    """Node ids ComfyUI served from its cache in this prompt (from the history's status messages)."""
    out: set[str] = set()
    for name, data in (entry.get("status") or {}).get("messages", []):
        if name == "execution_cached":
            out |= set(data.get("nodes") or [])
    return out


def test_make_tileable_removes_the_seam_on_the_texture_stand_in(comfy_env, artifacts_dir: Path) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    tile_spec(store, "cobble_tile", tileable=None)  # tileable because the asset type is tile
    tile_spec(store, "cobble_plain", tileable=False)
    tiled_plan = plan_generation(store, "demo", "cobble_tile", variants=3)
    plain_plan = plan_generation(store, "demo", "cobble_plain", variants=3)
    assert tiled_plan.template_id == "txt2img_tileable" and tiled_plan.tiling is not None
    assert tiled_plan.tiling.axes == "both" and "tile" in tiled_plan.tiling.reason
    assert plain_plan.template_id == "txt2img" and plain_plan.tiling is None
    assert tiled_plan.seeds == plain_plan.seeds, "same seeds, so the two runs compare the node alone"

    tiled, _ = asyncio.run(run_plan(state.url, tiled_plan, "jobtiled"))
    plain, _ = asyncio.run(run_plan(state.url, plain_plan, "jobplain"))
    report = {
        "with": [[m.as_dict() for m in measure_seams(img)] for img in tiled],
        "without": [[m.as_dict() for m in measure_seams(img)] for img in plain],
    }
    (artifacts_dir / "seams.json").write_text(json.dumps(report, indent=2))
    for name, images in (("with", tiled), ("without", plain)):
        for index, image in enumerate(images):
            (artifacts_dir / f"{name}_{index}.png").write_bytes(encode_png(image))
            (artifacts_dir / f"{name}_{index}_3x3.png").write_bytes(encode_png(repeat_grid(image)))
    print(json.dumps(report))
    assert len(tiled) == len(plain) == 3
    for image in tiled:
        for measure in measure_seams(image):
            assert measure.ratio <= 1.05, measure
            assert measure.is_full_bleed, measure
    for image in plain:
        # Without the node the decoder's zero padding leaves a seam: a step across the wrap edge and/or a
        # flat frame line along the border (the repeat shows a grid); either fails the check.
        assert not all(m.passes(1.15) for m in measure_seams(image)), [
            m.as_dict() for m in measure_seams(image)
        ]


def test_a_plain_prompt_after_a_tileable_one_gives_the_same_pixels(comfy_env) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    tile_spec(store, "share_tile", tileable=True)
    tile_spec(store, "share_plain", tileable=False)
    tiled_plan = plan_generation(store, "demo", "share_tile", variants=1)
    plain_plan = plan_generation(store, "demo", "share_plain", variants=1)

    before, _ = asyncio.run(run_plan(state.url, plain_plan, "jobbefore"))
    tiled, _ = asyncio.run(run_plan(state.url, tiled_plan, "jobtile"))
    after, entry = asyncio.run(run_plan(state.url, plain_plan, "jobafter"))

    template = load_template(plain_plan.template_id)
    sampler = titles_by_node(template)["Sampler"]
    assert sampler not in cached_nodes(entry), "the plain prompt must really sample again"
    assert not np.array_equal(before[0], tiled[0]), "the tileable prompt differs"
    assert np.array_equal(before[0], after[0]), "the shared model was left patched"


def test_make_tileable_is_listed_with_tooltips(comfy_env) -> None:
    _, state = comfy_env

    async def info():
        async with aiohttp.ClientSession() as session:
            return await ComfyClient(state.url, session).object_info()

    node = asyncio.run(info())["AssetGenMakeTileable"]
    assert node["category"] == "assetgen"
    required = node["input"]["required"]
    assert set(required) == {"model", "vae", "axes"}
    axes = required["axes"]
    assert (axes[1].get("options") if axes[0] == "COMBO" else axes[0]) == ["both", "x", "y"]
    assert all(spec[1].get("tooltip") for spec in required.values())


def test_autopilot_judges_tiles_by_their_seams(comfy_env, tmp_path: Path) -> None:
    from tests.orchestrator.test_autopilot_comfy import project_with, run_autopilot

    _, state = comfy_env
    settings, store = project_with(tmp_path, state.url)
    tile_spec(store, "auto_tile", tileable=None)
    strict = tile_spec(store, "strict_tile", tileable=None)
    data = strict.model_dump(mode="json", by_alias=True)
    data["qualityContract"]["checks"] = {"seamRatioMax": 0.5, "maxAttempts": 2}  # no tile can pass
    store.write("demo", "specs", AssetSpec.model_validate(data))

    jobs = run_autopilot(settings, store, ["auto_tile", "strict_tile"])
    assert all(j.status == "succeeded" for j in jobs), [
        (j.type, j.error) for j in jobs if j.status != "succeeded"
    ]
    assert "bg_remove" not in [j.type for j in jobs], "tiles are opaque by design: no background removal"

    approved = store.read("demo", "assets", "auto_tile").versions[-1]
    assert approved.status == "approved" and approved.primary_variant_id
    primary = next(v for v in approved.variants if v.id == approved.primary_variant_id)
    checks = primary.quality["checks"]
    assert checks["seam_x"]["passed"] and checks["seam_y"]["passed"] and "coverage" not in checks
    assert primary.seam["x"] <= 1.15 and primary.seam["fullBleed"]
    assert [j.type for j in jobs].count("export") == 4, "one export per profile, straight after approval"

    strict_asset = store.read("demo", "assets", "strict_tile")
    assert len(strict_asset.versions) == 2, "autopilot regenerated the failing round once (maxAttempts 2)"
    data = strict_asset.model_dump(mode="json", by_alias=True)
    assert data["autopilot"]["status"] == "needs_review"
    assert any(r.startswith("seam_") and "limit 0.5" in r for r in data["autopilot"]["reasons"])
