"""An AssetGenerator project generates as it is: a fixture spec on the demo checkpoint through the real ComfyUI."""

from __future__ import annotations

import asyncio
import shutil

import aiohttp
import pytest

from assetgen.errors import NotFound
from assetgen.generation.model_files import hash_cache_file, model_roots
from assetgen.generation.onboarding import onboard_checkpoint
from assetgen.generation.plan import plan_generation
from assetgen.generation.variant_metadata import read_variant_metadata
from assetgen.image_files import read_png_text, read_rgba
from assetgen.store import ProjectStore
from orchestrator.comfy_client import ComfyClient
from orchestrator.generation_runner import generate_variants
from tests.assetgenerator_fixture import (
    FIXTURE_PROJECT,
    PROJECT_ID,
    SD15_ID,
    SEEDED_PROJECT,
    SEEDED_PROJECT_ID,
    SEEDED_SPEC_IDS,
    SPEC_IDS,
)

pytestmark = pytest.mark.comfy


def test_a_fixture_spec_generates_on_the_demo_checkpoint(comfy_env) -> None:
    settings, state = comfy_env
    target = settings.data_dir / "projects" / PROJECT_ID
    shutil.copytree(FIXTURE_PROJECT, target, dirs_exist_ok=True)
    store = ProjectStore(settings.data_dir)
    spec_id = SPEC_IDS[0]  # single_image ui_icon on ckpt_sd15_demo, fixed seed 4242
    plan = plan_generation(store, PROJECT_ID, spec_id, variants=1)
    assert plan.checkpoint.id == "ckpt_sd15_demo" and plan.checkpoint.file == "ckpt_sd15_demo.safetensors"
    assert plan.seeds == [4242] and [lora.lora_id for lora in plan.loras] == [
        "lora_icons_sd15",
        "lora_duck_character",
    ]

    async def go() -> dict:
        async with aiohttp.ClientSession() as session:
            return await generate_variants(ComfyClient(state.url, session), store, plan, job_id="compat_job")

    output = asyncio.run(go())
    asset = store.read(PROJECT_ID, "assets", spec_id)
    version = next(v for v in asset.versions if v.id == "compat_job")
    assert version.status == "review" and len(version.variants) == 1 and output["seeds"] == [4242]
    png = store.resolve(version.variants[0].original_path)
    assert read_rgba(png).shape == (plan.height, plan.width, 4)
    meta = read_variant_metadata(read_png_text(png.read_bytes()))
    assert meta.positive == plan.prompt.positive and meta.project_id == PROJECT_ID
    assert meta.checkpoint["sha256"]  # the file's hash is recorded with every variant


def test_an_origin_seeded_sd15_spec_generates_after_onboarding(comfy_env) -> None:
    settings, state = comfy_env
    shutil.copytree(SEEDED_PROJECT, settings.data_dir / "projects" / SEEDED_PROJECT_ID, dirs_exist_ok=True)
    store = ProjectStore(settings.data_dir)
    spec_id = SEEDED_SPEC_IDS[0]  # the player ship: no checkpoint profile, no baseline, an unnamed animation
    with pytest.raises(NotFound, match="assetgen checkpoint add"):
        plan_generation(store, SEEDED_PROJECT_ID, spec_id, variants=1)
    onboard_checkpoint(
        store,
        SEEDED_PROJECT_ID,
        "ckpt_sd15_demo.safetensors",
        checkpoint_id=SD15_ID,
        roots=model_roots(settings),
        hash_cache=hash_cache_file(settings),
    )
    plan = plan_generation(store, SEEDED_PROJECT_ID, spec_id, variants=1)
    assert plan.checkpoint.file == "ckpt_sd15_demo.safetensors" and plan.checkpoint.sha256

    async def go() -> dict:
        async with aiohttp.ClientSession() as session:
            return await generate_variants(ComfyClient(state.url, session), store, plan, job_id="seeded_job")

    asyncio.run(go())
    version = next(
        v for v in store.read(SEEDED_PROJECT_ID, "assets", spec_id).versions if v.id == "seeded_job"
    )
    png = store.resolve(version.variants[0].original_path)
    assert read_rgba(png).shape == (128, 128, 4)
    meta = read_variant_metadata(read_png_text(png.read_bytes()))
    assert meta.checkpoint["sha256"] == plan.checkpoint.sha256 and "pixel art" in meta.positive
