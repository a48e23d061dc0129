"""Colour palettes for pixel art: parsed from hex lists and palette files, or extracted from an image.

A palette is a uint8 array of shape (K, 3), K >= 1, of distinct sRGB colours, in a stable order.
Parsers accept the formats pixel artists exchange:

- ``.hex``  one ``RRGGBB`` (or ``#RRGGBB``) per line (Lospec's export);
- ``.gpl``  GIMP palette: a ``GIMP Palette`` header, ``Name:``/``Columns:`` lines, ``#`` comments, then
  ``R G B [name]`` rows;
- ``.pal``  JASC-PAL: ``JASC-PAL``, ``0100``, a count, then ``R G B`` rows (RIFF ``.pal`` is refused);
- ``.png``  a strip or grid of swatches: its distinct opaque colours in reading order (at most 256).

``extract_palette`` picks k colours of an approved anchor image deterministically (k-means in OKLab
from a farthest-point start, each centre snapped to the nearest colour that occurs in the image), so the
same anchor always gives the same palette and every palette colour is one the artist's image really has.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.image_files import decode_rgba
from assetgen.imaging.alpha.oklab import srgb_to_oklab

MAX_PALETTE_COLORS = 256
PALETTE_FILE_SUFFIXES = (".hex", ".gpl", ".pal", ".png")
_HEX = re.compile(r"^#?([0-9A-Fa-f]{6})([0-9A-Fa-f]{2})?$")


def unique_colors(colors: np.ndarray) -> np.ndarray:
    """The distinct rows of a (N, 3) uint8 array, first occurrence first."""
    if len(colors) == 0:
        return colors.reshape(0, 3).astype(np.uint8)
    _, first = np.unique(colors, axis=0, return_index=True)
    return colors[np.sort(first)].astype(np.uint8)


def _checked(colors: np.ndarray, name: str) -> np.ndarray:
    palette = unique_colors(np.asarray(colors, dtype=np.uint8).reshape(-1, 3))
    if len(palette) == 0:
        raise InvalidInput(f"{name}: the palette has no colours")
    if len(palette) > MAX_PALETTE_COLORS:
        raise InvalidInput(f"{name}: {len(palette)} colours; a palette holds at most {MAX_PALETTE_COLORS}")
    return palette


def parse_hex_colors(colors: Sequence[str], *, name: str = "palette") -> np.ndarray:
    """``['#1f3a1c', 'ff0000', ...]`` -> (K, 3) uint8; an alpha byte (#RRGGBBAA) is ignored."""
    rows = []
    for index, text in enumerate(colors):
        match = _HEX.match(str(text).strip())
        if match is None:
            raise InvalidInput(f"{name}: colour {index + 1} ({text!r}) is not #RRGGBB")
        value = match.group(1)
        rows.append([int(value[i : i + 2], 16) for i in (0, 2, 4)])
    return _checked(np.array(rows, dtype=np.uint8).reshape(-1, 3), name)


def palette_to_hex(palette: np.ndarray) -> list[str]:
    """(K, 3) uint8 -> ``['#rrggbb', ...]`` in the same order."""
    return [f"#{int(r):02x}{int(g):02x}{int(b):02x}" for r, g, b in np.asarray(palette, dtype=np.uint8)]


def _rgb_rows(lines: Sequence[str], name: str, first_line: int) -> np.ndarray:
    rows = []
    for offset, line in enumerate(lines):
        fields = line.split()
        if not fields:
            continue
        try:
            rgb = [int(v) for v in fields[:3]]
        except ValueError as exc:
            raise InvalidInput(f"{name}: line {first_line + offset}: expected 'R G B', got {line!r}") from exc
        if len(rgb) != 3 or not all(0 <= v <= 255 for v in rgb):
            raise InvalidInput(
                f"{name}: line {first_line + offset}: expected three values 0-255, got {line!r}"
            )
        rows.append(rgb)
    return np.array(rows, dtype=np.uint8).reshape(-1, 3)


def _parse_gpl(text: str, name: str) -> np.ndarray:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "GIMP Palette":
        raise InvalidInput(f"{name}: a .gpl file starts with the line 'GIMP Palette'")
    body = [
        "" if (s := line.strip()).startswith("#") or re.match(r"^(Name|Columns)\s*:", s) else s
        for line in lines[1:]
    ]
    return _rgb_rows(body, name, 2)


def _parse_jasc(text: str, name: str) -> np.ndarray:
    lines = [line.strip() for line in text.splitlines()]
    if len(lines) < 3 or lines[0] != "JASC-PAL":
        raise InvalidInput(f"{name}: a .pal file must be JASC-PAL text (first line 'JASC-PAL')")
    try:
        count = int(lines[2])
    except ValueError as exc:
        raise InvalidInput(f"{name}: line 3 must be the colour count, got {lines[2]!r}") from exc
    rows = _rgb_rows(lines[3:], name, 4)
    if len(rows) != count:
        raise InvalidInput(f"{name}: the header says {count} colours but {len(rows)} follow")
    return rows


def _parse_hex_lines(text: str, name: str) -> np.ndarray:
    entries = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(";")]
    return parse_hex_colors(entries, name=name)


