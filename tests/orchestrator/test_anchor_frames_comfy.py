"""Against the real managed ComfyUI: an 8-frame, 4-direction walk through the anchor path on the demo
checkpoint (pose VAE), cut out, aligned on one pivot, packed and exported."""

from __future__ import annotations

import asyncio

import aiohttp
import numpy as np
import pytest

from assetgen.generation.anchor_frames import plan_anchor_frames
from assetgen.generation.plan import plan_generation
from assetgen.image_files import read_rgba
from assetgen.imaging.consistency import silhouette_iou
from assetgen.imaging.poses import BACKGROUND_DEFAULT, mannequin_mask
from assetgen.models.registry import WeightsRef
from assetgen.review.decisions import set_primary
from assetgen.store import ProjectStore
from orchestrator.comfy_client import ComfyClient
from orchestrator.generation_runner import generate_anchor_frames, generate_variants

pytestmark = pytest.mark.comfy

SPEC = "hero_walk_anchor"


def anchor_spec(store: ProjectStore, *, directions: int = 4, frames: int = 8) -> None:
    """A copy of the demo's walk spec with a pose and directions; the demo checkpoint gets the pose VAE."""
    spec = store.read("demo", "specs", "hero_knight_walk")
    output = spec.output.model_copy(deep=True)
    output.directions = directions
    output.animation = output.animation.model_copy(
        update={"pose": "walk", "frame_count": frames, "frame_prompts": ["right foot forward"]}
    )
    store.write("demo", "specs", spec.model_copy(update={"id": SPEC, "output": output}))
    checkpoint = store.read("demo", "checkpoints", "ckpt_sd15_demo")
    checkpoint.vae_weights = WeightsRef(path="vae_demo_pose.safetensors")
    store.write("demo", "checkpoints", checkpoint)


async def run_anchor_walk(url: str, store: ProjectStore) -> dict:
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        plan = plan_generation(store, "demo", SPEC, variants=1, random_seed=77)
        anchor = await generate_variants(client, store, plan, job_id="anchor-job")
        set_primary(store, "demo", SPEC, anchor["primaryVariantId"], by="test")
        frames_plan = plan_anchor_frames(store, "demo", SPEC)
        return await generate_anchor_frames(client, store, frames_plan, job_id="frames-job")


def test_anchor_walk_in_four_directions_follows_the_poses(comfy_env) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    anchor_spec(store)
    output = asyncio.run(run_anchor_walk(state.url, store))
    assert output["animations"] == ["walk_e", "walk_n", "walk_s", "walk_w"]
    assert len(output["frames"]) == 32
    asset = store.read("demo", "assets", SPEC)
    version = next(v for v in asset.versions if v.id == "frames-job")
    assert version.generation["anchor"]["seed"] == asset.versions[0].variants[0].seed
    assert version.generation["denoise"] == 0.5 and set(version.generation["seeds"]) == {
        version.generation["anchor"]["seed"]
    }
    frames_plan = plan_anchor_frames(store, "demo", SPEC)
    guides = {f.name: f.guide for f in frames_plan.frames}
    images = {}
    ious = []
    for variant in version.variants:
        frame = variant.metadata["frame"]
        image = read_rgba(store.resolve(variant.original_path))
        images[frame["name"]] = image
        inked = np.abs(image[:, :, :3].astype(int) - np.array(BACKGROUND_DEFAULT)).max(axis=2) > 40
        ious.append(
            silhouette_iou(inked, mannequin_mask(guides[frame["name"]].mannequin, BACKGROUND_DEFAULT))
        )
    # The stand-in follows the mannequin: each frame's silhouette is its pose's.
    assert min(ious) >= 0.7, ious
    assert np.mean(ious) >= 0.8, ious
    # West is the mirrored east; consecutive walk frames differ (the character moves).
    for i in range(8):
        assert np.array_equal(images[f"walk_w_{i:02d}"], images[f"walk_e_{i:02d}"][:, ::-1])
    assert not np.array_equal(images["walk_e_00"], images["walk_e_02"])
