"""Generate a terrain tileset on a ComfyUI backend: two seamless terrains, then every transition tile's band
repainted by inpainting (the outer ring restored exactly), packed by ``assetgen.post.tileset``
(Wang 2-corner or 47-tile blob layout, as the spec's ``output.tileset.layout`` says)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np

from assetgen.errors import ComfyExecutionError, InvalidInput
from assetgen.generation.plan import plan_generation
from assetgen.generation.workflows import load_template, prompt_for_batch, titles_by_node
from assetgen.image_files import decode_rgba, encode_png
from assetgen.models import AssetSpec
from assetgen.models.generation import GenerationPlan
from assetgen.post.tileset import (
    Tileset,
    band_inpaint_prompt,
    band_mask_rgba,
    build_tileset,
    compose_tiles,
    tileset_bands,
)
from assetgen.store import ProjectStore
from orchestrator.comfy_client import ComfyClient, output_files

log = logging.getLogger(__name__)


async def _first_image(client: ComfyClient, prompt: dict[str, Any], node_id: str) -> np.ndarray:
    entry = await client.wait(await client.submit(prompt))
    files = output_files(entry, node_id, "images")
    if not files:
        raise ComfyExecutionError(f"ComfyUI returned no image from node {node_id}")
    return decode_rgba(await client.view(files[0]))


async def generate_terrain(client: ComfyClient, plan: GenerationPlan, *, job_id: str) -> np.ndarray:
    """One seamless terrain tile from a one-variant tileable plan."""
    template = load_template(plan.template_id)
    prompt = prompt_for_batch(
        template, plan, variant_indices=[0], variant_ids=[f"{job_id}-terrain"], job_id=job_id
    )
    return await _first_image(client, prompt, titles_by_node(template)["Save Variants"])


async def generate_tileset(
    client: ComfyClient,
    store: ProjectStore,
    project_id: str,
    spec_id: str,
    *,
    job_id: str = "tileset",
    regenerate_bands: bool = True,
    progress: Callable[[int, int], Awaitable[None]] | None = None,
) -> Tileset:
    """The terrain set (``output.tileset.layout``) of a spec with ``output.kind: tileset`` (InvalidInput
    otherwise). ``progress(done, total)`` is called after each terrain and each repainted band."""
    spec: AssetSpec = store.read(project_id, "specs", spec_id)
    if spec.output is None or spec.output.kind != "tileset" or spec.output.tileset is None:
        raise InvalidInput(f"spec {spec_id!r} is not a tileset: set output.kind 'tileset' and output.tileset")
    layout = spec.output.tileset
    size = layout.tile_px
    bands = tileset_bands(size_px=size, ring_px=layout.ring_px, noise_seed=0, layout=layout.layout)
    repainted = sum(1 for band in bands if band.any()) if regenerate_bands else 0
    total = 2 + repainted  # the two terrains, then one inpaint per transition tile
    terrains: list[np.ndarray] = []
    plans = []
    for index, name in enumerate(layout.terrains):
        plan = plan_generation(
            store,
            project_id,
            spec_id,
            variants=1,
            seed_offset=index,
            overrides={"positive": f"{name}, {spec.prompt.positive}", "width": size, "height": size},
        )
        if plan.tiling is None:  # tiling_for_spec makes every tileset spec tileable; keep the guard explicit
            raise InvalidInput(f"spec {spec_id!r}: the plan is not tileable")
        plans.append(plan)
        terrains.append(await generate_terrain(client, plan, job_id=f"{job_id}-{index}"))
        if progress is not None:
            await progress(index + 1, total)
    regenerated: list[np.ndarray] | None = None
    if regenerate_bands:
        composed = compose_tiles(terrains[0], terrains[1], layout=layout.layout, ring_px=layout.ring_px)
        plan = plans[0]
        regenerated = []
        done = 2
        for index, (tile, band) in enumerate(zip(composed, bands, strict=True)):
            if not band.any():
                regenerated.append(tile)
                continue
            name = await client.upload_image(
                encode_png(band_mask_rgba(tile, band)), f"{job_id}_band_{index:02d}.png"
            )
            prompt = band_inpaint_prompt(
                checkpoint_file=plan.checkpoint.file,
                image_name=name,
                positive=f"{' and '.join(layout.terrains)} transition, {spec.prompt.positive}",
                negative=plan.prompt.negative,
                seed=plan.seeds[0] + 101 + index,
                steps=plan.steps,
                cfg=plan.cfg,
                sampler=plan.sampler,
                scheduler=plan.scheduler,
                prefix=f"{job_id}_band",
            )
            regenerated.append(await _first_image(client, prompt, titles_by_node(prompt)["Save"]))
            done += 1
            if progress is not None:
                await progress(done, total)
    fixed = regenerated
    return await asyncio.to_thread(
        build_tileset,
        terrains[0],
        terrains[1],
        terrains=(layout.terrains[0], layout.terrains[1]),
        ring_px=layout.ring_px,
        regenerate=(lambda tiles, bands: fixed) if fixed is not None else None,
        layout=layout.layout,
    )