def _parse_png(data: bytes, name: str) -> np.ndarray:
    rgba = decode_rgba(data, name=name, max_pixels=4096 * 4096)
    opaque = rgba[..., 3] >= 128
    colors = unique_colors(rgba[..., :3][opaque])
    if len(colors) > MAX_PALETTE_COLORS:
        raise InvalidInput(
            f"{name}: {len(colors)} distinct colours; a palette image holds swatches of at most "
            f"{MAX_PALETTE_COLORS} (to take colours from a picture, use palette 'anchor')"
        )
    return colors


def parse_palette_file(name: str, data: bytes) -> np.ndarray:
    """Parse palette file bytes by the suffix of ``name`` (.hex, .gpl, .pal JASC, .png) into (K, 3) uint8."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix == ".png":
        return _checked(_parse_png(data, name), name)
    if suffix not in PALETTE_FILE_SUFFIXES:
        raise InvalidInput(f"{name}: unknown palette format; use one of {', '.join(PALETTE_FILE_SUFFIXES)}")
    if data.startswith(b"RIFF"):
        raise InvalidInput(f"{name}: binary RIFF palettes are not read; export it as JASC-PAL or .gpl")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name}: a {suffix} palette is UTF-8 text") from exc
    parse = {".hex": _parse_hex_lines, ".gpl": _parse_gpl, ".pal": _parse_jasc}[suffix]
    return _checked(parse(text, name), name)


def palette_oklab(palette: np.ndarray) -> np.ndarray:
    """(K, 3) uint8 sRGB -> (K, 3) float32 OKLab."""
    return srgb_to_oklab(np.asarray(palette, dtype=np.uint8))


def darkest_color(palette: np.ndarray) -> np.ndarray:
    """The palette colour with the lowest OKLab lightness (ties: the first), shape (3,)."""
    return np.asarray(palette, dtype=np.uint8)[int(np.argmin(palette_oklab(palette)[:, 0]))]


def extract_palette(
    rgba: np.ndarray, *, max_colors: int = 16, alpha_threshold: int = 128, iterations: int = 12
) -> np.ndarray:
    """k <= ``max_colors`` colours that represent the opaque pixels of ``rgba`` (deterministic).

    When the image has at most ``max_colors`` distinct opaque colours they are the palette. Otherwise
    weighted k-means in OKLab over the distinct colours (binned to 5 bits a channel), started from the most frequent colour and then
    farthest points, and each centre is snapped to the image colour nearest to it. The result is sorted
    by lightness, then a, then b, so it does not depend on pixel order.
    """
    if not 1 <= max_colors <= MAX_PALETTE_COLORS:
        raise InvalidInput(f"max colours must be 1-{MAX_PALETTE_COLORS}, got {max_colors}")
    opaque = rgba[..., 3] >= alpha_threshold
    if not opaque.any():
        raise InvalidInput("the anchor image has no opaque pixels to take a palette from")
    pixels = rgba[..., :3][opaque].astype(np.int64)
    keys, counts = np.unique((pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2], return_counts=True)
    colors = np.stack([keys >> 16, (keys >> 8) & 255, keys & 255], axis=1).astype(np.uint8)
    if len(colors) <= max_colors:
        return _sorted_by_lightness(colors)
    # k-means runs on 15-bit colour bins (at most 32768 points) so a photo-like anchor stays fast; the
    # centres are snapped to real image colours afterwards.
    bin_keys, bin_index = np.unique(((keys >> 3) & 0x1F1F1F), return_inverse=True)
    weights = np.bincount(bin_index.ravel(), weights=counts).astype(np.float64)
    binned = np.stack([bin_keys >> 16, (bin_keys >> 8) & 255, bin_keys & 255], axis=1)
    lab = srgb_to_oklab(((binned << 3) | 4).astype(np.uint8)).astype(np.float64)
    centres = [lab[int(np.argmax(weights))]]
    nearest = ((lab - centres[0]) ** 2).sum(1)
    while len(centres) < max_colors:
        pick = int(np.argmax(nearest * np.sqrt(weights)))
        centres.append(lab[pick])
        nearest = np.minimum(nearest, ((lab - lab[pick]) ** 2).sum(1))
    centre = np.array(centres)
    for _ in range(iterations):
        assignment = _nearest_index(lab, centre)
        moved = centre.copy()
        for k in range(len(centre)):
            members = assignment == k
            if members.any():
                moved[k] = (lab[members] * weights[members, None]).sum(0) / weights[members].sum()
        if np.allclose(moved, centre, atol=1e-6):
            break
        centre = moved
    all_lab = srgb_to_oklab(colors)
    picks = [int(np.argmin(((all_lab - c.astype(np.float32)) ** 2).sum(1))) for c in centre]
    snapped = unique_colors(colors[picks])
    return _sorted_by_lightness(snapped)


def _nearest_index(points: np.ndarray, targets: np.ndarray, *, chunk: int = 65536) -> np.ndarray:
    """Index of the nearest row of ``targets`` for each row of ``points`` (squared Euclidean)."""
    out = np.empty(len(points), dtype=np.int64)
    for start in range(0, len(points), chunk):
        block = points[start : start + chunk]
        distance = ((block[:, None, :] - targets[None, :, :]) ** 2).sum(-1)
        out[start : start + chunk] = np.argmin(distance, axis=1)
    return out


def _sorted_by_lightness(colors: np.ndarray) -> np.ndarray:
    lab = srgb_to_oklab(colors.astype(np.uint8))
    order = np.lexsort((colors[:, 2], colors[:, 1], colors[:, 0], lab[:, 2], lab[:, 1], lab[:, 0]))
    return colors[order].astype(np.uint8)
