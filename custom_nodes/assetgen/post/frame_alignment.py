"""The alignment step: after background removal, all frames of an animated asset (every direction) share
one scale, one baseline and one root x, and the pivot goes with them into the atlas.

Frames made by the anchor path carry their pose's root x and ground line (``metadata.frame``); other
frames are aligned on their opaque boxes. The aligned cut-outs replace the alpha images (same files,
cell-sized), and each frame records the shared pivot under ``metadata.frame.alignment``.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from assetgen.errors import InvalidInput, NotFound
from assetgen.ids import default_atlas_id
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.contact_sheet import contact_sheet
from assetgen.imaging.frame_alignment import align_frames, strip_jitter
from assetgen.imaging.poses import pose_guides
from assetgen.models import Asset, AssetSpec, Job
from assetgen.models.atlas import AtlasAnimation
from assetgen.models.job import FramesReviewInput
from assetgen.post.atlas_build import FrameSource, build_atlas
from assetgen.review.autopilot import export_profiles_for, spawn_follow_up
from assetgen.store import ProjectStore, asset_lock

log = logging.getLogger(__name__)


def align_version_frames(
    store: ProjectStore, project_id: str, asset_id: str, version_id: str, *, padding_px: int = 1
) -> dict[str, Any]:
    """Align every cut-out frame of ``version_id`` on one pivot; returns the pivot, cell and jitter."""
    asset: Asset = store.read(project_id, "assets", asset_id)
    version = next((v for v in asset.versions if v.id == version_id), None)
    if version is None:
        raise NotFound(f"asset {asset_id!r} has no version {version_id!r}")
    variants = [v for v in version.variants if v.alpha_path]
    if not variants:
        raise InvalidInput(f"asset {asset_id!r} version {version_id!r} has no cut-outs; run bg_remove first")
    frames = [read_rgba(store.resolve(v.alpha_path or "")) for v in variants]
    records = [(v.metadata or {}).get("frame") or {} for v in variants]
    roots = [r.get("rootX") for r in records]
    grounds = [r.get("groundY") for r in records]
    before = strip_jitter(frames)
    strip = align_frames(frames, root_x_px=roots, ground_y_px=grounds, padding_px=padding_px)
    # After the move, a frame's root is its pose root (or box centre) shifted by the frame's offset.
    moved_roots = [None if r is None else r + dx for r, (dx, _) in zip(roots, strip.offsets_px, strict=True)]
    after = strip_jitter(strip.frames, root_x_px=moved_roots)
    for variant, image in zip(variants, strip.frames, strict=True):
        store.write_file(store.image_path(project_id, asset_id, "alpha", variant.id), encode_png(image))
    alignment = {
        "pivotX": round(strip.pivot_x, 6),
        "pivotY": round(strip.pivot_y, 6),
        "cellW": strip.cell_w_px,
        "cellH": strip.cell_h_px,
        "rootXPx": strip.root_x_px,
        "baselinePx": strip.baseline_px,
    }
    with asset_lock(store, project_id, asset_id):
        latest: Asset = store.read(project_id, "assets", asset_id)
        by_id = {v.id: offset for v, offset in zip(variants, strip.offsets_px, strict=True)}
        for item in latest.versions:
            if item.id != version_id:
                continue
            for variant in item.variants:
                if variant.id in by_id:
                    metadata = dict(variant.metadata or {})
                    frame = dict(metadata.get("frame") or {})
                    frame["alignment"] = {**alignment, "offsetPx": list(by_id[variant.id])}
                    metadata["frame"] = frame
                    variant.metadata = metadata
        store.write(project_id, "assets", latest)
    log.info(
        "project=%s asset=%s version=%s aligned frames=%d jitter before=%s after=%s",
        project_id,
        asset_id,
        version_id,
        len(frames),
        before,
        after,
    )
    return {
        **alignment,
        "frames": len(frames),
        "jitterBefore": {"baselinePx": before.baseline_px, "rootPx": before.root_px},
        "jitterAfter": {"baselinePx": after.baseline_px, "rootPx": after.root_px},
    }


def frame_sources(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    version_id: str,
    *,
    fps: float = 12,
    loop: bool = True,
) -> tuple[list[FrameSource], list[AtlasAnimation]]:
    """Atlas sources (named frames with the shared pivot) and one animation per direction, in frame order."""
    asset: Asset = store.read(project_id, "assets", asset_id)
    version = next((v for v in asset.versions if v.id == version_id), None)
    if version is None:
        raise NotFound(f"asset {asset_id!r} has no version {version_id!r}")
    sources, animations = [], {}
    for variant in version.variants:
        frame = (variant.metadata or {}).get("frame")
        if not frame:
            continue
        alignment = frame.get("alignment") or {}
        sources.append(
            FrameSource(
                asset_id=asset_id,
                variant_id=variant.id,
                name=frame["name"],
                pivot_x=float(alignment.get("pivotX", 0.5)),
                pivot_y=float(alignment.get("pivotY", 1.0)),
            )
        )
        animations.setdefault(frame["animation"], []).append((frame["index"], frame["name"]))
    return sources, [
        AtlasAnimation(name=name, frames=[n for _, n in sorted(items)], fps=fps, loop=loop)
        for name, items in animations.items()
    ]


def strip_with_guides(store: ProjectStore, project_id: str, asset_id: str, version_id: str) -> np.ndarray:
    """A picture of an anchor-frame version: per animation, its pose guides (mannequins) in frame order,
    then the generated frames under them (cut-outs when there are, else the originals)."""
    asset: Asset = store.read(project_id, "assets", asset_id)
    version = next((v for v in asset.versions if v.id == version_id), None)
    if version is None:
        raise NotFound(f"asset {asset_id!r} has no version {version_id!r}")
    rows: dict[str, list[tuple[int, str, np.ndarray, np.ndarray]]] = {}
    for variant in version.variants:
        frame = (variant.metadata or {}).get("frame")
        if not frame:
            continue
        image = read_rgba(store.resolve(variant.alpha_path or variant.original_path))
        original = read_rgba(store.resolve(variant.original_path))
        height, width = original.shape[:2]
        guide = pose_guides(
            frame["pose"], frames=frame["count"], directions=[frame["direction"]], width=width, height=height
        )[frame["index"]]
        rows.setdefault(frame["animation"], []).append(
            (frame["index"], frame["name"], guide.mannequin, image)
        )
    items: list[tuple[str, np.ndarray]] = []
    columns = 1
    for name in sorted(rows):
        frames = sorted(rows[name], key=lambda item: item[0])
        columns = max(columns, len(frames))
        items += [(f"pose {n.rsplit('_', 1)[-1]}", guide) for _, n, guide, _ in frames]
        items += [(n, image) for _, n, _, image in frames]
    return contact_sheet(items, cell_px=96, columns=columns)


def align_and_pack(store: ProjectStore, job: Job, request: FramesReviewInput) -> dict[str, Any]:
    """What a ``frames_align`` job does: one pivot for every frame (all directions), the atlas with one
    animation per direction, then one export per profile."""
    spec: AssetSpec = store.read(job.project_id, "specs", request.spec_id)
    alignment = align_version_frames(store, job.project_id, spec.id, request.version_id)
    anim = spec.output.animation if spec.output and spec.output.animation else None
    sources, animations = frame_sources(
        store,
        job.project_id,
        spec.id,
        request.version_id,
        fps=anim.fps if anim else 12,
        loop=anim.loop if anim else True,
    )
    atlas_id = default_atlas_id(spec.id)
    built = build_atlas(store, job.project_id, atlas_id, sources, animations=animations, job_id=job.id)
    profiles = export_profiles_for(store, job.project_id, request.export_profiles)
    spawned = [
        spawn_follow_up(store, job, 100 + i, "export", {"profileId": p, "atlasIds": [atlas_id]})
        for i, p in enumerate(profiles)
    ]
    return {
        "alignment": alignment,
        "atlasId": built.atlas.id,
        "animations": [a.name for a in built.atlas.animations],
        "spawnedJobIds": spawned,
    }
