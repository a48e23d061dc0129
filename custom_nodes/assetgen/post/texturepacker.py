"""TexturePacker "JSON (Hash)" atlas data, as PixiJS, Phaser and Unreal's Paper2D read it; and reading it back.

Layout written for each page::

    {"frames": {"<name>": {"frame": {x, y, w, h}, "rotated", "trimmed", "spriteSourceSize": {x, y, w, h},
                          "sourceSize": {w, h}, "pivot": {x, y}, "anchor": {x, y}, "duration": ms}},
     "animations": {"<animation>": ["<name>", ...]},
     "meta": {"app": "http://www.codeandweb.com/texturepacker", "version": "1.0", "image": "atlas.png",
              "format": "RGBA8888", "size": {w, h}, "scale": "1", "frameTags": [...], "related_multi_packs": [...]}}

``frame`` is the sprite's rect on the page with its *unrotated* size; a rotated sprite is stored turned 90
degrees clockwise, so it covers ``frame.h x frame.w`` pixels there. ``pivot`` (TexturePacker, Phaser,
Paper2D) and ``anchor`` (PixiJS) are the same normalised point of the untrimmed frame. ``animations`` sits at
the top level because PixiJS v8 reads it there; ``meta.frameTags`` is Aseprite's form of the same
(indices into the frame order), with ``fps`` and ``loop`` added.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assetgen.errors import InvalidInput
from assetgen.imaging.spritesheet import SheetFrame, Spritesheet
from assetgen.imaging.trim import TrimBox
from assetgen.models.atlas import AtlasAnimation
from assetgen.post.animation import frame_duration_ms

TEXTUREPACKER_APP = "http://www.codeandweb.com/texturepacker"
FORMAT_VERSION = "1.0"


def _round_pivot(value: float) -> float:
    return round(float(value), 6)


def frame_entry(frame: SheetFrame, *, duration_ms: int | None = None) -> dict[str, Any]:
    """One frame's JSON (Hash) entry."""
    box = frame.trim
    entry: dict[str, Any] = {
        "frame": {"x": frame.x_px, "y": frame.y_px, "w": frame.w_px, "h": frame.h_px},
        "rotated": frame.is_rotated,
        "trimmed": box.is_trimmed,
        "spriteSourceSize": {"x": box.x_px, "y": box.y_px, "w": box.w_px, "h": box.h_px},
        "sourceSize": {"w": box.source_w_px, "h": box.source_h_px},
        "pivot": {"x": _round_pivot(frame.pivot_x), "y": _round_pivot(frame.pivot_y)},
        "anchor": {"x": _round_pivot(frame.pivot_x), "y": _round_pivot(frame.pivot_y)},
    }
    if duration_ms is not None:
        entry["duration"] = duration_ms
    return entry


def page_image_name(base: str, page: int) -> str:
    """File name of a page image: ``<base>.png``, then ``<base>-1.png`` ..."""
    return f"{base}.png" if page == 0 else f"{base}-{page}.png"


def page_data_name(base: str, page: int) -> str:
    """File name of a page's JSON: ``<base>.json``, then ``<base>-1.json`` ..."""
    return f"{base}.json" if page == 0 else f"{base}-{page}.json"


