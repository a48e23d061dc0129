"""Wang 2-corner terrain tilesets: the corner-bit table, corner masks, composition and the edge check.

A tile's four corners each belong to terrain 0 or terrain 1; bit values ``NW=1, NE=2, SW=4, SE=8`` make
the tile index (0 = all terrain 0, 15 = all terrain 1), so the 16 tiles cover every combination. Two tiles
are legal neighbours when the corners they share agree (left/right: A.NE = B.NW and A.SE = B.SW).

Composition makes shared edges exact by construction: both terrains are seamless tiles of the same size,
every tile takes its pixel at (x, y) from the same position of the two terrains, and the blend mask on
the outer ring (``ring_px`` wide) depends only on the corners of that edge (a corner square only on its
corner). So the seam band of a legal pair is the same for every pair with those corner bits, and across
the seam the terrains continue as they do in their own wrap-around.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.image_files import as_rgba

NW, NE, SW, SE = 1, 2, 4, 8
CORNERS = (("nw", NW), ("ne", NE), ("sw", SW), ("se", SE))
WANG_2CORNER_TILES = 16


@dataclass(frozen=True)
class CornerBits:
    """The terrain (0 or 1) of each corner of one tile."""

    nw: int
    ne: int
    sw: int
    se: int

    @property
    def index(self) -> int:
        """The tile index: NW=1, NE=2, SW=4, SE=8."""
        return self.nw * NW + self.ne * NE + self.sw * SW + self.se * SE

    def as_dict(self) -> dict[str, int]:
        """{"nw": 0|1, "ne": ..., "sw": ..., "se": ...} (frame data in exports)."""
        return {"nw": self.nw, "ne": self.ne, "sw": self.sw, "se": self.se}


def corner_bits(index: int) -> CornerBits:
    """The corners of tile ``index`` (0..15)."""
    if not 0 <= index < WANG_2CORNER_TILES:
        raise InvalidInput(f"a Wang 2-corner tile index is 0..15, got {index}")
    return CornerBits(*(int(bool(index & bit)) for _, bit in CORNERS))


def corner_table() -> list[CornerBits]:
    """All 16 tiles in index order."""
    return [corner_bits(i) for i in range(WANG_2CORNER_TILES)]


def can_join_horizontally(left: CornerBits, right: CornerBits) -> bool:
    """True when ``right`` may sit right of ``left`` (their shared corners agree)."""
    return left.ne == right.nw and left.se == right.sw


def can_join_vertically(top: CornerBits, bottom: CornerBits) -> bool:
    """True when ``bottom`` may sit under ``top``."""
    return top.sw == bottom.nw and top.se == bottom.ne


def legal_pairs() -> Iterator[tuple[str, int, int]]:
    """Every legal neighbour pair as ("h" | "v", first index, second index)."""
    table = corner_table()
    for a in table:
        for b in table:
            if can_join_horizontally(a, b):
                yield "h", a.index, b.index
            if can_join_vertically(a, b):
                yield "v", a.index, b.index


def _ramp(size_px: int, ring_px: int) -> np.ndarray:
    """0 on the first ``ring_px`` pixels, 1 on the last ``ring_px``, linear in between."""
    inner = max(size_px - 2 * ring_px - 1, 1)
    return np.clip((np.arange(size_px, dtype=np.float64) - ring_px) / inner, 0.0, 1.0)


def periodic_noise(size_px: int, *, seed: int, amplitude: float = 0.25) -> np.ndarray:
    """A smooth noise field that wraps around (the same for every tile of a set), in -amplitude..amplitude."""
    rng = np.random.default_rng(seed)
    field = rng.normal(size=(size_px, size_px))
    for _ in range(max(size_px // 8, 2)):
        field = (
            field
            + np.roll(field, 1, 0)
            + np.roll(field, -1, 0)
            + np.roll(field, 1, 1)
            + np.roll(field, -1, 1)
        ) / 5
    peak = float(np.abs(field).max()) or 1.0
    return field / peak * amplitude


def corner_mask(
    bits: CornerBits, *, size_px: int, ring_px: int, noise: np.ndarray, sharpness: float = 6.0
) -> np.ndarray:
    """Where terrain 1 shows (0..1, float) in tile ``bits``.

    Bilinear interpolation of the corner bits with the ramp held flat on the outer ring, so a ring row or
    column only sees the two corners of its edge (a ring corner square only its corner), plus a shared
    noise field for an organic boundary, sharpened and clipped.
    """
    ramp = _ramp(size_px, ring_px)
    v, u = np.meshgrid(ramp, ramp, indexing="ij")
    bilinear = bits.nw * (1 - u) * (1 - v) + bits.ne * u * (1 - v) + bits.sw * (1 - u) * v + bits.se * u * v
    return np.clip((bilinear - 0.5) * sharpness + noise * sharpness / 2 + 0.5, 0.0, 1.0)


def compose_tile(terrain0: np.ndarray, terrain1: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """terrain0 where ``mask`` is 0, terrain1 where it is 1, blended between (uint8 RGBA)."""
    a, b = as_rgba(terrain0).astype(np.float64), as_rgba(terrain1).astype(np.float64)
    if a.shape != b.shape or a.shape[:2] != mask.shape:
        raise InvalidInput(f"terrains and mask differ in size: {a.shape}, {b.shape}, {mask.shape}")
    return np.rint(a + (b - a) * mask[:, :, None]).astype(np.uint8)


def compose_wang_tiles(
    terrain0: np.ndarray, terrain1: np.ndarray, *, ring_px: int = 2, noise_seed: int = 0
) -> list[np.ndarray]:
    """The 16 tiles of a Wang 2-corner set, in index order, from two seamless square terrain tiles."""
    t0, t1 = as_rgba(terrain0), as_rgba(terrain1)
    size = t0.shape[0]
    if t0.shape != t1.shape or t0.shape[0] != t0.shape[1]:
        raise InvalidInput(
            f"terrains must be square and the same size, got {t0.shape[:2]} and {t1.shape[:2]}"
        )
    if not 1 <= ring_px <= size // 4:
        raise InvalidInput(f"ring_px must be 1..{size // 4} for {size}px tiles, got {ring_px}")
    noise = periodic_noise(size, seed=noise_seed)
    return [
        compose_tile(t0, t1, corner_mask(bits, size_px=size, ring_px=ring_px, noise=noise))
        for bits in corner_table()
    ]


def transition_band(mask: np.ndarray, *, ring_px: int, grow_px: int = 2) -> np.ndarray:
    """Pixels to regenerate: where the mask blends (grown by ``grow_px``), never the outer ring (bool)."""
    band = (mask > 0.0) & (mask < 1.0)
    for _ in range(grow_px):
        band = band | np.roll(band, 1, 0) | np.roll(band, -1, 0) | np.roll(band, 1, 1) | np.roll(band, -1, 1)
    band[:ring_px] = band[-ring_px:] = False
    band[:, :ring_px] = band[:, -ring_px:] = False
    return band


def band_weight(band: np.ndarray, *, feather_px: int = 3) -> np.ndarray:
    """How much of a regenerated band to take (0..1): 1 deep inside the band, ramping down over
    ``feather_px`` towards its edge, exactly 0 outside it (so the ring can never change)."""
    weight = band.astype(np.float64)
    for _ in range(feather_px):  # erode-like ramp: each pass averages with the 4 neighbours
        weight = (
            weight
            + np.roll(weight, 1, 0)
            + np.roll(weight, -1, 0)
            + np.roll(weight, 1, 1)
            + np.roll(weight, -1, 1)
        ) / 5
    return np.where(band, weight, 0.0)


def restore_ring(tile: np.ndarray, composed: np.ndarray, *, ring_px: int) -> np.ndarray:
    """``tile`` with its outer ring put back exactly from ``composed`` (after inpainting)."""
    out = as_rgba(tile).copy()
    src = as_rgba(composed)
    out[:ring_px], out[-ring_px:] = src[:ring_px], src[-ring_px:]
    out[:, :ring_px], out[:, -ring_px:] = src[:, :ring_px], src[:, -ring_px:]
    return out


def _seam_band(first: np.ndarray, second: np.ndarray, direction: str, ring_px: int) -> np.ndarray:
    if direction == "h":
        return np.concatenate([first[:, -ring_px:], second[:, :ring_px]], axis=1)
    return np.concatenate([first[-ring_px:], second[:ring_px]], axis=0)


def _edge_key(direction: str, first: CornerBits, second: CornerBits) -> tuple[str, int, int]:
    return (direction, first.ne, first.se) if direction == "h" else (direction, first.sw, first.se)


def seam_band_mismatch(
    tiles: list[np.ndarray],
    pairs: Iterable[tuple[str, int, int]],
    key: Callable[[str, int, int], Hashable],
    *,
    ring_px: int,
) -> int:
    """Differing pixels between each pair's seam band and the band of the first pair with the same key."""
    images = [as_rgba(t) for t in tiles]
    reference: dict[Hashable, np.ndarray] = {}
    differing = 0
    for direction, a, b in pairs:
        band = _seam_band(images[a], images[b], direction, ring_px)
        k = key(direction, a, b)
        if k not in reference:
            reference[k] = band
            continue
        differing += int(np.any(band != reference[k], axis=2).sum())
    return differing


