"""The 47-tile blob set: one tile per canonical 8-neighbour mask of a terrain-1 cell, plus the background.

A blob tile sits on a cell of terrain 1; its bits say which of the 8 neighbouring cells are terrain 1
(``N=1, NE=2, E=4, SE=8, S=16, SW=32, W=64, NW=128``). A corner bit only matters when both edges beside
it are set (canonical form), which leaves 47 distinct tiles; a terrain-0 cell takes the background tile
(pure terrain 0).

Edges are exact by construction, as in the corner set: both terrains are seamless tiles of the same size,
every tile takes pixel (x, y) from the same position of the two terrains, and the mask on the outer ring
follows fixed rules that only read what two neighbours share: an edge whose neighbour is terrain 0 is
pure terrain 0; otherwise the ring is terrain 1 except towards a corner whose canonical bit is 0, where a
fixed profile fades it to terrain 0 in the corner square.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.image_files import as_rgba
from assetgen.imaging.tileset import compose_tile, periodic_noise, seam_band_mismatch

N, NE, E, SE, S, SW, W, NW = 1, 2, 4, 8, 16, 32, 64, 128
DIRECTIONS = (("n", N), ("ne", NE), ("e", E), ("se", SE), ("s", S), ("sw", SW), ("w", W), ("nw", NW))
BLOB_TILES = 47
BLOB_NOISE = 0.05  # amplitude of the shared outline noise


def canonical(mask: int) -> int:
    """``mask`` with every corner bit cleared unless both edges beside it are set."""
    if not 0 <= mask <= 255:
        raise InvalidInput(f"a neighbour mask is 0..255, got {mask}")
    out = mask & (N | E | S | W)
    for corner, a, b in ((NE, N, E), (SE, S, E), (SW, S, W), (NW, N, W)):
        if mask & corner and mask & a and mask & b:
            out |= corner
    return out


@dataclass(frozen=True)
class BlobBits:
    """The canonical neighbour mask of one blob tile."""

    mask: int

    def has(self, bit: int) -> int:
        """1 when the neighbour ``bit`` is terrain 1, else 0."""
        return int(bool(self.mask & bit))

    def as_dict(self) -> dict[str, int]:
        """{"n": 0|1, "ne": ..., ..., "nw": ...}."""
        return {name: self.has(bit) for name, bit in DIRECTIONS}


def blob_table() -> list[BlobBits]:
    """The 47 canonical masks in ascending order (index = position in this list)."""
    return [BlobBits(m) for m in sorted({canonical(m) for m in range(256)})]


def _blob_legal(a: BlobBits, b: BlobBits, direction: str) -> bool:
    """Can ``b`` sit right of (h) / under (v) ``a``, both on terrain-1 cells? The shared corner cells
    decide both tiles' corner bits: a.NE = b.NW = (a.N and b.N) for h, and so on."""
    if direction == "h":
        return (
            a.has(E) == 1
            and b.has(W) == 1
            and a.has(NE) == b.has(NW) == (a.has(N) & b.has(N))
            and a.has(SE) == b.has(SW) == (a.has(S) & b.has(S))
        )
    return (
        a.has(S) == 1
        and b.has(N) == 1
        and a.has(SW) == b.has(NW) == (a.has(W) & b.has(W))
        and a.has(SE) == b.has(NE) == (a.has(E) & b.has(E))
    )


def blob_legal_pairs() -> Iterator[tuple[str, int, int]]:
    """Legal neighbour pairs of blob tiles (indices into :func:`blob_table`); index 47 is the background,
    legal next to every tile whose edge on that side is 0."""
    table = blob_table()
    background = len(table)
    for i, a in enumerate(table):
        for j, b in enumerate(table):
            for direction in ("h", "v"):
                if _blob_legal(a, b, direction):
                    yield direction, i, j
        if not a.has(E):
            yield "h", i, background
        if not a.has(W):
            yield "h", background, i
        if not a.has(S):
            yield "v", i, background
        if not a.has(N):
            yield "v", background, i
    yield "h", background, background
    yield "v", background, background


def _edge_profile(size_px: int, ring_px: int) -> np.ndarray:
    """Along an edge, from one corner to the other: 0 in the corner squares, rising to 1 by a third of the
    way (the shape of the notch a missing corner leaves)."""
    t = np.arange(size_px, dtype=np.float64)
    distance = np.minimum(t, size_px - 1 - t)  # from the nearer corner
    ramp = np.clip((distance - ring_px + 1) / max(size_px / 4 - ring_px, 1.0), 0.0, 1.0)
    return ramp