def atlas_json(
    sheet: Spritesheet,
    *,
    page: int = 0,
    base_name: str = "atlas",
    animations: Sequence[AtlasAnimation] = (),
    extra_meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON (Hash) document of one page of ``sheet``; image file names derive from ``base_name``.

    Animations whose frames all lie on this page are written (top-level ``animations`` and
    ``meta.frameTags``); frames are ordered animation by animation, then the rest in sheet order, so each
    frameTag is a contiguous ``from..to`` range."""
    if not 0 <= page < len(sheet.pages):
        raise InvalidInput(f"page {page} does not exist; the sheet has {len(sheet.pages)} page(s)")
    on_page = {f.name: f for f in sheet.frames if f.page == page}
    page_animations = [a for a in animations if a.frames and all(n in on_page for n in a.frames)]
    durations: dict[str, int] = {}
    order: list[str] = []
    for animation in page_animations:
        for name in animation.frames:
            durations.setdefault(name, frame_duration_ms(animation.fps))
            if name not in order:
                order.append(name)
    order += [name for name in on_page if name not in durations]
    index = {name: i for i, name in enumerate(order)}

    frame_tags = []
    for animation in page_animations:
        positions = [index[n] for n in animation.frames]
        if positions == list(range(positions[0], positions[0] + len(positions))):
            frame_tags.append(
                {
                    "name": animation.name,
                    "from": positions[0],
                    "to": positions[-1],
                    "direction": "forward",
                    "fps": animation.fps,
                    "loop": animation.loop,
                }
            )
    height, width = sheet.pages[page].shape[:2]
    meta: dict[str, Any] = {
        "app": TEXTUREPACKER_APP,
        "version": FORMAT_VERSION,
        "image": page_image_name(base_name, page),
        "format": "RGBA8888",
        "size": {"w": width, "h": height},
        "scale": "1",
        "frameTags": frame_tags,
        "generator": "assetgen",
    }
    if len(sheet.pages) > 1:
        meta["related_multi_packs"] = [
            page_data_name(base_name, p) for p in range(len(sheet.pages)) if p != page
        ]
    if extra_meta:
        meta.update(extra_meta)
    return {
        "frames": {name: frame_entry(on_page[name], duration_ms=durations.get(name)) for name in order},
        "animations": {a.name: list(a.frames) for a in page_animations},
        "meta": meta,
    }


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise InvalidInput(f"{where} must be an integer, got {value!r}")
    return int(value)


def _rect(data: Any, where: str, keys: str = "xywh") -> list[int]:
    if not isinstance(data, dict):
        raise InvalidInput(f"{where} must be an object with {', '.join(keys)}")
    return [_int(data.get(k), f"{where}.{k}") for k in keys]


def read_atlas_json(
    data: Any, *, page: int = 0
) -> tuple[list[SheetFrame], list[AtlasAnimation], dict[str, Any]]:
    """Frames, animations and meta from a JSON (Hash) or JSON (Array) document; raises InvalidInput naming
    the frame and key that is wrong."""
    if not isinstance(data, dict) or "frames" not in data:
        raise InvalidInput("atlas JSON must be an object with 'frames' (TexturePacker JSON Hash or Array)")
    raw_frames = data["frames"]
    if isinstance(raw_frames, list):
        items = [(str(f.get("filename", "")), f) for f in raw_frames if isinstance(f, dict)]
    elif isinstance(raw_frames, dict):
        items = list(raw_frames.items())
    else:
        raise InvalidInput("atlas JSON 'frames' must be an object or a list")
    frames: list[SheetFrame] = []
    for name, entry in items:
        where = f"frames[{name!r}]"
        if not isinstance(entry, dict):
            raise InvalidInput(f"{where} must be an object")
        x, y, w, h = _rect(entry.get("frame"), f"{where}.frame")
        sx, sy, sw, sh = _rect(
            entry.get("spriteSourceSize", {"x": 0, "y": 0, "w": w, "h": h}), f"{where}.spriteSourceSize"
        )
        source_w, source_h = _rect(entry.get("sourceSize", {"w": w, "h": h}), f"{where}.sourceSize", "wh")
        pivot = entry.get("pivot") or entry.get("anchor") or {"x": 0.5, "y": 0.5}
        frames.append(
            SheetFrame(
                name=name,
                page=page,
                x_px=x,
                y_px=y,
                w_px=w,
                h_px=h,
                is_rotated=bool(entry.get("rotated", False)),
                trim=TrimBox(sx, sy, sw, sh, source_w, source_h),
                pivot_x=float(pivot.get("x", 0.5)),
                pivot_y=float(pivot.get("y", 0.5)),
            )
        )
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    tags = {t.get("name"): t for t in meta.get("frameTags", []) if isinstance(t, dict)}
    animations = []
    for name, names in (data.get("animations") or {}).items():
        tag = tags.get(name, {})
        animations.append(
            AtlasAnimation(
                name=name, frames=list(names), fps=float(tag.get("fps", 12)), loop=bool(tag.get("loop", True))
            )
        )
    return frames, animations, meta
