"""Exact pixel art: one grid, one palette, binary alpha, made true by construction and measured.

The pipeline (``pixelate``) on an RGBA image made at a higher resolution:

1. **Grid.** A given target size, a given cell size (source px per logical pixel), or ``detect_grid``:
   colour changes between neighbouring columns/rows, minus the noise floor (their median), are summed
   per boundary position; the largest cell size whose boundaries (at the best offset) carry the edge
   energy on both axes is the grid (sharp edges first, then edges blurred over 3 px).
2. **Downscale per cell by a robust colour.** Each logical pixel is the block of source pixels it
   covers. It is opaque when at least ``coverage`` (default half) of them have alpha >= the alpha
   threshold; its colour is taken from those opaque pixels only (so the colour of removed background
   never leaks in): ``median`` = the cell's pixel nearest to the per-channel OKLab median (a medoid, a
   colour that is really there), or ``mode`` = the most frequent exact colour (ties: the lowest RGB
   value). Never an average, which invents colours between two inks.
3. **Quantize** every opaque pixel to the nearest palette colour in OKLab. No dithering by default;
   ``bayer2/4/8`` adds an ordered Bayer offset to the lightness before the nearest search (its spread
   is the median distance between neighbouring palette colours).
4. **Binary alpha.** alpha >= ``alpha_threshold`` (default 128, the same 50 % cut the quality checks
   use) becomes 255, anything lower 0, and transparent pixels get RGB 0: nothing of a removed
   pixel's colour survives in the file.
5. Optional 1-px **outline** (4-connected, outside the shape) in the palette's darkest colour.

``upscale_nearest`` makes previews only; the logical-size image is the asset. The measurements
(``palette_conformity``, ``non_binary_alpha_px``, ``grid_mismatch_px``) are what the quality contract
checks on every variant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.imaging.alpha.oklab import srgb_to_oklab
from assetgen.imaging.palette import darkest_color, extract_palette, palette_oklab

ALPHA_THRESHOLD = 128
DitherMode = Literal["none", "bayer2", "bayer4", "bayer8"]
CellColorMode = Literal["median", "mode"]
DITHER_MODES: tuple[str, ...] = ("none", "bayer2", "bayer4", "bayer8")
CELL_COLOR_MODES: tuple[str, ...] = ("median", "mode")
MAX_LOGICAL_SIDE_PX = 4096


@dataclass(frozen=True)
class Grid:
    """A detected pixel grid: ``cell_px`` source px per logical pixel, starting at (offset_x, offset_y)."""

    cell_px: int
    offset_x: int = 0
    offset_y: int = 0
    confidence: float = 1.0


@dataclass(frozen=True)
class PixelArtOptions:
    """How to pixelate; give ``width``+``height`` (logical size) or ``grid_px``, or neither to detect."""

    grid_px: int | None = None
    width: int | None = None
    height: int | None = None
    cell_color: CellColorMode = "median"
    dither: DitherMode = "none"
    outline: bool = False
    alpha_threshold: int = ALPHA_THRESHOLD
    coverage: float = 0.5

    def __post_init__(self) -> None:
        if self.grid_px is not None and not 1 <= self.grid_px <= 512:
            raise InvalidInput(f"grid must be 1-512 source px per pixel, got {self.grid_px}")
        if (self.width is None) != (self.height is None):
            raise InvalidInput("give both width and height of the pixel-art size, or neither")
        for side in (self.width, self.height):
            if side is not None and not 1 <= side <= MAX_LOGICAL_SIDE_PX:
                raise InvalidInput(f"pixel-art size must be 1-{MAX_LOGICAL_SIDE_PX} px a side, got {side}")
        if self.dither not in DITHER_MODES:
            raise InvalidInput(f"unknown dither {self.dither!r}; use one of {', '.join(DITHER_MODES)}")
        if self.cell_color not in CELL_COLOR_MODES:
            raise InvalidInput(f"unknown cell colour {self.cell_color!r}; use one of {CELL_COLOR_MODES}")
        if not 1 <= self.alpha_threshold <= 255:
            raise InvalidInput(f"alpha threshold must be 1-255, got {self.alpha_threshold}")
        if not 0.0 < self.coverage <= 1.0:
            raise InvalidInput(f"coverage must be in (0, 1], got {self.coverage}")


@dataclass(frozen=True)
class PixelArtResult:
    """A pixelated image at its logical size and how it was made."""

    rgba: np.ndarray
    scale_x: float
    scale_y: float
    grid: Grid | None
    palette: np.ndarray


BLURRED_EDGE_STEP = 48


def _edge_profile(rgba: np.ndarray, axis: int, *, min_step: int | None = None) -> np.ndarray:
    """Per boundary between neighbouring columns (axis 1) or rows (axis 0), the edge energy (sum of the
    channel steps), or with ``min_step`` the number of rows/columns whose step exceeds it (robust to
    stray specks, which add a few counts everywhere rather than energy); the median (noise) is removed."""
    # One channel at a time keeps the int16 temporaries at a quarter of the image's size.
    steps = sum(
        np.abs(np.diff(rgba[..., channel].astype(np.int16), axis=axis)) for channel in range(rgba.shape[2])
    )
    steps = np.asarray(steps)
    if min_step is None:
        profile = steps.sum(axis=1 - axis, dtype=np.float64)
    else:
        profile = (steps > min_step).sum(axis=1 - axis).astype(np.float64)
    if profile.size == 0:
        return profile
    return np.maximum(profile - float(np.median(profile)), 0.0)


def _grid_fit(profile: np.ndarray, cell_px: int, *, is_blurred: bool) -> tuple[float, int]:
    """(how well the edge energy sits on a ``cell_px`` grid, 0..1; the grid's offset).

    The profile is folded modulo the cell size. ``is_blurred`` (cells of 6 px and more): a boundary may
    be smeared over its two neighbours, so the energy is summed over a 3-px window. The fit is the share
    in the best window above what a flat (gridless) profile would put there:
    (share - window/cell) / (1 - window/cell).
    """
    total = float(profile.sum())
    if total <= 0:
        return 1.0, 0
    positions = np.arange(1, len(profile) + 1)  # boundary i lies before source column/row i
    sums = np.bincount(positions % cell_px, weights=profile, minlength=cell_px)
    window = 3 if is_blurred and cell_px >= 6 else 1
    windowed = sums + np.roll(sums, 1) + np.roll(sums, -1) if window == 3 else sums
    centre = int(np.argmax(windowed))
    # The offset is the strongest boundary inside the best window (its centre for a blurred edge).
    near = [(centre + d) % cell_px for d in ((0, -1, 1) if window == 3 else (0,))]
    offset = max(near, key=lambda p: (sums[p], p == centre))
    share = float(windowed[centre] / total)
    expected = window / cell_px
    return max(0.0, (share - expected) / (1.0 - expected)), int(offset)


def detect_grid(
    rgba: np.ndarray, *, max_cell_px: int = 64, exact_confidence: float = 0.9, blurred_confidence: float = 0.6
) -> Grid:
    """The logical pixel grid of an image drawn at a higher resolution (cell 1 when none is found).

    First sharp edges (edge energy): the largest cell size whose fit (``_grid_fit``) is at least
    ``exact_confidence`` on both axes. When none fits, edges blurred over 3 px, counted where a step
    exceeds ``BLURRED_EDGE_STEP``: the largest with ``blurred_confidence`` (multiples of the true cell fit
    about half as well). A flat image gives cell 1: any grid reproduces it.
    """
    h, w = rgba.shape[:2]
    profiles = (_edge_profile(rgba, 1), _edge_profile(rgba, 0))
    if all(float(p.sum()) <= 0 for p in profiles):
        return Grid(1)
    for is_blurred, threshold in ((False, exact_confidence), (True, blurred_confidence)):
        if is_blurred:
            profiles = tuple(_edge_profile(rgba, axis, min_step=BLURRED_EDGE_STEP) for axis in (1, 0))
        best = None
        for cell in range(2, max(2, min(max_cell_px, w, h)) + 1):
            share_x, offset_x = _grid_fit(profiles[0], cell, is_blurred=is_blurred)
            share_y, offset_y = _grid_fit(profiles[1], cell, is_blurred=is_blurred)
            confidence = min(share_x, share_y)
            if confidence >= threshold:
                best = Grid(cell, offset_x, offset_y, round(confidence, 4))
        if best is not None:
            return best
    return Grid(1, 0, 0, 0.0)


def _sample_axis(source_px: int, target_px: int, per_cell: int, offset_px: int) -> np.ndarray:
    """Source indices (nearest) for ``target_px * per_cell`` evenly spread samples over the source axis."""
    span = source_px - offset_px
    steps = (np.arange(target_px * per_cell, dtype=np.float64) + 0.5) * span / (target_px * per_cell)
    return np.clip(np.floor(steps).astype(np.int64) + offset_px, 0, source_px - 1)


def downscale_cells(
    rgba: np.ndarray,
    *,
    width: int,
    height: int,
    offset_x: int = 0,
    offset_y: int = 0,
    cell_color: CellColorMode = "median",
    alpha_threshold: int = ALPHA_THRESHOLD,
    coverage: float = 0.5,
) -> np.ndarray:
    """Downscale to ``width`` x ``height`` logical pixels, one robust colour per cell (see the module doc).

    Returns uint8 RGBA with alpha in {0, 255}; transparent pixels are (0, 0, 0, 0).
    """
    h, w = rgba.shape[:2]
    per_x = max(1, -(-(w - offset_x) // width))
    per_y = max(1, -(-(h - offset_y) // height))
    if offset_x == 0 and offset_y == 0 and (per_x * width, per_y * height) == (w, h):
        sampled = rgba  # whole cells: no resampling needed (the common 512 -> 64 case)
    else:
        sampled = rgba[_sample_axis(h, height, per_y, offset_y)][:, _sample_axis(w, width, per_x, offset_x)]
    cells = sampled.reshape(height, per_y, width, per_x, 4).transpose(0, 2, 1, 3, 4)
    cells = cells.reshape(height * width, per_y * per_x, 4)
    opaque = cells[..., 3] >= alpha_threshold
    counts = opaque.sum(axis=1)
    is_opaque = counts >= np.ceil(coverage * cells.shape[1] - 1e-9)
    is_opaque &= counts > 0
    out = np.zeros((height * width, 4), dtype=np.uint8)
    chosen = np.flatnonzero(is_opaque)
    if len(chosen):
        rgb = cells[chosen, :, :3]
        mask = opaque[chosen]
        pick = _cell_mode(rgb, mask) if cell_color == "mode" else _cell_medoid(rgb, mask)
        out[chosen, :3] = rgb[np.arange(len(chosen)), pick]
        out[chosen, 3] = 255
    return out.reshape(height, width, 4)


def _cell_medoid(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per cell, the index of the opaque pixel nearest (OKLab) to the per-channel OKLab median."""
    lab = srgb_to_oklab(rgb).astype(np.float32)
    ranked = np.where(mask[..., None], lab, np.inf)
    ranked.sort(axis=1)
    count = mask.sum(axis=1)
    middle = ((count - 1) // 2)[:, None, None]
    low = np.take_along_axis(ranked, middle, axis=1)
    high = np.take_along_axis(ranked, middle + (1 - count % 2)[:, None, None], axis=1)
    median = (low + high) / 2
    distance = ((lab - median) ** 2).sum(axis=2)
    distance[~mask] = np.inf
    return np.argmin(distance, axis=1)


def _cell_mode(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per cell, the index of a pixel of the most frequent opaque colour (ties: lowest packed RGB)."""
    keys = (rgb[..., 0].astype(np.int64) << 16) | (rgb[..., 1].astype(np.int64) << 8) | rgb[..., 2]
    keys = np.where(mask, keys, -1)
    order = np.argsort(keys, axis=1, kind="stable")
    ranked = np.take_along_axis(keys, order, axis=1)
    cells, n = ranked.shape
    starts = np.ones_like(ranked, dtype=bool)
    starts[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
    run = np.cumsum(starts, axis=1) - 1
    flat = (run + np.arange(cells)[:, None] * n).ravel()
    run_sizes = np.bincount(flat, minlength=cells * n).reshape(cells, n)
    size_here = np.take_along_axis(run_sizes, run, axis=1)
    size_here[ranked < 0] = 0
    best = np.argmax(size_here, axis=1)
    return order[np.arange(cells), best]


def _bayer(n: int) -> np.ndarray:
    """The n x n ordered-dither matrix (n a power of two), thresholds centred on 0 in (-0.5, 0.5)."""
    matrix = np.zeros((1, 1), dtype=np.float64)
    while matrix.shape[0] < n:
        matrix = np.block([[4 * matrix, 4 * matrix + 2], [4 * matrix + 3, 4 * matrix + 1]])
    return (matrix + 0.5) / matrix.size - 0.5


def _dither_spread(palette_lab: np.ndarray) -> float:
    """Median OKLab distance from each palette colour to its nearest neighbour (0 for one colour)."""
    if len(palette_lab) < 2:
        return 0.0
    distance = np.sqrt(((palette_lab[:, None, :] - palette_lab[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(distance, np.inf)
    return float(np.median(distance.min(axis=1)))


def quantize_to_palette(
    rgba: np.ndarray,
    palette: np.ndarray,
    *,
    dither: DitherMode = "none",
    alpha_threshold: int = ALPHA_THRESHOLD,
) -> np.ndarray:
    """Every pixel with alpha >= threshold becomes its nearest palette colour (OKLab) at alpha 255; the
    rest (0, 0, 0, 0). ``dither`` = ``bayer2/4/8`` offsets lightness by an ordered pattern first."""
    if dither not in DITHER_MODES:
        raise InvalidInput(f"unknown dither {dither!r}; use one of {', '.join(DITHER_MODES)}")
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    if len(palette) == 0:
        raise InvalidInput("the palette has no colours")
    opaque = rgba[..., 3] >= alpha_threshold
    out = np.zeros_like(rgba)
    ys, xs = np.nonzero(opaque)
    if len(ys) == 0:
        return out
    targets = palette_oklab(palette).astype(np.float32)
    lab = srgb_to_oklab(rgba[ys, xs, :3]).astype(np.float32)
    if dither != "none":
        n = int(dither.removeprefix("bayer"))
        lab[:, 0] += (_bayer(n)[ys % n, xs % n] * _dither_spread(targets)).astype(np.float32)
    index = np.empty(len(lab), dtype=np.int64)
    for start in range(0, len(lab), 32768):
        block = lab[start : start + 32768]
        index[start : start + 32768] = np.argmin(((block[:, None, :] - targets[None]) ** 2).sum(-1), axis=1)
    out[ys, xs, :3] = palette[index]
    out[ys, xs, 3] = 255
    return out


def binarize_alpha(rgba: np.ndarray, *, alpha_threshold: int = ALPHA_THRESHOLD) -> np.ndarray:
    """alpha >= threshold -> 255, else 0; transparent pixels get RGB 0 so no removed colour leaks."""
    keep = rgba[..., 3] >= alpha_threshold
    out = np.zeros_like(rgba)
    out[keep, :3] = rgba[keep, :3]
    out[keep, 3] = 255
    return out


def add_outline(rgba: np.ndarray, color: np.ndarray) -> np.ndarray:
    """Paint ``color`` on every transparent pixel 4-adjacent to an opaque one (a 1-px outside outline)."""
    opaque = rgba[..., 3] > 0
    grown = opaque.copy()
    grown[1:] |= opaque[:-1]
    grown[:-1] |= opaque[1:]
    grown[:, 1:] |= opaque[:, :-1]
    grown[:, :-1] |= opaque[:, 1:]
    ring = grown & ~opaque
    out = rgba.copy()
    out[ring, :3] = np.asarray(color, dtype=np.uint8)
    out[ring, 3] = 255
    return out


def upscale_nearest(rgba: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour upscale by an integer factor (previews only; the asset stays at logical size)."""
    if factor < 1:
        raise InvalidInput(f"upscale factor must be >= 1, got {factor}")
    return np.repeat(np.repeat(rgba, factor, axis=0), factor, axis=1)


def logical_size(rgba: np.ndarray, options: PixelArtOptions) -> tuple[int, int, Grid | None]:
    """(width, height, detected grid or None) the options give for this image."""
    h, w = rgba.shape[:2]
    if options.width is not None and options.height is not None:
        return options.width, options.height, None
    if options.grid_px is not None:
        return max(1, round(w / options.grid_px)), max(1, round(h / options.grid_px)), None
    grid = detect_grid(rgba)
    return (w - grid.offset_x) // grid.cell_px or 1, (h - grid.offset_y) // grid.cell_px or 1, grid


def _downscale_with_options(
    rgba: np.ndarray, options: PixelArtOptions, width: int, height: int, grid: Grid | None
) -> np.ndarray:
    """``downscale_cells`` to ``width`` x ``height`` on ``grid`` with the options' cell colour and alpha rules."""
    return downscale_cells(
        rgba,
        width=width,
        height=height,
        offset_x=grid.offset_x if grid else 0,
        offset_y=grid.offset_y if grid else 0,
        cell_color=options.cell_color,
        alpha_threshold=options.alpha_threshold,
        coverage=options.coverage,
    )


def pixelate(rgba: np.ndarray, palette: np.ndarray, options: PixelArtOptions | None = None) -> PixelArtResult:
    """Make ``rgba`` exact pixel art at its logical size: on the grid, in ``palette``, alpha 0/255."""
    options = options or PixelArtOptions()
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    if len(palette) == 0:
        raise InvalidInput("the palette has no colours")
    width, height, grid = logical_size(rgba, options)
    h, w = rgba.shape[:2]
    if width > w or height > h:
        raise InvalidInput(f"pixel-art size {width}x{height} is larger than the {w}x{h} image")
    small = _downscale_with_options(rgba, options, width, height, grid)
    out = quantize_to_palette(small, palette, dither=options.dither)
    if options.outline:
        out = add_outline(out, darkest_color(palette))
    return PixelArtResult(out, w / width, h / height, grid, palette)


def palette_conformity(rgba: np.ndarray, palette: np.ndarray) -> float:
    """Share (0..1) of pixels with alpha > 0 whose RGB is exactly a palette colour (1.0 when none)."""
    visible = rgba[..., 3] > 0
    if not visible.any():
        return 1.0
    pack = np.array([1 << 16, 1 << 8, 1], dtype=np.int64)
    pixels = rgba[visible, :3].astype(np.int64) @ pack
    allowed = np.asarray(palette, dtype=np.int64).reshape(-1, 3) @ pack
    return float(np.isin(pixels, allowed).mean())


def non_binary_alpha_px(rgba: np.ndarray) -> int:
    """How many pixels have an alpha other than 0 or 255."""
    alpha = rgba[..., 3]
    return int(((alpha != 0) & (alpha != 255)).sum())


def grid_mismatch_px(rgba: np.ndarray, cell_px: int) -> int:
    """Pixels that differ after sampling one pixel per ``cell_px`` cell and upscaling it back (0 = on grid)."""
    if cell_px < 1:
        raise InvalidInput(f"cell size must be >= 1, got {cell_px}")
    h, w = rgba.shape[:2]
    small = rgba[::cell_px, ::cell_px]
    back = upscale_nearest(small, cell_px)[:h, :w]
    return int(np.any(back != rgba, axis=2).sum())


def colors_used(rgba: np.ndarray) -> np.ndarray:
    """The distinct RGB colours of the pixels with alpha > 0, sorted (K, 3) uint8."""
    visible = rgba[..., 3] > 0
    return np.unique(rgba[visible, :3].reshape(-1, 3), axis=0).astype(np.uint8)


def palette_from_anchor(rgba: np.ndarray, options: PixelArtOptions, *, max_colors: int = 16) -> np.ndarray:
    """k colours of an anchor image, taken after its per-cell downscale (so they are colours the cells of
    the pixel art really have, not stray anti-aliasing shades); deterministic."""
    width, height, grid = logical_size(rgba, options)
    small = _downscale_with_options(rgba, options, width, height, grid)
    return extract_palette(small, max_colors=max_colors)


def palette_from_first_anchor(
    images: Sequence[np.ndarray], options: PixelArtOptions, *, max_colors: int = 16
) -> tuple[int, np.ndarray]:
    """(index, palette) of the first image that has opaque cells to take a palette from (a blank
    frame is skipped, not an error); InvalidInput when none has."""
    for index, rgba in enumerate(images):
        try:
            return index, palette_from_anchor(rgba, options, max_colors=max_colors)
        except InvalidInput:
            continue
    raise InvalidInput("no image has opaque pixels to take an anchor palette from")