def edge_mismatch_pixels(tiles: list[np.ndarray], *, ring_px: int = 2) -> int:
    """Differing pixels over every legal neighbour pair's seam band (the ``ring_px`` columns/rows each
    side of the shared edge), compared with the first pair that shares the same corner bits; 0 = every
    shared edge is identical wherever it appears."""
    if len(tiles) != WANG_2CORNER_TILES:
        raise InvalidInput(f"a Wang 2-corner set has 16 tiles, got {len(tiles)}")
    return seam_band_mismatch(
        tiles,
        legal_pairs(),
        lambda direction, a, b: _edge_key(direction, corner_bits(a), corner_bits(b)),
        ring_px=ring_px,
    )


def pack_tileset(tiles: list[np.ndarray], *, columns: int = 4) -> np.ndarray:
    """One atlas image: tiles in index order, ``columns`` per row, no padding."""
    if not tiles:
        raise InvalidInput("no tiles to pack")
    size = as_rgba(tiles[0]).shape[0]
    rows = -(-len(tiles) // columns)
    atlas = np.zeros((rows * size, columns * size, 4), np.uint8)
    for index, tile in enumerate(tiles):
        y, x = divmod(index, columns)
        atlas[y * size : (y + 1) * size, x * size : (x + 1) * size] = as_rgba(tile)
    return atlas
