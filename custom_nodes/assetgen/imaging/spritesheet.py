"""Spritesheets: trim, pack, extrude and compose sprite frames into atlas pages, and take them apart again.

``build_spritesheet`` is the one entry point: frames in (name, RGBA, pivot), pages and placements out.
Each frame keeps its trim box, so ``extract_frame`` rebuilds the original pixels exactly. A rotated
frame is stored turned 90 degrees clockwise (TexturePacker's convention, read by PixiJS and Paper2D).
Extrusion copies each sprite's edge pixels outwards into its own gutter; the sprite's pixels stay where
the frame rect says (the origin shifted them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.image_files import as_rgba
from assetgen.imaging.pack import SORT_ORDERS, pack_rects
from assetgen.imaging.trim import TrimBox, content_box, crop_to_box, full_box, restore_from_box
from assetgen.models.atlas import PackSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpriteFrame:
    """One input frame: a unique ``name``, its RGBA pixels, and a pivot normalised to the full frame (0..1)."""

    name: str
    rgba: np.ndarray = field(repr=False)
    pivot_x: float = 0.5
    pivot_y: float = 0.5


@dataclass(frozen=True)
class SheetFrame:
    """Where a frame sits: its trimmed pixels start at ``x_px, y_px`` on ``page`` (extrusion excluded);
    ``w_px x h_px`` is the trimmed size before rotation; ``trim`` places it inside the source frame."""

    name: str
    page: int
    x_px: int
    y_px: int
    w_px: int
    h_px: int
    is_rotated: bool
    trim: TrimBox
    pivot_x: float = 0.5
    pivot_y: float = 0.5

    @property
    def stored_w_px(self) -> int:
        """Width of the region on the page (height of the sprite when rotated)."""
        return self.h_px if self.is_rotated else self.w_px

    @property
    def stored_h_px(self) -> int:
        """Height of the region on the page."""
        return self.w_px if self.is_rotated else self.h_px


@dataclass(frozen=True)
class Spritesheet:
    """Packed pages (RGBA arrays) and the frames on them, in input order."""

    pages: tuple[np.ndarray, ...] = field(repr=False)
    frames: tuple[SheetFrame, ...]
    settings: PackSettings

    def frame(self, name: str) -> SheetFrame:
        """The frame called ``name``; NotFound-style InvalidInput listing some names otherwise."""
        for item in self.frames:
            if item.name == name:
                return item
        raise InvalidInput(
            f"no frame {name!r} in the sheet (frames: {[f.name for f in self.frames][:10]} ...)"
        )


ProgressCallback = Callable[[int, int], None]


def build_spritesheet(
    frames: Sequence[SpriteFrame],
    *,
    settings: PackSettings | None = None,
    on_progress: ProgressCallback | None = None,
) -> Spritesheet:
    """Trim, pack and compose ``frames`` (unique names, uint8 RGBA) into one or more pages.

    ``on_progress(done, total)`` is called as frames are composed (for a progress bar).
    Raises InvalidInput for duplicate names, bad pivots, or a frame larger than the maximum page.
    """
    settings = settings or PackSettings()
    if not frames:
        raise InvalidInput("no frames to pack: give at least one image")
    seen: set[str] = set()
    boxes: list[TrimBox] = []
    crops: list[np.ndarray] = []
    for frame in frames:
        if not frame.name or frame.name in seen:
            raise InvalidInput(
                f"frame names must be unique and non-empty; {frame.name!r} is repeated or empty"
            )
        seen.add(frame.name)
        if not (0.0 <= frame.pivot_x <= 1.0 and 0.0 <= frame.pivot_y <= 1.0):
            raise InvalidInput(
                f"frame {frame.name!r}: pivot ({frame.pivot_x}, {frame.pivot_y}) must lie in 0..1 on both axes"
            )
        rgba = as_rgba(frame.rgba)
        box = content_box(rgba, alpha_threshold=settings.alpha_threshold) if settings.trim else full_box(rgba)
        boxes.append(box)
        crops.append(crop_to_box(rgba, box))

    gutter = 2 * settings.extrude_px
    try:
        packing = pack_rects(
            [(box.w_px + gutter, box.h_px + gutter) for box in boxes],
            max_width_px=settings.max_size_px,
            max_height_px=settings.max_size_px,
            spacing_px=settings.padding_px,
            allow_rotation=settings.allow_rotation,
            power_of_two=settings.power_of_two,
            sort_orders=SORT_ORDERS,
        )
    except InvalidInput as exc:
        raise InvalidInput(f"cannot pack the frames: {exc}") from exc
    log.debug(
        "packed frames=%d pages=%d occupancy=%.3f heuristic=%s sort=%s",
        len(frames),
        len(packing.pages),
        packing.occupancy,
        packing.heuristic,
        packing.sort_order,
    )

    pages = [np.zeros((p.h_px, p.w_px, 4), np.uint8) for p in packing.pages]
    placed: list[SheetFrame] = []
    ext = settings.extrude_px
    for done, (frame, box, crop, slot) in enumerate(
        zip(frames, boxes, crops, packing.placements, strict=True)
    ):
        stored = np.rot90(crop, k=-1) if slot.is_rotated else crop
        if ext:
            stored = np.pad(stored, ((ext, ext), (ext, ext), (0, 0)), mode="edge")
        height, width = stored.shape[:2]
        pages[slot.page][slot.y_px : slot.y_px + height, slot.x_px : slot.x_px + width] = stored
        placed.append(
            SheetFrame(
                name=frame.name,
                page=slot.page,
                x_px=slot.x_px + ext,
                y_px=slot.y_px + ext,
                w_px=box.w_px,
                h_px=box.h_px,
                is_rotated=slot.is_rotated,
                trim=box,
                pivot_x=frame.pivot_x,
                pivot_y=frame.pivot_y,
            )
        )
        if on_progress is not None:
            on_progress(done + 1, len(frames))
    return Spritesheet(pages=tuple(pages), frames=tuple(placed), settings=settings)


def extract_frame(page: np.ndarray, frame: SheetFrame) -> np.ndarray:
    """Rebuild the full source frame of ``frame`` from its page: un-rotate, then restore the trimmed border."""
    region = page[frame.y_px : frame.y_px + frame.stored_h_px, frame.x_px : frame.x_px + frame.stored_w_px]
    if region.shape[:2] != (frame.stored_h_px, frame.stored_w_px):
        raise InvalidInput(f"frame {frame.name!r} reaches outside its page ({page.shape[1]}x{page.shape[0]})")
    sprite = np.rot90(region, k=1) if frame.is_rotated else region
    return restore_from_box(np.ascontiguousarray(sprite), frame.trim)


def unrotated(sheet: Spritesheet) -> Spritesheet:
    """The same sheet repacked without rotation (for engines whose sprite rects cannot turn); the sheet
    itself when no frame is rotated."""
    if not any(f.is_rotated for f in sheet.frames):
        return sheet
    frames = [
        SpriteFrame(f.name, extract_frame(sheet.pages[f.page], f), f.pivot_x, f.pivot_y) for f in sheet.frames
    ]
    settings = sheet.settings.model_copy(update={"allow_rotation": False})
    return build_spritesheet(frames, settings=settings)


def render_preview(sheet: Spritesheet, *, page: int = 0, checker_px: int = 8) -> np.ndarray:
    """A picture of one page for people: sprites over a checkerboard, each frame outlined (magenta; rotated
    frames cyan) with its pivot marked."""
    if not 0 <= page < len(sheet.pages):
        raise InvalidInput(f"page {page} does not exist; the sheet has {len(sheet.pages)} page(s)")
    image = sheet.pages[page]
    height, width = image.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width]
    checker = np.where(((yy // checker_px) + (xx // checker_px)) % 2 == 0, 200, 150).astype(np.float32)
    alpha = image[:, :, 3:4].astype(np.float32) / 255.0
    rgb = image[:, :, :3].astype(np.float32) * alpha + checker[:, :, None] * (1.0 - alpha)
    out = np.dstack([rgb.round().astype(np.uint8), np.full((height, width), 255, np.uint8)])
    for frame in sheet.frames:
        if frame.page != page:
            continue
        color = np.array([0, 220, 255, 255] if frame.is_rotated else [255, 0, 200, 255], np.uint8)
        x0, y0 = frame.x_px, frame.y_px
        x1, y1 = x0 + frame.stored_w_px - 1, y0 + frame.stored_h_px - 1
        out[y0, x0 : x1 + 1] = color
        out[y1, x0 : x1 + 1] = color
        out[y0 : y1 + 1, x0] = color
        out[y0 : y1 + 1, x1] = color
        px, py = pivot_on_page(frame)
        out[max(0, py - 1) : py + 2, max(0, px - 1) : px + 2] = color
    return out


def pivot_on_page(frame: SheetFrame) -> tuple[int, int]:
    """The pivot's pixel on the page (clamped to the stored region), for previews."""
    sx = frame.pivot_x * frame.trim.source_w_px - frame.trim.x_px
    sy = frame.pivot_y * frame.trim.source_h_px - frame.trim.y_px
    sx = min(max(sx, 0), frame.w_px - 1)
    sy = min(max(sy, 0), frame.h_px - 1)
    if frame.is_rotated:  # clockwise: sprite (sx, sy) -> region (h - 1 - sy, sx)
        return int(frame.x_px + frame.h_px - 1 - sy), int(frame.y_px + sx)
    return int(frame.x_px + sx), int(frame.y_px + sy)
