"""Shared helpers for the worker tests: sprite assets made in code, and reading job intervals."""

from __future__ import annotations

import numpy as np

from assetgen.clock import ms_from_iso
from assetgen.image_files import encode_png
from assetgen.models import Asset, AssetVersion, Job, Variant
from assetgen.store import ProjectStore


def sprite(seed: int, size: int = 48) -> np.ndarray:
    """A filled ellipse on a flat light background (what the demo model draws, in miniature)."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:size, 0:size]
    rgba = np.full((size, size, 4), (240, 240, 236, 255), np.uint8)
    inside = ((ys - size / 2) / (size * 0.3)) ** 2 + ((xs - size / 2) / (size * 0.25)) ** 2 <= 1
    rgba[inside, :3] = rng.integers(20, 160, 3)
    return rgba


def add_sprite_asset(store: ProjectStore, project_id: str, asset_id: str, *, variants: int = 2) -> Asset:
    """An asset with one approved version whose variants are sprites on disk."""
    items = []
    for index in range(variants):
        variant_id = f"{asset_id}-v{index + 1}"
        path = store.write_file(
            store.image_path(project_id, asset_id, "original", variant_id),
            encode_png(sprite(index + len(asset_id))),
        )
        items.append(Variant(id=variant_id, original_path=path, status="selected"))
    asset = Asset(
        id=asset_id,
        project_id=project_id,
        versions=[
            AssetVersion(
                id=f"{asset_id}-ver", status="approved", primary_variant_id=items[0].id, variants=items
            )
        ],
    )
    store.write(project_id, "assets", asset)
    return asset


def max_overlap(jobs: list[Job]) -> int:
    """The largest number of jobs whose [startedAt, finishedAt] intervals overlap at one instant."""
    events = []
    for job in jobs:
        events.append((ms_from_iso(job.started_at), 1))
        events.append((ms_from_iso(job.finished_at), -1))
    running = peak = 0
    for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
        running += delta
        peak = max(peak, running)
    return peak
