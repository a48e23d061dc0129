"""assetgen: the domain core of the game-asset factory, and (through ``comfy_entrypoint``) its ComfyUI node pack.

Importing this package imports neither torch, ComfyUI, aiohttp nor rembg: ComfyUI's loader calls
``comfy_entrypoint`` and only then are the node classes (which need ComfyUI) imported.
"""

from __future__ import annotations

__version__ = "0.1.0"


async def comfy_entrypoint():
    """ComfyUI V3 entry point: returns the assetgen ``ComfyExtension``."""
    from assetgen.nodes import AssetgenExtension

    return AssetgenExtension()