def blob_mask(bits: BlobBits, *, size_px: int, ring_px: int, noise: np.ndarray) -> np.ndarray:
    """Where terrain 1 shows (0..1) in blob tile ``bits``: a centre blob with arms towards set edges and
    filled set corners (noise for an organic outline), and the outer ring by the exact edge rules."""
    size = size_px
    coords = (np.arange(size, dtype=np.float64) + 0.5) / size - 0.5  # -0.5 .. 0.5
    yy, xx = np.meshgrid(coords, coords, indexing="ij")
    field = 0.30 - np.sqrt(xx**2 + yy**2)  # centre disk, radius 0.3 of the tile
    arm = 0.22  # half width of an arm
    arms = (
        (N, (yy <= 0) & (np.abs(xx) <= arm), np.abs(xx)),
        (S, (yy >= 0) & (np.abs(xx) <= arm), np.abs(xx)),
        (E, (xx >= 0) & (np.abs(yy) <= arm), np.abs(yy)),
        (W, (xx <= 0) & (np.abs(yy) <= arm), np.abs(yy)),
    )
    for bit, inside, across in arms:
        if bits.has(bit):
            field = np.maximum(field, np.where(inside, arm - across, -1.0))
    for bit, sx, sy in ((NE, 1, -1), (SE, 1, 1), (SW, -1, 1), (NW, -1, -1)):
        if bits.has(bit):
            field = np.maximum(field, np.minimum(xx * sx, yy * sy))
    mask = np.clip(field * 8.0 + noise * 2.0 + 0.5, 0.0, 1.0)

    profile = _edge_profile(size, ring_px)
    fade_px = max(size / 5.0, ring_px + 1.0)
    depth = np.arange(size, dtype=np.float64)
    for side, bit, corners in (
        ("n", N, (NW, NE)),
        ("s", S, (SW, SE)),
        ("w", W, (NW, SW)),
        ("e", E, (NE, SE)),
    ):
        if not bits.has(bit):
            line = np.zeros(size)
        else:
            line = np.ones(size)
            if not bits.has(corners[0]):
                line[: size // 2] = profile[: size // 2]
            if not bits.has(corners[1]):
                line[size // 2 :] = profile[size // 2 :]
        # Near the edge the mask follows the edge's line (exactly on the ring, blending inwards), so the
        # interior meets the ring without a step.
        inward = depth if side in ("n", "w") else depth[::-1]
        weight = np.clip(1.0 - (inward - ring_px) / (fade_px - ring_px), 0.0, 1.0)
        if side in ("n", "s"):
            mask = mask * (1 - weight[:, None]) + line[None, :] * weight[:, None]
        else:
            mask = mask * (1 - weight[None, :]) + line[:, None] * weight[None, :]
    # Ring corner squares: terrain 1 only when the corner cell and both edge cells are terrain 1.
    for bit, ys, xs in (
        (NW, slice(0, ring_px), slice(0, ring_px)),
        (NE, slice(0, ring_px), slice(size - ring_px, size)),
        (SW, slice(size - ring_px, size), slice(0, ring_px)),
        (SE, slice(size - ring_px, size), slice(size - ring_px, size)),
    ):
        mask[ys, xs] = float(bits.has(bit))
    return mask


def blob_edge_key(bits: BlobBits | None, direction: str) -> tuple[str, int, int, int]:
    """What the first tile of a pair shows on the shared edge (None = the background): the edge bit and
    its two corner bits; every pair with the same key has the same seam band."""
    if bits is None:
        return (direction, 0, 0, 0)
    if direction == "h":
        return (direction, bits.has(E), bits.has(NE), bits.has(SE))
    return (direction, bits.has(S), bits.has(SW), bits.has(SE))


def compose_blob_tiles(
    terrain0: np.ndarray, terrain1: np.ndarray, *, ring_px: int = 2, noise_seed: int = 0
) -> list[np.ndarray]:
    """The 47 blob tiles (in :func:`blob_table` order) followed by the background tile (48 in all)."""
    terrain0, terrain1 = as_rgba(terrain0), as_rgba(terrain1)
    if terrain0.shape != terrain1.shape or terrain0.shape[0] != terrain0.shape[1]:
        raise InvalidInput(
            f"terrains must be square and the same size, got {terrain0.shape[:2]} and {terrain1.shape[:2]}"
        )
    size = terrain0.shape[0]
    if not 1 <= ring_px <= size // 8:
        raise InvalidInput(f"ring_px must be 1..{size // 8} for {size}px blob tiles, got {ring_px}")
    noise = periodic_noise(size, seed=noise_seed, amplitude=BLOB_NOISE)
    tiles = [
        compose_tile(terrain0, terrain1, blob_mask(bits, size_px=size, ring_px=ring_px, noise=noise))
        for bits in blob_table()
    ]
    return [*tiles, compose_tile(terrain0, terrain1, np.zeros((size, size)))]


def blob_edge_mismatch_pixels(tiles: list[np.ndarray], *, ring_px: int = 2) -> int:
    """Differing pixels over every legal pair's seam band against the first pair with the same edge key
    (48 tiles: the 47 blob tiles and the background); 0 = every shared edge is identical."""
    table = blob_table()
    if len(tiles) != len(table) + 1:
        raise InvalidInput(f"a blob set has {len(table) + 1} tiles (47 + background), got {len(tiles)}")

    def key(direction: str, first: int, _second: int) -> tuple:
        return blob_edge_key(table[first] if first < len(table) else None, direction)

    return seam_band_mismatch(tiles, blob_legal_pairs(), key, ring_px=ring_px)
