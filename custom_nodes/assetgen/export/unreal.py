"""Unreal profile: the sheet PNG and the TexturePacker JSON (Hash) that Paper2D's importer reads.

Paper2D ("Import" of a ``.json`` next to its ``meta.image``) needs a non-empty ``meta.app``, ``meta.image``
naming the PNG beside it, integer rects and unique frame names; it reads ``rotated`` (stored 90 degrees
clockwise), ``trimmed``, ``spriteSourceSize``, ``sourceSize`` and ``pivot``. Frame names end in their frame
number, so "Create Flipbooks" groups each animation.
"""

from __future__ import annotations

import json
from typing import Any

from assetgen.export.bundle import Bundle, BundleFile, ExportRequest, finish_bundle
from assetgen.image_files import encode_png
from assetgen.post.texturepacker import atlas_json, page_data_name, page_image_name


def pixel_art_meta(request: ExportRequest) -> dict[str, Any] | None:
    """``meta`` keys that tell a loader to scale a pixel-art atlas nearest (PixiJS ``scaleMode``)."""
    if request.pixel_art is None:
        return None
    return {"scaleMode": "nearest", "pixelsPerUnit": request.pixel_art.pixels_per_unit}


def atlas_files(request: ExportRequest) -> dict[str, BundleFile]:
    """Page PNG(s) + TexturePacker JSON (Hash) per page, named after the request's base name."""
    sheet = request.sheet
    files: dict[str, BundleFile] = {}
    for page in range(len(sheet.pages)):
        frames = tuple(f.name for f in sheet.frames if f.page == page)
        files[page_image_name(request.base_name, page)] = BundleFile(
            encode_png(sheet.pages[page]), "atlas_image", frames
        )
        document = atlas_json(
            sheet,
            page=page,
            base_name=request.base_name,
            animations=request.animations,
            extra_meta=pixel_art_meta(request),
        )
        data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        files[page_data_name(request.base_name, page)] = BundleFile(data, "atlas_data", frames)
    return files


def build_bundle(request: ExportRequest) -> Bundle:
    """Unreal (Paper2D) bundle: PNG + TexturePacker JSON per page + manifest."""
    return finish_bundle(request, atlas_files(request))
