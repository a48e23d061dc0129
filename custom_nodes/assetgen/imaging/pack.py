"""Rectangle packing for spritesheets: MaxRects with several heuristics, sort orders and page sizes.

``pack_rects`` takes the sizes of the sprites (in the caller's order) and returns where each one goes:
page, position, and whether it was turned 90 degrees. It tries every heuristic and sort order on a
range of page widths and keeps the packing with the smallest total page area (ties: the first found,
so the result is deterministic). Sprites that do not fit one page of the maximum size spill onto more
pages. Pixels are not touched here; ``assetgen.imaging.spritesheet`` composes the sheet images.

The MaxRects algorithm is Jukka Jylänki's ("A Thousand Ways to Pack the Bin", 2010): the free space is
a list of maximal free rectangles; a sprite goes where the heuristic scores best, the free rectangles
it overlaps are split, and free rectangles contained in others are dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from assetgen.errors import InvalidInput

Heuristic = Literal["bssf", "blsf", "baf", "bl"]
SortOrder = Literal["area", "max_side", "height", "width", "perimeter", "none"]

HEURISTICS: tuple[Heuristic, ...] = ("bssf", "bl", "baf", "blsf")
"""bssf: best short side fit; bl: bottom-left; baf: best area fit; blsf: best long side fit."""

_SORT_KEYS: MappingProxyType[str, Callable[[tuple[int, int, int]], tuple[int, ...]]] = MappingProxyType(
    {
        "area": lambda r: (-r[0] * r[1], -max(r[0], r[1]), r[2]),
        "max_side": lambda r: (-max(r[0], r[1]), -min(r[0], r[1]), r[2]),
        "height": lambda r: (-r[1], -r[0], r[2]),
        "width": lambda r: (-r[0], -r[1], r[2]),
        "perimeter": lambda r: (-(r[0] + r[1]), -max(r[0], r[1]), r[2]),
        "none": lambda r: (r[2],),
    }
)
SORT_ORDERS: tuple[SortOrder, ...] = ("area", "max_side", "height", "width")
"""The sort orders tried by default (``perimeter`` and ``none`` can be asked for)."""

_BIG = 1 << 32
_WIDTH_FACTORS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5)


@dataclass(frozen=True)
class Placement:
    """Where input rectangle ``index`` went: top-left ``x_px, y_px`` on ``page``; ``w_px x h_px`` as placed
    (already swapped when ``is_rotated``)."""

    index: int
    page: int
    x_px: int
    y_px: int
    w_px: int
    h_px: int
    is_rotated: bool


@dataclass(frozen=True)
class PageSize:
    """The size of one atlas page in pixels."""

    w_px: int
    h_px: int


@dataclass(frozen=True)
class RectPacking:
    """A packing: pages, and one placement per input rectangle in input order."""

    pages: tuple[PageSize, ...]
    placements: tuple[Placement, ...]
    heuristic: str
    sort_order: str

    @property
    def occupancy(self) -> float:
        """Placed area / total page area, 0..1 (spacing not counted as used)."""
        total = sum(p.w_px * p.h_px for p in self.pages)
        used = sum(p.w_px * p.h_px for p in self.placements)
        return used / total if total else 0.0


# One candidate during the search: (x, y, w, h, rotated, index) per placed rect.
_Placed = list[tuple[int, int, int, int, bool, int]]


def _maxrects_pass(
    items: Sequence[tuple[int, int, int]],
    bin_w: int,
    bin_h: int,
    heuristic: str,
    *,
    allow_rotation: bool,
    stop_on_miss: bool,
    bottom_limit: int,
) -> tuple[_Placed, list[tuple[int, int, int]], int]:
    """Place ``items`` (w, h, index) in order into one bin; returns placed, missed, and the lowest bottom edge.

    Stops early (returning what it has) when ``stop_on_miss`` and a rect does not fit, or when the bottom
    edge passes ``bottom_limit`` (the caller already has a better packing)."""
    free: list[tuple[int, int, int, int]] = [(0, 0, bin_w, bin_h)]
    placed: _Placed = []
    missed: list[tuple[int, int, int]] = []
    bottom = 0
    code = HEURISTICS.index(heuristic)  # type: ignore[arg-type]
    inf = 1 << 62
    for w, h, index in items:
        best = inf
        bx = by = bw = bh = 0
        brot = False
        for fx, fy, fw, fh in free:
            for cw, ch, rot in (
                ((w, h, False), (h, w, True)) if allow_rotation and w != h else ((w, h, False),)
            ):
                if cw > fw or ch > fh:
                    continue
                if code == 0:  # bssf
                    a, b = fw - cw, fh - ch
                    score = (a * _BIG + b) if a < b else (b * _BIG + a)
                elif code == 1:  # bl
                    score = (fy + ch) * _BIG + fx
                elif code == 2:  # baf
                    a, b = fw - cw, fh - ch
                    score = (fw * fh - cw * ch) * _BIG + (a if a < b else b)
                else:  # blsf
                    a, b = fw - cw, fh - ch
                    score = (b * _BIG + a) if a < b else (a * _BIG + b)
                if score < best:
                    best, bx, by, bw, bh, brot = score, fx, fy, cw, ch, rot
        if best == inf:
            missed.append((w, h, index))
            if stop_on_miss:
                return placed, missed, bottom
            continue
        placed.append((bx, by, bw, bh, brot, index))
        right, low = bx + bw, by + bh
        if low > bottom:
            bottom = low
            if bottom > bottom_limit:
                return placed, missed, bottom
        kept: list[tuple[int, int, int, int]] = []
        added: list[tuple[int, int, int, int]] = []
        for rect in free:
            fx, fy, fw, fh = rect
            fr, fb = fx + fw, fy + fh
            if bx >= fr or right <= fx or by >= fb or low <= fy:
                kept.append(rect)
                continue
            if bx > fx:
                added.append((fx, fy, bx - fx, fh))
            if right < fr:
                added.append((right, fy, fr - right, fh))
            if by > fy:
                added.append((fx, fy, fw, by - fy))
            if low < fb:
                added.append((fx, low, fw, fb - low))
        # Only the new pieces can be redundant: an old free rect was never inside the one it replaced.
        for i, (ax, ay, aw, ah) in enumerate(added):
            ar, ab = ax + aw, ay + ah
            contained = False
            for gx, gy, gw, gh in kept:
                if gx <= ax and gy <= ay and ar <= gx + gw and ab <= gy + gh:
                    contained = True
                    break
            if not contained:
                for j, (gx, gy, gw, gh) in enumerate(added):
                    if (
                        j != i
                        and gx <= ax
                        and gy <= ay
                        and ar <= gx + gw
                        and ab <= gy + gh
                        and ((gx, gy, gw, gh) != (ax, ay, aw, ah) or j < i)
                    ):
                        contained = True
                        break
            if not contained:
                kept.append((ax, ay, aw, ah))
        free = kept
    return placed, missed, bottom


def next_power_of_two(value: int) -> int:
    """The smallest power of two >= ``value`` (>= 1)."""
    return 1 << max(0, math.ceil(math.log2(max(1, value))))


def _page_extent(placed: _Placed, *, power_of_two: bool) -> tuple[int, int]:
    width = max((x + w for x, _, w, _, _, _ in placed), default=1)
    height = max((y + h for _, y, _, h, _, _ in placed), default=1)
    if power_of_two:
        return next_power_of_two(width), next_power_of_two(height)
    return width, height


def _candidate_widths(
    items: Sequence[tuple[int, int, int]],
    *,
    max_w: int,
    allow_rotation: bool,
    power_of_two: bool,
    spacing: int,
) -> list[int]:
    area = sum(w * h for w, h, _ in items)
    narrowest = max((min(w, h) if allow_rotation else w) for w, h, _ in items) - spacing
    side = math.sqrt(area)
    if power_of_two:
        widths, width = [], next_power_of_two(narrowest)
        while width <= max_w:
            if width * 4 >= side:
                widths.append(width)
            if width >= side * 4:
                break
            width *= 2
        return widths or [max_w]
    widths = sorted({min(max_w, max(narrowest, round(side * f) - spacing)) for f in _WIDTH_FACTORS})
    return widths


def _sorted_items(items: Sequence[tuple[int, int, int]], sort_order: str) -> list[tuple[int, int, int]]:
    return sorted(items, key=_SORT_KEYS[sort_order])


def _best_single_page(
    items: Sequence[tuple[int, int, int]],
    *,
    max_w: int,
    max_h: int,
    spacing: int,
    allow_rotation: bool,
    power_of_two: bool,
    heuristics: Sequence[str],
    sort_orders: Sequence[str],
) -> tuple[_Placed, tuple[int, int], str, str] | None:
    """The smallest page holding all ``items``, or None when they do not fit one page of the maximum size."""
    best: tuple[_Placed, tuple[int, int], str, str] | None = None
    best_area = max_w * max_h + 1
    widths = _candidate_widths(
        items, max_w=max_w, allow_rotation=allow_rotation, power_of_two=power_of_two, spacing=spacing
    )
    orders = {s: _sorted_items(items, s) for s in sort_orders}
    for width in widths:
        for sort_order in sort_orders:
            for heuristic in heuristics:
                # Abort a pass once its bottom edge makes it worse than the best page found so far.
                limit = min(max_h, (best_area - 1) // width) if best is not None else max_h
                if power_of_two and best is not None:
                    limit = min(limit, next_power_of_two(limit + 1) // 2 if limit else 0)
                placed, missed, _ = _maxrects_pass(
                    orders[sort_order],
                    width + spacing,
                    max_h + spacing,
                    heuristic,
                    allow_rotation=allow_rotation,
                    stop_on_miss=True,
                    bottom_limit=limit + spacing,
                )
                if missed or len(placed) != len(items):
                    continue
                page_w, page_h = _page_extent(_strip(placed, spacing), power_of_two=power_of_two)
                if page_h > max_h or page_w > max_w:
                    continue
                if page_w * page_h < best_area:
                    best_area = page_w * page_h
                    best = (placed, (page_w, page_h), heuristic, sort_order)
    return best


def _strip(placed: _Placed, spacing: int) -> _Placed:
    """Remove the trailing spacing from each placed slot."""
    return [(x, y, w - spacing, h - spacing, r, i) for x, y, w, h, r, i in placed]


def pack_rects(
    sizes: Sequence[tuple[int, int]],
    *,
    max_width_px: int = 2048,
    max_height_px: int = 2048,
    spacing_px: int = 0,
    allow_rotation: bool = False,
    power_of_two: bool = False,
    heuristics: Sequence[Heuristic] = HEURISTICS,
    sort_orders: Sequence[SortOrder] = SORT_ORDERS,
) -> RectPacking:
    """Pack rectangles of ``sizes`` (w, h in px, each >= 1) into as little page area as MaxRects finds.

    ``spacing_px`` (0..) is kept free between rectangles (not at the page border); ``allow_rotation`` lets a
    rectangle turn 90 degrees; ``power_of_two`` rounds page sides up to 2^n. Pages are at most
    ``max_width_px x max_height_px``; rectangles that do not fit one page go to further pages.
    Raises InvalidInput for a rectangle larger than a page or an unknown heuristic/sort order.
    """
    if max_width_px < 1 or max_height_px < 1:
        raise InvalidInput(f"max page size must be at least 1x1 px, got {max_width_px}x{max_height_px}")
    if spacing_px < 0:
        raise InvalidInput(f"spacing must be >= 0 px, got {spacing_px}")
    unknown = [h for h in heuristics if h not in HEURISTICS] + [s for s in sort_orders if s not in _SORT_KEYS]
    if unknown or not heuristics or not sort_orders:
        raise InvalidInput(
            f"unknown or missing packing heuristic/sort order {unknown}; heuristics: {list(HEURISTICS)}, "
            f"sort orders: {sorted(_SORT_KEYS)}"
        )
    items: list[tuple[int, int, int]] = []
    for index, (w, h) in enumerate(sizes):
        if w < 1 or h < 1:
            raise InvalidInput(f"rectangle {index} has no area ({w}x{h} px)")
        fits = w <= max_width_px and h <= max_height_px
        fits_turned = allow_rotation and h <= max_width_px and w <= max_height_px
        if not (fits or fits_turned):
            raise InvalidInput(
                f"rectangle {index} ({w}x{h} px with spacing) is larger than the maximum page "
                f"{max_width_px}x{max_height_px}; raise the max size or scale the sprite down"
            )
        items.append((w + spacing_px, h + spacing_px, index))
    if not items:
        return RectPacking(pages=(), placements=(), heuristic="none", sort_order="none")

    search = {
        "max_w": max_width_px,
        "max_h": max_height_px,
        "spacing": spacing_px,
        "allow_rotation": allow_rotation,
        "power_of_two": power_of_two,
        "heuristics": heuristics,
        "sort_orders": sort_orders,
    }
    pages: list[PageSize] = []
    placements: dict[int, Placement] = {}
    remaining = items
    used = ("", "")
    while remaining:
        fits_area = sum(w * h for w, h, _ in remaining) <= (max_width_px + spacing_px) * (
            max_height_px + spacing_px
        )
        single = _best_single_page(remaining, **search) if fits_area else None  # type: ignore[arg-type]
        if single is not None:
            placed, (page_w, page_h), *used_pair = single
            used = (used_pair[0], used_pair[1])
            remaining = []
        else:
            placed, remaining, used = _fullest_page(remaining, **search)  # type: ignore[arg-type]
            page_w, page_h = _page_extent(_strip(placed, spacing_px), power_of_two=power_of_two)
        page = len(pages)
        pages.append(PageSize(page_w, page_h))
        for x, y, w, h, rotated, index in _strip(placed, spacing_px):
            placements[index] = Placement(index, page, x, y, w, h, rotated)
    return RectPacking(
        pages=tuple(pages),
        placements=tuple(placements[i] for i in range(len(items))),
        heuristic=used[0],
        sort_order=used[1],
    )


def _fullest_page(
    items: Sequence[tuple[int, int, int]],
    *,
    max_w: int,
    max_h: int,
    spacing: int,
    allow_rotation: bool,
    power_of_two: bool,
    heuristics: Sequence[str],
    sort_orders: Sequence[str],
) -> tuple[_Placed, list[tuple[int, int, int]], tuple[str, str]]:
    """Fill one maximum-size page as fully as possible; returns what went in and what is left."""
    best: tuple[_Placed, list[tuple[int, int, int]], tuple[str, str]] | None = None
    best_area = -1
    for sort_order in sort_orders:
        ordered = _sorted_items(items, sort_order)
        for heuristic in heuristics:
            placed, missed, _ = _maxrects_pass(
                ordered,
                max_w + spacing,
                max_h + spacing,
                heuristic,
                allow_rotation=allow_rotation,
                stop_on_miss=False,
                bottom_limit=1 << 62,
            )
            area = sum(w * h for _, _, w, h, _, _ in placed)
            if area > best_area:
                best_area = area
                best = (placed, sorted(missed, key=lambda r: r[2]), (heuristic, sort_order))
    assert best is not None and best[0], "every rectangle fits an empty page (checked by pack_rects)"
    return best
