"""Terrain tilesets: two seamless terrain tiles -> a Wang 2-corner set of 16 tiles (``wang2corner``) or the
47-tile blob set plus its background (``blob47``), whose legal shared edges are pixel-identical, packed
as one atlas with per-tile corner (neighbour) bits.

The steps: compose every tile from corner masks (edges exact by construction), optionally regenerate each
tile's transition band with an inpainting callback (ComfyUI: VAEEncode + SetLatentNoiseMask + KSampler
through Make Tileable, in the orchestrator), then put the outer ring back exactly and measure the edges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.image_files import as_rgba
from assetgen.imaging.blob import (
    BLOB_NOISE,
    BlobBits,
    blob_edge_mismatch_pixels,
    blob_mask,
    blob_table,
    compose_blob_tiles,
)
from assetgen.imaging.seams import measure_seams
from assetgen.imaging.tileset import (
    CornerBits,
    band_weight,
    compose_tile,
    compose_wang_tiles,
    corner_mask,
    corner_table,
    edge_mismatch_pixels,
    pack_tileset,
    periodic_noise,
    restore_ring,
    transition_band,
)

# (tiles, band masks) -> the tiles with their bands regenerated; only the band is taken (feathered towards its
# edge), and the ring is restored afterwards whatever the regenerator did.
BandRegenerator = Callable[[list[np.ndarray], list[np.ndarray]], list[np.ndarray]]
LAYOUTS = ("wang2corner", "blob47")
COLUMNS = {"wang2corner": 4, "blob47": 8}


@dataclass(frozen=True)
class Tileset:
    """A finished set: ``tiles[i]`` has ``bits[i]`` (corner bits, or a blob tile's neighbour bits; the
    blob set's last tile is the background and has ``None``)."""

    terrains: tuple[str, str]
    tile_px: int
    ring_px: int
    tiles: tuple[np.ndarray, ...]
    bits: tuple[CornerBits | BlobBits | None, ...]
    atlas: np.ndarray
    edge_mismatch_px: int
    terrain_seam_ratios: tuple[float, ...]
    regenerated_band_px: int = 0
    layout: str = "wang2corner"

    @property
    def columns(self) -> int:
        """Tiles per atlas row."""
        return COLUMNS[self.layout]

    def tile_entries(self) -> list[dict]:
        """Per tile: its index and bits (``corners`` for wang2corner; ``neighbours`` and ``mask`` for blob47,
        ``background: true`` for the blob set's terrain-0 tile)."""
        entries: list[dict] = []
        for index, bits in enumerate(self.bits):
            if isinstance(bits, CornerBits):
                entries.append({"index": index, "corners": bits.as_dict()})
            elif isinstance(bits, BlobBits):
                entries.append({"index": index, "mask": bits.mask, "neighbours": bits.as_dict()})
            else:
                entries.append({"index": index, "background": True})
        return entries

    def record(self) -> dict:
        """JSON-ready summary: terrains, sizes, the measured edges and every tile's bits."""
        return {
            "layout": self.layout,
            "terrains": list(self.terrains),
            "tilePx": self.tile_px,
            "ringPx": self.ring_px,
            "columns": self.columns,
            "edgeMismatchPx": self.edge_mismatch_px,
            "terrainSeamRatioMax": round(max(self.terrain_seam_ratios), 4),
            "regeneratedBandPx": self.regenerated_band_px,
            "tiles": self.tile_entries(),
        }


def compose_tiles(
    terrain0: np.ndarray, terrain1: np.ndarray, *, layout: str, ring_px: int, noise_seed: int = 0
) -> list[np.ndarray]:
    """The tiles of ``layout`` composed from corner (neighbour) masks, in index order, before inpainting."""
    if layout not in LAYOUTS:
        raise InvalidInput(f"unknown tileset layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    if layout == "blob47":
        return compose_blob_tiles(terrain0, terrain1, ring_px=ring_px, noise_seed=noise_seed)
    return compose_wang_tiles(terrain0, terrain1, ring_px=ring_px, noise_seed=noise_seed)


def build_tileset(
    terrain0: np.ndarray,
    terrain1: np.ndarray,
    *,
    terrains: tuple[str, str] = ("terrain0", "terrain1"),
    ring_px: int = 2,
    noise_seed: int = 0,
    regenerate: BandRegenerator | None = None,
    layout: str = "wang2corner",
) -> Tileset:
    """Compose (and optionally inpaint) the tiles of ``layout`` from two seamless terrain tiles of the same
    square size.

    Raises InvalidInput when the terrains differ in size or the finished set has a differing shared edge.
    """
    t0, t1 = as_rgba(terrain0), as_rgba(terrain1)
    tiles = compose_tiles(t0, t1, layout=layout, ring_px=ring_px, noise_seed=noise_seed)
    size = t0.shape[0]
    band_px = 0
    if regenerate is not None:
        bands = tileset_bands(size_px=size, ring_px=ring_px, noise_seed=noise_seed, layout=layout)
        regenerated = regenerate(list(tiles), bands)
        if len(regenerated) != len(tiles):
            raise InvalidInput(f"the band regenerator returned {len(regenerated)} tiles for {len(tiles)}")
        tiles = [
            restore_ring(compose_tile(tile, as_rgba(new), band_weight(band)), tile, ring_px=ring_px)
            for tile, new, band in zip(tiles, regenerated, bands, strict=True)
        ]
        band_px = int(sum(int(band.sum()) for band in bands))
    if layout == "blob47":
        mismatch = blob_edge_mismatch_pixels(tiles, ring_px=ring_px)
        bits: tuple[CornerBits | BlobBits | None, ...] = (*blob_table(), None)
    else:
        mismatch = edge_mismatch_pixels(tiles, ring_px=ring_px)
        bits = tuple(corner_table())
    if mismatch:
        raise InvalidInput(f"tileset edges differ in {mismatch} pixel(s): the outer ring was not kept")
    ratios = tuple(m.ratio for terrain in (t0, t1) for m in measure_seams(terrain))
    return Tileset(
        terrains=terrains,
        tile_px=size,
        ring_px=ring_px,
        tiles=tuple(tiles),
        bits=bits,
        atlas=pack_tileset(tiles, columns=COLUMNS[layout]),
        edge_mismatch_px=mismatch,
        terrain_seam_ratios=ratios,
        regenerated_band_px=band_px,
        layout=layout,
    )


def band_mask_rgba(tile: np.ndarray, band: np.ndarray) -> np.ndarray:
    """The tile as ComfyUI's LoadImage should receive it for inpainting: alpha 0 on the band (LoadImage's
    MASK is 1 - alpha, so the band is what SetLatentNoiseMask lets the sampler repaint)."""
    out = as_rgba(tile).copy()
    out[:, :, 3] = np.where(band, 0, 255).astype(np.uint8)
    return out


def band_inpaint_prompt(
    *,
    checkpoint_file: str,
    image_name: str,
    positive: str,
    negative: str,
    seed: int,
    steps: int,
    cfg: float,
    sampler: str,
    scheduler: str,
    denoise: float = 1.0,
    prefix: str = "assetgen_band",
) -> dict:
    """The API-format ComfyUI graph that repaints a tile's transition band: LoadImage -> VAEEncode (through
    Make Tileable, so the band may wrap) -> SetLatentNoiseMask -> KSampler -> VAEDecode -> SaveImage.
    Only core nodes plus Make Tileable; every node has a unique title."""

    def node(class_type: str, title: str, **inputs) -> dict:
        return {"class_type": class_type, "_meta": {"title": title}, "inputs": inputs}

    return {
        "1": node("CheckpointLoaderSimple", "Checkpoint", ckpt_name=checkpoint_file),
        "2": node("AssetGenMakeTileable", "Make Tileable", model=["1", 0], vae=["1", 2], axes="both"),
        "3": node("CLIPTextEncode", "Positive", text=positive, clip=["1", 1]),
        "4": node("CLIPTextEncode", "Negative", text=negative, clip=["1", 1]),
        "5": node("LoadImage", "Tile", image=image_name),
        "6": node("VAEEncode", "Encode", pixels=["5", 0], vae=["2", 1]),
        "7": node("SetLatentNoiseMask", "Band Mask", samples=["6", 0], mask=["5", 1]),
        "8": node(
            "KSampler",
            "Sampler",
            model=["2", 0],
            positive=["3", 0],
            negative=["4", 0],
            latent_image=["7", 0],
            seed=seed,
            steps=steps,
            cfg=cfg,
            sampler_name=sampler,
            scheduler=scheduler,
            denoise=denoise,
        ),
        "9": node("VAEDecode", "Decode", samples=["8", 0], vae=["2", 1]),
        "10": node("SaveImage", "Save", images=["9", 0], filename_prefix=prefix),
    }


def tileset_bands(
    *, size_px: int, ring_px: int, noise_seed: int, layout: str = "wang2corner"
) -> list[np.ndarray]:
    """The transition band of every tile (bool masks, index order; empty for pure tiles)."""
    if layout == "blob47":
        noise = periodic_noise(size_px, seed=noise_seed, amplitude=BLOB_NOISE)
        masks = [blob_mask(bits, size_px=size_px, ring_px=ring_px, noise=noise) for bits in blob_table()]
        masks.append(np.zeros((size_px, size_px)))
    else:
        noise = periodic_noise(size_px, seed=noise_seed)
        masks = [corner_mask(bits, size_px=size_px, ring_px=ring_px, noise=noise) for bits in corner_table()]
    return [transition_band(mask, ring_px=ring_px) for mask in masks]
