"""The Pack Spritesheet node in a running ComfyUI: Remove Background -> Pack -> a TexturePacker atlas."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import numpy as np
import pytest

from assetgen.image_files import read_rgba
from assetgen.post.texturepacker import read_atlas_json
from orchestrator.comfy_client import ComfyClient

pytestmark = pytest.mark.comfy

PROMPT = {
    "1": {
        "class_type": "EmptyImage",
        "inputs": {"width": 64, "height": 64, "batch_size": 3, "color": 0xF0F0EC},
    },
    "2": {
        "class_type": "EmptyImage",
        "inputs": {"width": 24, "height": 30, "batch_size": 3, "color": 0x2050C0},
    },
    "3": {
        "class_type": "ImageCompositeMasked",
        "inputs": {"destination": ["1", 0], "source": ["2", 0], "x": 20, "y": 17, "resize_source": False},
    },
    "4": {
        "class_type": "AssetGenRemoveBackground",
        "inputs": {
            "image": ["3", 0],
            "method": "colorkey",
            "threshold": 24.0,
            "feather_px": 0.0,
            "erode_px": 0,
            "clear_holes": True,
            "hole_min_area_px": 0,
            "model": "",
        },
    },
    "5": {
        "class_type": "AssetGenPackSpritesheet",
        "inputs": {
            "images": ["4", 0],
            "animation": "blink",
            "fps": 8.0,
            "loop": True,
            "padding_px": 2,
            "extrude_px": 1,
            "max_size_px": 512,
            "trim": True,
            "power_of_two": False,
        },
    },
    "6": {"class_type": "SaveImage", "inputs": {"images": ["5", 0], "filename_prefix": "pack_node"}},
    "7": {"class_type": "PreviewAny", "inputs": {"source": ["5", 2]}},
}


def test_pack_node_makes_a_texturepacker_atlas(comfy_env) -> None:
    settings, state = comfy_env

    async def go() -> dict:
        async with aiohttp.ClientSession() as session:
            client = ComfyClient(state.url, session)
            return await client.wait(await client.submit(PROMPT))

    entry = asyncio.run(go())
    saved = entry["outputs"]["6"]["images"][0]
    atlas = read_rgba(
        settings.data_dir / "runtime" / "comfyui" / "output" / saved["subfolder"] / saved["filename"]
    )
    document = json.loads(entry["outputs"]["7"]["text"][0])
    assert document["animations"] == {"blink": ["blink_00", "blink_01", "blink_02"]}
    assert document["meta"]["app"] == "http://www.codeandweb.com/texturepacker"
    frames, animations, _meta = read_atlas_json(document)
    for name in ("blink_00", "blink_01", "blink_02"):
        frame = document["frames"][name]
        assert (frame["sourceSize"]["w"], frame["spriteSourceSize"]["w"]) == (64, 24), frame
        x, y = frame["frame"]["x"], frame["frame"]["y"]
        assert np.all(atlas[y : y + 30, x : x + 24, 3] == 255), "the sprite is opaque on the page"
    assert [f.name for f in frames] == ["blink_00", "blink_01", "blink_02"] and animations[0].fps == 8.0
