"""assetgen: the domain core of the game-asset factory, and (through ``comfy_entrypoint``) its ComfyUI node pack.

Importing this package imports neither torch, ComfyUI, aiohttp nor rembg: ComfyUI's loader calls
``comfy_entrypoint`` and only then are the node classes (which need ComfyUI) imported.
"""

from __future__ import annotations

import sys

__version__ = "0.1.0"

if __name__ != "assetgen":
    # ComfyUI imports a custom-node folder under its path as the module name; every module of this
    # package imports ``assetgen.*``, so make this very module importable under that name as well.
    sys.modules.setdefault("assetgen", sys.modules[__name__])


async def comfy_entrypoint():
    """ComfyUI V3 entry point: returns the assetgen ``ComfyExtension``."""
    import sys

    # ComfyUI 0.3.75 imports a custom-node folder under its full path as the module name, so
    # `import assetgen` would fail inside ComfyUI: make this package importable by its own name.
    sys.modules.setdefault("assetgen", sys.modules[__name__])
    import os

    from assetgen.nodes import AssetgenExtension
    from assetgen.nodes.host_guard import install_in_comfyui

    install_in_comfyui(os.environ)  # only when started by orchestrator/comfy_process.py
    return AssetgenExtension()
