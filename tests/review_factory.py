"""A project with generated variants to review: images drawn with numpy, records written through the store.

Used by the gallery's API and browser tests and by ``tools/bench_gallery.py`` (ComfyUI generation is
tested elsewhere; here only the review loop matters).
"""

from __future__ import annotations

import asyncio
import colorsys
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assetgen.image_files import encode_png
from assetgen.models import Asset, AssetSpec, AssetVersion, Variant
from assetgen.projects import init_project
from assetgen.settings import REPO_DIR
from assetgen.store import ProjectStore, load_model

PROJECT_ID = "review_demo"


def sprite(index: int, *, size_px: int = 96) -> np.ndarray:
    """A potion-like blob on a transparent background, its hue and shape set by ``index`` (RGBA uint8)."""
    rng = np.random.default_rng(index)
    yy, xx = np.mgrid[0:size_px, 0:size_px].astype(np.float32) / size_px
    cx, cy = 0.5 + rng.uniform(-0.08, 0.08), 0.58 + rng.uniform(-0.05, 0.05)
    radius = 0.26 + rng.uniform(-0.05, 0.06)
    body = (xx - cx) ** 2 + (yy - cy) ** 2 < radius**2
    neck = (abs(xx - cx) < 0.07 + rng.uniform(0, 0.03)) & (yy > 0.12) & (yy < cy)
    mask = body | neck
    r, g, b = colorsys.hsv_to_rgb((index * 0.137) % 1.0, 0.75, 0.95)
    shade = np.clip(1.15 - ((xx - cx + 0.1) ** 2 + (yy - cy + 0.1) ** 2) * 3.0, 0.35, 1.0)
    image = np.zeros((size_px, size_px, 4), np.uint8)
    image[..., 0] = (r * 255 * shade).astype(np.uint8)
    image[..., 1] = (g * 255 * shade).astype(np.uint8)
    image[..., 2] = (b * 255 * shade).astype(np.uint8)
    image[..., 3] = np.where(mask, 255, 0).astype(np.uint8)
    cork = neck & (yy < 0.2)
    image[cork] = (120, 80, 40, 255)
    return image


def variant_metadata(project_id: str, asset_id: str, variant_id: str, index: int, seed: int) -> dict:
    return {
        "projectId": project_id,
        "specId": "potion_icon",
        "assetId": asset_id,
        "variantId": variant_id,
        "variantIndex": index,
        "seed": seed,
        "positive": "a red healing potion icon, game asset, clean outline, flat shading",
        "negative": "blurry, text, watermark",
        "width": 96,
        "height": 96,
        "steps": 4,
        "cfg": 6.5,
        "sampler": "euler",
        "scheduler": "normal",
        "checkpoint": {
            "id": "ckpt_sd15_demo",
            "file": "assetgen-demo-sd15.safetensors",
            "sha256": "ab12" * 16,
        },
        "loras": [
            {
                "loraId": "lora_demo_icons",
                "file": "demo-icons.safetensors",
                "sha256": "cd34" * 16,
                "strengthModel": 0.8,
            }
        ],
        "promptPackageHash": "ef56" * 16,
        "seedPolicy": "derived",
    }


def build_review_project(
    store: ProjectStore,
    *,
    project_id: str = PROJECT_ID,
    asset_id: str = "potion_icon",
    variants: int = 12,
    versions: int = 1,
    image_size_px: int = 96,
    distinct_images: int | None = None,
) -> Asset:
    """Create ``project_id`` (demo template) holding one asset with ``variants`` candidates split over
    ``versions``; ``distinct_images`` (default: all) bounds how many different pictures are drawn."""
    if not store.has_project(project_id):
        init_project(store, project_id)
        spec = load_model(AssetSpec, REPO_DIR / "data" / "projects" / "demo" / "specs" / "potion_icon.json")
        store.write(project_id, "specs", spec.model_copy(update={"project_id": project_id}))
    per_version = -(-variants // versions)
    drawn: dict[int, bytes] = {}
    asset_versions = []
    made = 0
    for v in range(versions):
        records = []
        for i in range(min(per_version, variants - made)):
            index = made
            variant_id = f"v{index:05d}"
            picture = index % (distinct_images or variants)
            if picture not in drawn:
                drawn[picture] = encode_png(sprite(picture, size_px=image_size_px), compress_level=1)
            original = store.write_file(
                store.image_path(project_id, asset_id, "original", variant_id), drawn[picture]
            )
            seed = 1000 + index
            records.append(
                Variant(
                    id=variant_id,
                    original_path=original,
                    preview_path=original,
                    seed=seed,
                    metadata=variant_metadata(project_id, asset_id, variant_id, i, seed),
                )
            )
            made += 1
        asset_versions.append(
            AssetVersion(id=f"ver{v + 1}", created_at="2026-11-24T21:00:00Z", variants=records)
        )
    asset = Asset(
        id=asset_id,
        project_id=project_id,
        spec_id="potion_icon",
        created_at="2026-11-24T21:00:00Z",
        updated_at="2026-11-24T21:00:00Z",
        versions=asset_versions,
    )
    store.write(project_id, "assets", asset)
    return asset


@contextmanager
def serve_app(data_dir: Path, *, token: str | None = None) -> Iterator[str]:
    """Run ``create_app`` on 127.0.0.1 (a free port) in a thread with its own event loop; yields the base URL."""
    from aiohttp import web

    from assetgen.settings import Settings
    from orchestrator.api import create_app

    started: queue.Queue[int | BaseException] = queue.Queue()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def run() -> None:
        runner = web.AppRunner(create_app(Settings.from_env(data_dir=data_dir), token=token), access_log=None)
        try:
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            started.put(runner.addresses[0][1])
            await stop.wait()
        except BaseException as exc:
            started.put(exc)
            raise
        finally:
            await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    port = started.get(timeout=30)
    if isinstance(port, BaseException):
        raise port
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        loop.close()
