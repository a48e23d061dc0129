"""A stored anchor-frame version built in code (no ComfyUI): mannequin frames as originals, an anchor."""

from __future__ import annotations

import numpy as np

from assetgen.image_files import encode_png
from assetgen.imaging.poses import pose_guides
from assetgen.models import Asset, AssetVersion, Variant
from assetgen.store import ProjectStore

ASSET = "hero_knight_walk"


def recolour(image: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """The mannequin's dark pixels painted ``colour`` (a character in its own colours)."""
    out = image.copy()
    dark = out[:, :, :3].max(axis=2) < 150
    out[dark, :3] = colour
    return out


def store_frames(
    store: ProjectStore,
    *,
    frames: int = 4,
    directions: tuple[str, ...] = ("e", "w"),
    shift_px: dict[str, int] | None = None,
    odd: str | None = None,
) -> AssetVersion:
    """Write an anchor variant and a frames version of ``ASSET`` in project ``demo``. ``shift_px`` moves
    frames (by name) down by that many px (a hopping strip); ``odd`` names a frame drawn in other colours."""
    shift_px = shift_px or {}
    guides = pose_guides("walk", frames=frames, directions=list(directions), width=96, height=96)
    anchor_path = store.write_file(
        store.image_path("demo", ASSET, "original", "anchor-v1"),
        encode_png(recolour(guides[0].mannequin, (150, 40, 40))),
    )
    variants = []
    for guide in guides:
        name = f"walk_{guide.direction.name}_{guide.index:02d}"
        colour = (40, 150, 40) if name == odd else (150, 40, 40)
        image = recolour(guide.mannequin, colour)
        image = np.roll(image, shift_px.get(name, 0), axis=0)
        alpha = image.copy()
        alpha[:, :, 3] = np.where(image[:, :, :3].max(axis=2) < 200, 255, 0)
        variant_id = f"frames-{name}"
        original = store.write_file(
            store.image_path("demo", ASSET, "original", variant_id), encode_png(image)
        )
        alpha_path = store.write_file(store.image_path("demo", ASSET, "alpha", variant_id), encode_png(alpha))
        variants.append(
            Variant(
                id=variant_id,
                original_path=original,
                alpha_path=alpha_path,
                seed=7,
                metadata={
                    "frame": {
                        "name": name,
                        "animation": f"walk_{guide.direction.name}",
                        "direction": guide.direction.name,
                        "index": guide.index,
                        "count": frames,
                        "pose": "walk",
                        "mirrored": guide.direction.is_mirrored,
                        "mirrorOf": f"walk_e_{guide.index:02d}" if guide.direction.is_mirrored else None,
                        "rootX": guide.frame.root_px[0],
                        "groundY": guide.frame.ground_y_px + shift_px.get(name, 0),
                    }
                },
            )
        )
    anchor = AssetVersion(
        id="anchor",
        primary_variant_id="anchor-v1",
        variants=[Variant(id="anchor-v1", original_path=anchor_path, seed=7)],
    )
    version = AssetVersion(
        id="frames-job", variants=variants, generation={"anchor": {"variantId": "anchor-v1", "seed": 7}}
    )
    store.write(
        "demo",
        "assets",
        Asset(
            id=ASSET,
            project_id="demo",
            spec_id=ASSET,
            created_at="2026-11-28T00:00:00Z",
            versions=[anchor, version],
        ),
    )
    return version
