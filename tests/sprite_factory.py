"""Sprites, frames and a small project with an atlas, built in code for the pack and export tests."""

from __future__ import annotations

import numpy as np

from assetgen.image_files import encode_png
from assetgen.models import Asset, AssetSpec, AssetVersion, PackSettings, Project, Variant
from assetgen.models.spec import AnimationSpec, SpecOutput, SpecPrompt
from assetgen.post.atlas_build import FrameSource, build_atlas
from assetgen.store import ProjectStore

PROJECT = "packdemo"


def sprite(
    width: int, height: int, *, seed: int, margin: tuple[int, int, int, int] = (0, 0, 0, 0)
) -> np.ndarray:
    """A ``width x height`` frame of random opaque-ish pixels inside transparent margins (left, top, right, bottom)."""
    rng = np.random.default_rng(seed)
    left, top, right, bottom = margin
    frame = np.zeros((height, width, 4), np.uint8)
    inner = frame[top : height - bottom, left : width - right]
    inner[...] = rng.integers(0, 256, inner.shape, dtype=np.uint8)
    inner[..., 3] = rng.integers(1, 256, inner.shape[:2], dtype=np.uint8)
    return frame


def walk_frames(count: int = 6, *, width: int = 40, height: int = 56) -> list[np.ndarray]:
    """An animation-like set: same frame size, content of varying size, transparent borders (trimmable)."""
    return [sprite(width, height, seed=100 + i, margin=(3 + i % 3, 5, 4, 2 + i % 4)) for i in range(count)]


def make_project(store: ProjectStore, *, with_spec_animation: bool = True) -> list[FrameSource]:
    """Project ``packdemo`` with asset ``hero_walk`` (6 alpha frames, spec with fps 10, no loop) and asset
    ``coin`` (2 frames, no spec) and ``gem`` (1 frame); returns the frame sources in pack order."""
    store.write_project(
        Project(id=PROJECT, name="Pack demo", defaults={"style": "pixel", "scenario": "forest"})
    )
    if with_spec_animation:
        spec = AssetSpec(
            id="spec_hero_walk",
            project_id=PROJECT,
            asset_type="spritesheet",
            title="Hero walk",
            style="pixel",
            scenario="forest",
            prompt=SpecPrompt(positive="hero walking", negative="blurry"),
            output=SpecOutput(
                kind="animation", animation=AnimationSpec(name="walk", fps=10, loop=False, frame_count=6)
            ),
        )
        store.write(PROJECT, "specs", spec)
    sources: list[FrameSource] = []
    sets = {
        "hero_walk": walk_frames(6),
        "coin": [sprite(24, 24, seed=7, margin=(2, 2, 2, 2)), sprite(24, 24, seed=8, margin=(4, 1, 1, 4))],
        "gem": [sprite(30, 20, seed=9, margin=(0, 3, 5, 0))],
    }
    for asset_id, images in sets.items():
        variants = []
        for i, image in enumerate(images):
            variant_id = f"v{i}"
            path = store.image_path(PROJECT, asset_id, "alpha", variant_id)
            stored = store.write_file(path, encode_png(image))
            original = store.write_file(
                store.image_path(PROJECT, asset_id, "original", variant_id), encode_png(image)
            )
            variants.append(
                Variant(id=variant_id, original_path=original, alpha_path=stored, tags=["kind:test"])
            )
            sources.append(FrameSource(asset_id=asset_id, variant_id=variant_id, pivot_x=0.5, pivot_y=1.0))
        version = AssetVersion(id="ver1", status="approved", variants=variants, primary_variant_id="v0")
        spec_id = "spec_hero_walk" if asset_id == "hero_walk" and with_spec_animation else None
        store.write(
            PROJECT, "assets", Asset(id=asset_id, project_id=PROJECT, spec_id=spec_id, versions=[version])
        )
    return sources


def make_atlas(store: ProjectStore, *, atlas_id: str = "chars", **settings: object):
    """``make_project`` + ``build_atlas`` with ``settings`` (PackSettings fields); returns the AtlasBuild."""
    sources = make_project(store)
    return build_atlas(
        store, PROJECT, atlas_id, sources, settings=PackSettings(**settings), job_id="job_pack_1"
    )


def source_frames(store: ProjectStore, build) -> dict[str, np.ndarray]:
    """Frame name -> the full, untrimmed RGBA image it was packed from, read back from the store.

    What an engine shows for a frame must equal this, pixel for pixel (trimmed borders are transparent)."""
    from assetgen.image_files import decode_rgba

    return {
        frame.name or frame.id: decode_rgba(store.resolve(frame.source_path).read_bytes())
        for frame in build.atlas.frames
    }


def place(region: np.ndarray, *, left: int, top: int, width: int, height: int) -> np.ndarray:
    """``region`` pasted at (left, top) on a transparent ``width x height`` canvas: a frame as an engine draws it."""
    canvas = np.zeros((height, width, 4), np.uint8)
    canvas[top : top + region.shape[0], left : left + region.shape[1]] = region
    return canvas
