"""The assetgen ComfyUI node pack (V3 schema): thin nodes over the assetgen core.

Imported only through ``assetgen.comfy_entrypoint`` inside ComfyUI (it needs torch and comfy_api).
"""

from __future__ import annotations

from comfy_api.latest import ComfyExtension, io

from assetgen.nodes.bg_remove import AssetGenRemoveBackground


class AssetgenExtension(ComfyExtension):
    """Lists the assetgen nodes."""

    async def get_node_list(self) -> list[type[io.ComfyNode]]:
        return [AssetGenRemoveBackground]
