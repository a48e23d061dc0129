"""PixiJS kit profile: the atlas (PNG + JSON that ``Assets.load`` reads) and the origin's kit manifest.

``kit.json`` has the origin's layout: ``id, projectId, version, atlases[{id, imagePath, dataPath}],
images[{name, assetId, path, tags}], animations[{name, assetId, atlasId, frames[], fps, loop}],
ui[{name, type, states{}}]``. Frames that belong to no animation are also written as single images under
``images/`` (rebuilt from the sheet, untrimmed) and listed in ``images``. Paths are relative to the bundle.
(``manifest.json`` is assetgen's bundle manifest, as in every profile.)
"""

from __future__ import annotations

import json

from assetgen.export.bundle import Bundle, BundleFile, ExportRequest, finish_bundle
from assetgen.export.unreal import atlas_files
from assetgen.image_files import encode_png
from assetgen.imaging.spritesheet import extract_frame
from assetgen.post.texturepacker import page_data_name, page_image_name

KIT_NAME = "kit.json"
KIT_VERSION = 1


def build_bundle(request: ExportRequest) -> Bundle:
    """PixiJS kit bundle: PNG + JSON per page, single images, kit.json and the manifest."""
    files = atlas_files(request)
    sheet = request.sheet
    animated = {name for a in request.animations for name in a.frames}
    images = []
    for frame in sheet.frames:
        if frame.name in animated:
            continue
        path = f"images/{frame.name}.png"
        files[path] = BundleFile(
            encode_png(extract_frame(sheet.pages[frame.page], frame)), "image", (frame.name,)
        )
        link = request.links.get(frame.name)
        images.append(
            {
                "name": frame.name,
                "assetId": link.asset_id if link else None,
                "path": path,
                "tags": list(link.tags) if link else [],
            }
        )
    animations = []
    for animation in request.animations:
        owners = {request.links[n].asset_id for n in animation.frames if n in request.links}
        animations.append(
            {
                "name": animation.name,
                "assetId": owners.pop() if len(owners) == 1 else None,
                "atlasId": request.atlas_id,
                "frames": list(animation.frames),
                "fps": animation.fps,
                "loop": animation.loop,
            }
        )
    kit = {
        "id": request.export_id,
        "projectId": request.project_id,
        "version": KIT_VERSION,
        "atlases": [
            {
                "id": request.atlas_id if page == 0 else f"{request.atlas_id}-{page}",
                "imagePath": page_image_name(request.base_name, page),
                "dataPath": page_data_name(request.base_name, page),
                **({"scaleMode": "nearest"} if request.pixel_art else {}),
            }
            for page in range(len(sheet.pages))
        ],
        "images": images,
        "animations": animations,
        "ui": [dict(item) for item in request.ui],
    }
    data = (json.dumps(kit, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    files[KIT_NAME] = BundleFile(data, "kit_manifest", tuple(f.name for f in sheet.frames))
    return finish_bundle(request, files)
